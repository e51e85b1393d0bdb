// Access export (GDPR art. 15, KVKK art. 11): everything identity holds about a subject, as
// identity's part of the export document (docs/privacy.md, "Export"):
//
//   "profile":  the surviving profile (protobuf JSON of identity.v1.Profile: members, aliases,
//               the golden record with its lineage: for each field the member record, time,
//               channel and rule that supplied it); when the subject spans several profiles,
//               the others in "profile.other_profiles". {} when identity has no profile.
//   "members":  each member record: source, profile_id, "raw" (the CustomerUpsert fields as
//               received, merged over its upserts), "normalized" (the comparison forms),
//               first_seen_at, last_upsert_at, channel, field_set_micros, upserts.
//   "consents": {"current": [ConsentState], "history": [ConsentEvent]} over the subject's
//               records (the latest change across them wins, as in GetConsents).
//   "identity_audit": the audit entries about the profiles (and the ids merged into them).
//
// Protobuf JSON with the proto field names. Missing parts are empty, never absent.
//
//   CLT_ASSIGN_OR_RETURN(std::string json, ExportSubjectJson(resolver, store, subject));
//
// Reads committed state; thread-safe. `store` is the resolver's store. InvalidArgument naming
// the field for a malformed profile id; DataLoss for a corrupt stored record.
#ifndef CLIENTELE_IDENTITY_PRIVACY_SUBJECT_EXPORTER_H_
#define CLIENTELE_IDENTITY_PRIVACY_SUBJECT_EXPORTER_H_

#include <string>

#include "absl/status/statusor.h"
#include "clientele/privacy/v1/privacy.pb.h"
#include "common/storage/kv_store.h"
#include "identity/resolution/resolver.h"

namespace clientele::identity {

absl::StatusOr<std::string> ExportSubjectJson(const Resolver& resolver,
                                              const storage::KvStore& store,
                                              const privacy::v1::Subject& subject);

}  // namespace clientele::identity

#endif  // CLIENTELE_IDENTITY_PRIVACY_SUBJECT_EXPORTER_H_
