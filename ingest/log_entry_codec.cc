#include "ingest/log_entry_codec.h"

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

void EncodeStoredLogEntry(uint32_t partition, uint64_t sequence, absl::Time ingested_at,
                          const common::v1::Event& event, std::string* out) {
  out->clear();
  const size_t event_size = event.ByteSizeLong();
  out->reserve(event_size + 40);
  out->push_back(static_cast<char>(PayloadTypeOf(event)));
  if (partition != 0) {
    out->push_back(kPartitionTag);
    AppendVarint(partition, out);
  }
  out->push_back(kSequenceTag);
  AppendVarint(sequence, out);
  const int64_t nanos_total = absl::ToUnixNanos(ingested_at);
  const int64_t seconds = nanos_total / 1000000000;
  const int64_t nanos = nanos_total % 1000000000;
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
  out->push_back(kEventTag);
  AppendVarint(event_size, out);
  const size_t start = out->size();
  out->resize(start + event_size);
  event.SerializeWithCachedSizesToArray(reinterpret_cast<uint8_t*>(&(*out)[start]));
}

common::v1::PayloadType StoredPayloadType(std::string_view stored) {
  if (stored.empty()) return common::v1::PAYLOAD_TYPE_UNSPECIFIED;
  return static_cast<common::v1::PayloadType>(static_cast<unsigned char>(stored[0]));
}

std::string_view StoredLogEntryBytes(std::string_view stored) {
  return stored.empty() ? stored : stored.substr(1);
}

}  // namespace clientele::ingest
