// Encodes stored log records without copying the event: the stored value is one byte of
// PayloadType followed by the wire bytes of a clientele.ingest.v1.LogEntry, written field
// by field so that the (possibly large) Event is serialized straight into the buffer.
#ifndef CLIENTELE_INGEST_LOG_ENTRY_CODEC_H_
#define CLIENTELE_INGEST_LOG_ENTRY_CODEC_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/time/time.h"
#include "clientele/common/v1/event.pb.h"

namespace clientele::ingest {

common::v1::PayloadType PayloadTypeOf(const common::v1::Event& event);

// The message's deterministic encoding (map entries in key order), for fingerprints that must
// not depend on how the sender built the message.
std::string DeterministicBytes(const google::protobuf::Message& message);

// Appends LogEntry fields 1 to 3 (partition, sequence, ingested_at) in wire form.
void AppendLogEntryHeader(uint32_t partition, uint64_t sequence, absl::Time ingested_at,
                          std::string* out);
// Appends a varint (the wire form of a length or an unsigned field value).
void AppendWireVarint(uint64_t value, std::string* out);

// Replaces `out` with the stored form of LogEntry{partition, sequence, ingested_at, event}.
void EncodeStoredLogEntry(uint32_t partition, uint64_t sequence, absl::Time ingested_at,
                          const common::v1::Event& event, std::string* out);

// The payload type of a stored value (plain or sealed, sealed_log_entry.h), and the LogEntry
// bytes of a plain one (empty view if malformed).
common::v1::PayloadType StoredPayloadType(std::string_view stored);
std::string_view StoredLogEntryBytes(std::string_view stored);

// A cheap check that `entry` (StoredLogEntryBytes of a stored value) is the LogEntry of
// `partition` and `sequence`, without parsing the event: its top level is well-formed on the
// wire (valid tags, varints and lengths within the bytes, fields 1 to 4 with their declared wire
// types), its partition and sequence are those, and it holds an event. The event's own bytes
// are not walked: RocksDB's block checksums guard stored bytes (docs/reliability.md).
bool IsStoredLogEntryOf(std::string_view entry, uint32_t partition, uint64_t sequence);

}  // namespace clientele::ingest

#endif  // CLIENTELE_INGEST_LOG_ENTRY_CODEC_H_
