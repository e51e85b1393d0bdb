// ProfileDirectory backed by identity's GetProfileMap (clientele.identity.v1.IdentityService).
// If identity answers UNIMPLEMENTED (a server without the identity service), every source
// key is its own profile and a warning is logged; other errors fail the job (UNAVAILABLE:
// try again later). Thread-safe.
#ifndef CLIENTELE_ANALYTICS_IDENTITY_PROFILE_DIRECTORY_H_
#define CLIENTELE_ANALYTICS_IDENTITY_PROFILE_DIRECTORY_H_

#include <functional>
#include <memory>

#include "absl/time/time.h"
#include "analytics/jobs/profile_directory.h"
#include "grpcpp/channel.h"

namespace clientele::analytics {

class IdentityProfileDirectory final : public ProfileDirectory {
 public:
  // `channel` is called once per GetProfileMap (so an in-process channel can be created
  // after the server starts).
  explicit IdentityProfileDirectory(std::function<std::shared_ptr<grpc::Channel>()> channel,
                                    absl::Duration timeout = absl::Minutes(5))
      : channel_(std::move(channel)), timeout_(timeout) {}

  absl::StatusOr<ProfileMap> GetProfileMap() override;

 private:
  const std::function<std::shared_ptr<grpc::Channel>()> channel_;
  const absl::Duration timeout_;
};

}  // namespace clientele::analytics

#endif  // CLIENTELE_ANALYTICS_IDENTITY_PROFILE_DIRECTORY_H_
