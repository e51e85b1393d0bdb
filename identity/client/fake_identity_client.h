// An in-memory IdentityClient for tests: the map, the known profiles and the applied log
// positions are whatever the test sets; nothing waits. Thread-safe.
//
//   FakeIdentityClient identity;
//   identity.SetProfile(Key("web", "a"), "P1");
//   identity.SetApplied({{0, 10}});          // behind a caller that applied more
//   identity.FailWith(absl::UnavailableError("down"));
#ifndef CLIENTELE_IDENTITY_CLIENT_FAKE_IDENTITY_CLIENT_H_
#define CLIENTELE_IDENTITY_CLIENT_FAKE_IDENTITY_CLIENT_H_

#include <optional>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_set.h"
#include "absl/synchronization/mutex.h"
#include "identity/client/identity_client.h"

namespace clientele::identity {

class FakeIdentityClient final : public IdentityClient {
 public:
  // Source key `key` belongs to profile `profile_id` (which identity then knows).
  void SetProfile(const common::v1::SourceKey& key, const std::string& profile_id);
  // Identity knows `profile_id` (e.g. the old id of a merged profile).
  void AddKnownProfile(const std::string& profile_id);
  // What identity has applied of the log. Until set, it is caught up with any caller.
  void SetApplied(const LogPositions& applied);
  // Every call fails with `status` (e.g. Unavailable: identity unreachable); OK: they answer.
  void FailWith(absl::Status status);
  // How many calls were made (of any method).
  int calls() const;

  // As the interface says, except that nothing waits: a caller ahead of SetApplied gets
  // Unavailable at once (Cancelled if `cancelled` is already true).
  absl::StatusOr<ProfileMap> GetProfileMap(const LogPositions& min_applied,
                                           absl::Duration catch_up_wait,
                                           const std::function<bool()>& cancelled) override;
  absl::StatusOr<bool> KnowsProfile(const std::string& profile_id) override;
  absl::Status CheckCaughtUp(const LogPositions& min_applied, absl::Duration wait) override;

 private:
  // OK, or the failure / the freshness error of a call.
  absl::Status Answer(const LogPositions& min_applied) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  mutable absl::Mutex mu_;
  ProfileMap map_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_set<std::string> known_ ABSL_GUARDED_BY(mu_);
  std::optional<absl::flat_hash_map<uint32_t, uint64_t>> applied_ ABSL_GUARDED_BY(mu_);
  absl::Status failure_ ABSL_GUARDED_BY(mu_);
  int calls_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace clientele::identity

#endif  // CLIENTELE_IDENTITY_CLIENT_FAKE_IDENTITY_CLIENT_H_
