#include "ingest/log_entry_codec.h"

#include <climits>

#include "common/time/proto_time.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"

namespace clientele::ingest {
namespace {

void AppendVarint(uint64_t v, std::string* out) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>(v | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

size_t VarintSize(uint64_t v) {
  size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++n;
  }
  return n;
}

// Tags of clientele.ingest.v1.LogEntry and google.protobuf.Timestamp.
constexpr char kPartitionTag = (1 << 3) | 0;
constexpr char kSequenceTag = (2 << 3) | 0;
constexpr char kIngestedAtTag = (3 << 3) | 2;
constexpr char kEventTag = (4 << 3) | 2;
constexpr char kSecondsTag = (1 << 3) | 0;
constexpr char kNanosTag = (2 << 3) | 0;

}  // namespace

std::string DeterministicBytes(const google::protobuf::Message& message) {
  std::string bytes;
  google::protobuf::io::StringOutputStream stream(&bytes);
  google::protobuf::io::CodedOutputStream out(&stream);
  out.SetSerializationDeterministic(true);
  message.SerializeToCodedStream(&out);
  out.Trim();
  return bytes;
}

common::v1::PayloadType PayloadTypeOf(const common::v1::Event& event) {
  // PayloadType values equal the oneof field numbers by construction (event.proto).
  return static_cast<common::v1::PayloadType>(event.payload_case());
}

void AppendWireVarint(uint64_t value, std::string* out) { AppendVarint(value, out); }

void AppendLogEntryHeader(uint32_t partition, uint64_t sequence, absl::Time ingested_at,
                          std::string* out) {
  if (partition != 0) {
    out->push_back(kPartitionTag);
    AppendVarint(partition, out);
  }
  out->push_back(kSequenceTag);
  AppendVarint(sequence, out);
  const google::protobuf::Timestamp at = ToProtoTimestamp(ingested_at);
  const int64_t seconds = at.seconds();
  const int64_t nanos = at.nanos();
  const size_t ts_size = (seconds ? 1 + VarintSize(static_cast<uint64_t>(seconds)) : 0) +
                         (nanos ? 1 + VarintSize(static_cast<uint64_t>(nanos)) : 0);
  out->push_back(kIngestedAtTag);
  AppendVarint(ts_size, out);
  if (seconds) {
    out->push_back(kSecondsTag);
    AppendVarint(static_cast<uint64_t>(seconds), out);
  }
  if (nanos) {
    out->push_back(kNanosTag);
    AppendVarint(static_cast<uint64_t>(nanos), out);
  }
}

void EncodeStoredLogEntry(uint32_t partition, uint64_t sequence, absl::Time ingested_at,
                          const common::v1::Event& event, std::string* out) {
  out->clear();
  const size_t event_size = event.ByteSizeLong();
  out->reserve(event_size + 40);
  out->push_back(static_cast<char>(PayloadTypeOf(event)));
  AppendLogEntryHeader(partition, sequence, ingested_at, out);
  out->push_back(kEventTag);
  AppendVarint(event_size, out);
  const size_t start = out->size();
  out->resize(start + event_size);
  event.SerializeWithCachedSizesToArray(reinterpret_cast<uint8_t*>(&(*out)[start]));
}

common::v1::PayloadType StoredPayloadType(std::string_view stored) {
  if (stored.empty()) return common::v1::PAYLOAD_TYPE_UNSPECIFIED;
  // The high bit marks a sealed value (sealed_log_entry.h).
  return static_cast<common::v1::PayloadType>(static_cast<unsigned char>(stored[0]) & 0x7F);
}

std::string_view StoredLogEntryBytes(std::string_view stored) {
  return stored.empty() ? stored : stored.substr(1);
}

bool IsStoredLogEntryOf(std::string_view entry, uint32_t partition, uint64_t sequence) {
  const char* p = entry.data();
  const char* const end = p + entry.size();
  auto varint = [&p, end](uint64_t* value) {
    uint64_t v = 0;
    for (int shift = 0; shift < 70; shift += 7) {
      if (p == end) return false;
      const auto byte = static_cast<unsigned char>(*p++);
      v |= static_cast<uint64_t>(byte & 0x7F) << shift;
      if ((byte & 0x80) == 0) {
        *value = v;
        return true;
      }
    }
    return false;
  };
  uint64_t found_partition = 0, found_sequence = 0;
  bool has_event = false;
  while (p != end) {
    uint64_t tag = 0, value = 0;
    if (!varint(&tag) || (tag >> 3) == 0 || tag > UINT32_MAX) return false;
    const uint64_t number = tag >> 3;
    const int wire_type = static_cast<int>(tag & 7);
    switch (wire_type) {
      case 0:  // Varint.
        if (!varint(&value)) return false;
        if (number == 1) found_partition = value;
        if (number == 2) found_sequence = value;
        if (number == 3 || number == 4) return false;
        break;
      case 1:  // Fixed64.
      case 5:  // Fixed32.
        if (number <= 4) return false;
        if (end - p < (wire_type == 1 ? 8 : 4)) return false;
        p += wire_type == 1 ? 8 : 4;
        break;
      case 2:  // Length-delimited.
        if (number == 1 || number == 2) return false;
        if (!varint(&value) || value > static_cast<uint64_t>(end - p)) return false;
        if (number == 4) has_event = true;
        p += value;
        break;
      default:  // Groups and invalid wire types: never written by EncodeStoredLogEntry.
        return false;
    }
  }
  return has_event && found_partition == partition && found_sequence == sequence;
}

}  // namespace clientele::ingest
