// ManualOperations: an operator's merge and split of profiles, and the explanation of why two
// records, profiles or ad-hoc records match (or not).
//
// Merge and split are audited (actor and reason required), idempotent by key (the response is
// stored under meta "idem/<key>" with the request's fingerprint; the same key with another
// request is InvalidArgument) and written at once in their own WriteBatch. A merge keeps the
// older profile's id, ignores the link policy and removes the do-not-link constraints between
// the two; a split moves the named records to a new profile and adds do-not-link constraints
// between moved and remaining records, so that automatic resolution never re-merges them.
//
//   CLT_ASSIGN_OR_RETURN(ManualOperations::Checked checked, ManualOperations::Check(request));
//   absl::MutexLock l(&mu);  // Then, with memory in step with the store:
//   bool reload = false;
//   auto response = manual.Merge(request, checked, &reload);
//   if (reload) ...;  // Memory no longer matches the store: reload it.
//
// The parts are not owned and outlive this object. Not thread-safe: the Resolver holds its
// write lock around Merge and Split, its reader lock around Explain; Check needs none.
#ifndef CLIENTELE_IDENTITY_RESOLUTION_MANUAL_OPERATIONS_H_
#define CLIENTELE_IDENTITY_RESOLUTION_MANUAL_OPERATIONS_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "clientele/identity/v1/identity.pb.h"
#include "common/storage/kv_store.h"
#include "identity/matching/person_record.h"
#include "identity/resolution/audit_log.h"
#include "identity/resolution/link_policy.h"
#include "identity/resolution/pending_records.h"
#include "identity/resolution/profile_writer.h"
#include "identity/resolution/record_index.h"
#include "identity/resolution/record_matcher.h"
#include "identity/resolution/resolver_options.h"

namespace clientele::identity {

class ManualOperations {
 public:
  // The parts a ManualOperations works with (none owned), and `put_counters`, which puts the
  // resolver's id counters (meta "next_*") into a batch.
  struct Parts {
    storage::KvStore* store;
    RecordIndex* index;
    PendingRecords* pending;
    ProfileWriter* writer;
    LinkPolicy* policy;
    AuditLog* audit;
    const RecordMatcher* matcher;
    const ResolverOptions* options;
    std::function<void(storage::WriteBatch&)> put_counters;
  };

  // A request whose fields were checked: the profile numbers it names and its fingerprint.
  struct Checked {
    uint64_t first = 0;   // into_profile_id, or the split's profile_id.
    uint64_t second = 0;  // from_profile_id (merge only).
    std::string fingerprint;
  };

  explicit ManualOperations(Parts parts) : parts_(std::move(parts)) {}
  ManualOperations(const ManualOperations&) = delete;
  ManualOperations& operator=(const ManualOperations&) = delete;

  // InvalidArgument naming the field for missing or malformed fields or equal ids.
  static absl::StatusOr<Checked> Check(const v1::MergeProfilesRequest& request);
  static absl::StatusOr<Checked> Check(const v1::SplitProfileRequest& request);

  // NotFound for unknown ids, FailedPrecondition if they are one profile already.
  absl::StatusOr<v1::MergeProfilesResponse> Merge(const v1::MergeProfilesRequest& request,
                                                  const Checked& checked, bool* reload);
  // NotFound for an unknown profile or record, InvalidArgument for a record of another profile
  // or when no member would stay.
  absl::StatusOr<v1::SplitProfileResponse> Split(const v1::SplitProfileRequest& request,
                                                 const Checked& checked, bool* reload);
  // The best-scoring pair of the two subjects (a profile: its first 50 members) explained.
  absl::StatusOr<v1::ExplainMatchResponse> Explain(const v1::ExplainMatchRequest& request) const;

 private:
  // The stored response of idempotency key `key` (kind 'M' merge, 'S' split), if any.
  absl::StatusOr<std::optional<std::string>> IdempotentResult(char kind, const std::string& key,
                                                              const std::string& fingerprint) const;
  // Puts the records changed, the counters and the idempotent response into `batch` and
  // writes it; then forgets the pending records. On error *reload is set.
  absl::Status Write(storage::WriteBatch& batch, char kind, const std::string& key,
                     const std::string& fingerprint, const std::string& response, bool* reload);
  // The best-scoring pair of a x b, as indexes into a and b.
  std::pair<size_t, size_t> BestPair(const std::vector<const PersonRecord*>& a,
                                     const std::vector<const PersonRecord*>& b) const;

  const Parts parts_;
};

}  // namespace clientele::identity

#endif  // CLIENTELE_IDENTITY_RESOLUTION_MANUAL_OPERATIONS_H_
