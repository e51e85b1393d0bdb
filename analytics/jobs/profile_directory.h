// Who is who for a job run: the current source key -> profile id map of identity
// (ARCHITECTURE.md §1: analytics keys its state by source key and asks identity at job time).
// An interface, so that the job code does not depend on gRPC (the identity-backed
// implementation over the shared identity client lives in analytics/jobs/identity_profiles.h).
#ifndef CLIENTELE_ANALYTICS_JOBS_PROFILE_DIRECTORY_H_
#define CLIENTELE_ANALYTICS_JOBS_PROFILE_DIRECTORY_H_

#include <functional>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"

namespace clientele::analytics {

// Encoded source key (EncodeSourceKey) -> profile id.
using ProfileMap = absl::flat_hash_map<std::string, std::string>;

class ProfileDirectory {
 public:
  virtual ~ProfileDirectory() = default;
  // The current map. A source key absent from it is a profile of its own, whose profile id
  // is FormatSourceKey(key). Called once per job run, from the job worker thread. A directory
  // that waits (for identity to catch up with the log) polls `cancelled` (may be null) and
  // returns Cancelled once it is true.
  virtual absl::StatusOr<ProfileMap> GetProfileMap(const std::function<bool()>& cancelled) = 0;
};

// Identity not configured: every source key is its own profile.
class SourceKeyProfiles final : public ProfileDirectory {
 public:
  absl::StatusOr<ProfileMap> GetProfileMap(const std::function<bool()>&) override {
    return ProfileMap();
  }
};

}  // namespace clientele::analytics

#endif  // CLIENTELE_ANALYTICS_JOBS_PROFILE_DIRECTORY_H_
