#include "ingest/retention/entry_ingested_at.h"

#include <string>

#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/timestamp.pb.h"
#include "google/protobuf/wire_format_lite.h"

namespace clientele::ingest {

std::optional<absl::Time> EntryIngestedAt(std::string_view entry) {
  using google::protobuf::internal::WireFormatLite;
  constexpr int kIngestedAtField = 3;  // clientele.ingest.v1.LogEntry.ingested_at
  google::protobuf::io::CodedInputStream in(reinterpret_cast<const uint8_t*>(entry.data()),
                                            static_cast<int>(entry.size()));
  std::optional<absl::Time> found;
  while (uint32_t tag = in.ReadTag()) {
    if (WireFormatLite::GetTagFieldNumber(tag) == kIngestedAtField &&
        WireFormatLite::GetTagWireType(tag) == WireFormatLite::WIRETYPE_LENGTH_DELIMITED) {
      uint32_t size = 0;
      std::string bytes;
      google::protobuf::Timestamp at;
      if (!in.ReadVarint32(&size) || !in.ReadString(&bytes, static_cast<int>(size)) ||
          !at.ParseFromString(bytes)) {
        return std::nullopt;
      }
      // The last occurrence wins, as when the message is parsed whole.
      found = absl::FromUnixSeconds(at.seconds()) + absl::Nanoseconds(at.nanos());
    } else if (!WireFormatLite::SkipField(&in, tag)) {
      return std::nullopt;
    }
  }
  if (!in.ConsumedEntireMessage()) return std::nullopt;
  return found;
}

}  // namespace clientele::ingest
