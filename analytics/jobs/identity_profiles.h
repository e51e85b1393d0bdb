// ProfileDirectory over the identity client (identity/client/identity_client.h): identity's
// map, fresh as of what the caller has applied of the log (see IdentityClient::GetProfileMap
// for the catch-up wait and its errors). Thread-safe as the client is.
#ifndef CLIENTELE_ANALYTICS_JOBS_IDENTITY_PROFILES_H_
#define CLIENTELE_ANALYTICS_JOBS_IDENTITY_PROFILES_H_

#include <functional>
#include <memory>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "analytics/jobs/profile_directory.h"
#include "identity/client/identity_client.h"

namespace clientele::analytics {

// The caller's applied log positions now (e.g. its log consumer's); called once per lookup.
using LogPositionsFn = std::function<absl::StatusOr<identity::LogPositions>()>;

class IdentityProfiles final : public ProfileDirectory {
 public:
  // `positions` null: no freshness check (whatever identity has applied).
  IdentityProfiles(std::shared_ptr<identity::IdentityClient> client, LogPositionsFn positions,
                   absl::Duration catch_up_wait)
      : client_(std::move(client)),
        positions_(std::move(positions)),
        catch_up_wait_(catch_up_wait) {}

  absl::StatusOr<ProfileMap> GetProfileMap(const std::function<bool()>& cancelled) override {
    identity::LogPositions applied;
    if (positions_) {
      absl::StatusOr<identity::LogPositions> now = positions_();
      if (!now.ok()) return now.status();
      applied = std::move(*now);
    }
    return client_->GetProfileMap(applied, catch_up_wait_, cancelled);
  }

 private:
  const std::shared_ptr<identity::IdentityClient> client_;
  const LogPositionsFn positions_;
  const absl::Duration catch_up_wait_;
};

}  // namespace clientele::analytics

#endif  // CLIENTELE_ANALYTICS_JOBS_IDENTITY_PROFILES_H_
