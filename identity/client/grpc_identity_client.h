// IdentityClient over clientele.identity.v1.IdentityService: GetProfileMap (streamed, with
// min_applied and max_wait for the freshness rule), GetProfile for KnowsProfile. Thread-safe.
//
//   GrpcIdentityClient identity(channels->ChannelTo("identity"));
#ifndef CLIENTELE_IDENTITY_CLIENT_GRPC_IDENTITY_CLIENT_H_
#define CLIENTELE_IDENTITY_CLIENT_GRPC_IDENTITY_CLIENT_H_

#include <memory>
#include <string>

#include "absl/time/time.h"
#include "clientele/identity/v1/identity.grpc.pb.h"
#include "grpcpp/channel.h"
#include "identity/client/identity_client.h"

namespace clientele::identity {

struct GrpcIdentityClientOptions {
  // Deadline of one GetProfileMap call beyond the time identity is asked to wait.
  absl::Duration map_timeout = absl::Minutes(5);
  // Deadline of a GetProfile call, and of CheckCaughtUp beyond its wait.
  absl::Duration lookup_timeout = absl::Seconds(5);
};

class GrpcIdentityClient final : public IdentityClient {
 public:
  // `channel` (shared) reaches the identity service.
  explicit GrpcIdentityClient(std::shared_ptr<grpc::Channel> channel,
                              GrpcIdentityClientOptions options = {});

  absl::StatusOr<ProfileMap> GetProfileMap(const LogPositions& min_applied,
                                           absl::Duration catch_up_wait,
                                           const std::function<bool()>& cancelled) override;
  absl::StatusOr<bool> KnowsProfile(const std::string& profile_id) override;
  absl::Status CheckCaughtUp(const LogPositions& min_applied, absl::Duration wait) override;

 private:
  // One GetProfileMap call in which identity may wait up to `wait`; `behind` set when identity
  // answered that it is still behind `min_applied`.
  absl::StatusOr<ProfileMap> Fetch(const LogPositions& min_applied, absl::Duration wait,
                                   bool* behind);

  const std::unique_ptr<v1::IdentityService::Stub> stub_;
  const GrpcIdentityClientOptions options_;
};

}  // namespace clientele::identity

#endif  // CLIENTELE_IDENTITY_CLIENT_GRPC_IDENTITY_CLIENT_H_
