// The identity lookups other components make (ARCHITECTURE.md §1: analytics and the
// recommender key their state by source key and ask identity who is who): the source key ->
// profile map with its freshness rule, whether a profile id exists, and whether identity has
// caught up with the log. An interface with no gRPC in it, so that domain code and tests use
// it without a server:
//   grpc_identity_client.h   over clientele.identity.v1.IdentityService (a channel)
//   fake_identity_client.h   in memory, for tests
//
//   std::unique_ptr<IdentityClient> identity = std::make_unique<GrpcIdentityClient>(channel);
//   CLT_ASSIGN_OR_RETURN(ProfileMap map, identity->GetProfileMap(applied, absl::Minutes(10),
//                                                                cancelled));
#ifndef CLIENTELE_IDENTITY_CLIENT_IDENTITY_CLIENT_H_
#define CLIENTELE_IDENTITY_CLIENT_IDENTITY_CLIENT_H_

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "clientele/common/v1/event.pb.h"

namespace clientele::identity {

// (partition, applied sequence) of each log partition a caller consumes.
using LogPositions = std::vector<std::pair<uint32_t, uint64_t>>;

// ProfileMapKey(source key) -> profile id. A source key absent from the map is a profile of
// its own.
using ProfileMap = absl::flat_hash_map<std::string, std::string>;

// "system" 0x00 "id": the key of a source key in a ProfileMap (the storage encoding of a
// source key in analytics and the recommender).
std::string ProfileMapKey(const common::v1::SourceKey& key);

// Implementations are thread-safe.
class IdentityClient {
 public:
  virtual ~IdentityClient() = default;

  // Identity's whole source key -> profile id map.
  //
  // Freshness: the map is used only from an identity that has applied the log at least as
  // far as `min_applied` (a position with sequence 0 needs nothing; empty: whatever identity
  // has applied), so that a caller never gets a partial map from an identity replaying the
  // log, in which the source keys identity has not reached would silently be profiles of
  // their own. Identity waits up to `catch_up_wait` for that, asked for in slices of at most
  // a second between which `cancelled` (may be null) is polled: Cancelled once it is true.
  // Still behind after the wait, or reporting no position of a partition of `min_applied`:
  // Unavailable naming identity, the partition and both sequences.
  //
  // Other errors carry identity's code (Unavailable when unreachable), the message prefixed
  // "identity GetProfileMap: ". A server without the identity service (UNIMPLEMENTED)
  // answers an empty map: every source key is its own profile (logged).
  virtual absl::StatusOr<ProfileMap> GetProfileMap(const LogPositions& min_applied,
                                                   absl::Duration catch_up_wait,
                                                   const std::function<bool()>& cancelled) = 0;

  // Whether identity knows `profile_id` (a profile, or the old id of a merged one): false for
  // an id it does not know or that is not in its format; Unavailable naming the profile id
  // when identity cannot answer.
  virtual absl::StatusOr<bool> KnowsProfile(const std::string& profile_id) = 0;

  // OK once identity has applied at least `min_applied` (waiting up to `wait`, no map is
  // sent); Unavailable naming identity, the partition and both sequences while it is
  // behind, and Unavailable when it cannot answer.
  virtual absl::Status CheckCaughtUp(const LogPositions& min_applied, absl::Duration wait) = 0;
};

// The freshness rule of both calls: OK when `reported` (identity's applied sequence per
// partition) covers every position of `min_applied` with a sequence above 0, else
// Unavailable naming identity, the partition and both sequences.
absl::Status CheckReportedPositions(const LogPositions& min_applied,
                                    const absl::flat_hash_map<uint32_t, uint64_t>& reported);

}  // namespace clientele::identity

#endif  // CLIENTELE_IDENTITY_CLIENT_IDENTITY_CLIENT_H_
