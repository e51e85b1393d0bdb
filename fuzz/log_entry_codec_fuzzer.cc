// Round trip of ingest/log_entry_codec: an Event parsed from the input (after 20 bytes that
// give partition, sequence and ingested_at) is encoded into the stored form; parsing the
// stored LogEntry bytes gives back the same partition, sequence, time and Event, the payload
// type byte matches the event, and IsStoredLogEntryOf accepts the entry at its position only.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

#include "absl/time/time.h"
#include "clientele/common/v1/event.pb.h"
#include "clientele/ingest/v1/ingest.pb.h"
#include "common/time/proto_time.h"
#include "fuzz/fuzz_check.h"
#include "google/protobuf/util/message_differencer.h"
#include "ingest/log_entry_codec.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  constexpr size_t kHeader = 4 + 8 + 8;
  if (size < kHeader) return 0;
  uint32_t partition;
  uint64_t sequence;
  int64_t nanos;
  std::memcpy(&partition, data, 4);
  std::memcpy(&sequence, data + 4, 8);
  std::memcpy(&nanos, data + 12, 8);
  clientele::common::v1::Event event;
  if (!event.ParseFromArray(data + kHeader, static_cast<int>(size - kHeader))) return 0;

  const absl::Time ingested_at = absl::FromUnixNanos(nanos);
  std::string stored;
  clientele::ingest::EncodeStoredLogEntry(partition, sequence, ingested_at, event, &stored);
  FUZZ_CHECK(clientele::ingest::StoredPayloadType(stored) ==
             clientele::ingest::PayloadTypeOf(event));
  const std::string_view bytes = clientele::ingest::StoredLogEntryBytes(stored);
  clientele::ingest::v1::LogEntry entry;
  FUZZ_CHECK(entry.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())));
  FUZZ_CHECK(entry.partition() == partition);
  FUZZ_CHECK(entry.sequence() == sequence);
  // A normalised Timestamp (nanos in [0, 999999999], seconds towards the past) of that time.
  FUZZ_CHECK(entry.ingested_at().nanos() >= 0 && entry.ingested_at().nanos() <= 999'999'999);
  FUZZ_CHECK(clientele::FromProtoTimestamp(entry.ingested_at()) == ingested_at);
  // The cheap check Subscribe relies on accepts every entry the codec writes.
  FUZZ_CHECK(clientele::ingest::IsStoredLogEntryOf(bytes, partition, sequence));
  FUZZ_CHECK(!clientele::ingest::IsStoredLogEntryOf(bytes, partition, sequence + 1));
  FUZZ_CHECK(google::protobuf::util::MessageDifferencer::Equals(entry.event(), event));
  return 0;
}
