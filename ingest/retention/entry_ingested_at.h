// Reads when a stored log entry was ingested without parsing its event: retention looks at
// every entry it may remove, and the event can be large (or sealed, docs/privacy.md).
#ifndef CLIENTELE_INGEST_RETENTION_ENTRY_INGESTED_AT_H_
#define CLIENTELE_INGEST_RETENTION_ENTRY_INGESTED_AT_H_

#include <optional>
#include <string_view>

#include "absl/time/time.h"

namespace clientele::ingest {

// LogEntry.ingested_at of `entry` (the LogEntry bytes EventLog::Read hands out), skipping every
// other field on the wire. std::nullopt when the bytes do not parse or hold no ingested_at.
std::optional<absl::Time> EntryIngestedAt(std::string_view entry);

}  // namespace clientele::ingest

#endif  // CLIENTELE_INGEST_RETENTION_ENTRY_INGESTED_AT_H_
