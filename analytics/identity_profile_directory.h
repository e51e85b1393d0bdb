// ProfileDirectory backed by identity's GetProfileMap (clientele.identity.v1.IdentityService).
// If identity answers UNIMPLEMENTED (a server without the identity service), every source
// key is its own profile and a warning is logged; other errors fail the job (UNAVAILABLE:
// try again later). Thread-safe.
//
// Freshness: when constructed with the caller's applied log positions, the map is used only
// from an identity that has applied the log at least as far as the caller had when it asked
// (identity waits up to `catch_up_wait` for that, e.g. while it replays the log after its
// store was rebuilt). An identity still behind then fails the call UNAVAILABLE naming
// identity, the partition and both sequences: never a partial map in which the source keys
// identity has not reached yet would silently be profiles of their own.
#ifndef CLIENTELE_ANALYTICS_IDENTITY_PROFILE_DIRECTORY_H_
#define CLIENTELE_ANALYTICS_IDENTITY_PROFILE_DIRECTORY_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "analytics/jobs/profile_directory.h"
#include "grpcpp/channel.h"

namespace clientele::analytics {

// (partition, applied sequence) of each log partition a caller consumes.
using LogPositions = std::vector<std::pair<uint32_t, uint64_t>>;
// Returns the caller's applied positions now; called once per lookup.
using LogPositionsFn = std::function<absl::StatusOr<LogPositions>()>;

class IdentityProfileDirectory final : public ProfileDirectory {
 public:
  // No freshness check: whatever identity has applied (tests, evaluation tools).
  // `channel` is called once per GetProfileMap (so an in-process channel can be created
  // after the server starts).
  explicit IdentityProfileDirectory(std::function<std::shared_ptr<grpc::Channel>()> channel,
                                    absl::Duration timeout = absl::Minutes(5))
      : channel_(std::move(channel)), timeout_(timeout) {}
  // With the freshness check against `caller_positions` (see above).
  IdentityProfileDirectory(std::function<std::shared_ptr<grpc::Channel>()> channel,
                           LogPositionsFn caller_positions, absl::Duration catch_up_wait,
                           absl::Duration timeout = absl::Minutes(5))
      : channel_(std::move(channel)),
        caller_positions_(std::move(caller_positions)),
        catch_up_wait_(catch_up_wait),
        timeout_(timeout) {}

  absl::StatusOr<ProfileMap> GetProfileMap(const std::function<bool()>& cancelled) override;

 private:
  // One GetProfileMap call in which identity may wait up to `wait`; `behind` set when identity
  // answered that it is still behind `caller`.
  absl::StatusOr<ProfileMap> Fetch(const LogPositions& caller, absl::Duration wait, bool* behind);

  const std::function<std::shared_ptr<grpc::Channel>()> channel_;
  const LogPositionsFn caller_positions_;  // Null: no freshness check.
  const absl::Duration catch_up_wait_ = absl::ZeroDuration();
  const absl::Duration timeout_;
};

// OK once identity (over `channel`) has applied at least `caller` (waiting up to `wait`);
// UNAVAILABLE naming identity, the partition and both sequences when it is behind or
// unreachable. GetProfileMap with positions_only: no map is sent.
absl::Status CheckIdentityCaughtUp(const std::shared_ptr<grpc::Channel>& channel,
                                   const LogPositions& caller, absl::Duration wait);

}  // namespace clientele::analytics

#endif  // CLIENTELE_ANALYTICS_IDENTITY_PROFILE_DIRECTORY_H_
