#include "analytics/identity_profile_directory.h"

#include <algorithm>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "analytics/state/analytics_store.h"
#include "clientele/identity/v1/identity.grpc.pb.h"
#include "common/status/grpc_status.h"
#include "common/time/proto_time.h"
#include "spdlog/spdlog.h"

namespace clientele::analytics {
namespace {

// Identity's trailing metadata on a "still behind" answer (identity/identity_service.cc).
constexpr char kCatchingUpTrailer[] = "clientele-identity-catching-up";
constexpr absl::Duration kCatchUpSlice = absl::Seconds(1);

void SetMinApplied(const LogPositions& caller, absl::Duration wait,
                   identity::v1::GetProfileMapRequest& request) {
  for (const auto& [partition, sequence] : caller) {
    if (sequence == 0) continue;  // Nothing applied: nothing to wait for.
    identity::v1::LogPosition* p = request.add_min_applied();
    p->set_partition(partition);
    p->set_sequence(sequence);
  }
  ToProtoDuration(wait, request.mutable_max_wait());
}

// OK when the positions identity reported cover `caller` (a server that ignores min_applied
// reports none: refused rather than trusted).
absl::Status CheckReported(const LogPositions& caller,
                           const absl::flat_hash_map<uint32_t, uint64_t>& reported) {
  for (const auto& [partition, sequence] : caller) {
    if (sequence == 0) continue;
    auto it = reported.find(partition);
    if (it == reported.end()) {
      return absl::UnavailableError(
          absl::StrCat("identity GetProfileMap: identity reported no applied position of "
                       "partition ",
                       partition, " (the caller has applied through sequence ", sequence, ")"));
    }
    if (it->second < sequence) {
      return absl::UnavailableError(absl::StrCat(
          "identity GetProfileMap: identity is catching up with the log: partition ", partition,
          " applied through sequence ", it->second, ", the caller through ", sequence));
    }
  }
  return absl::OkStatus();
}

absl::Status Annotate(const grpc::Status& status, const char* what) {
  const absl::Status s = FromGrpcStatus(status);
  return absl::Status(s.code(), absl::StrCat(what, s.message()));
}

}  // namespace

absl::StatusOr<ProfileMap> IdentityProfileDirectory::GetProfileMap(
    const std::function<bool()>& cancelled) {
  LogPositions caller;
  if (caller_positions_) {
    absl::StatusOr<LogPositions> positions = caller_positions_();
    if (!positions.ok()) return positions.status();
    caller = std::move(*positions);
  }
  // The wait is asked for in slices, so that a cancelled job (or a stopping server) does not
  // hold a thread here, nor one of identity's, for the whole catch-up wait.
  const absl::Time give_up = absl::Now() + catch_up_wait_;
  while (true) {
    const absl::Duration slice =
        std::clamp(give_up - absl::Now(), absl::ZeroDuration(), kCatchUpSlice);
    bool behind = false;
    absl::StatusOr<ProfileMap> map = Fetch(caller, slice, &behind);
    if (!behind || absl::Now() >= give_up) return map;
    if (cancelled && cancelled()) {
      return absl::CancelledError(
          absl::StrCat("cancelled while waiting for identity: ", map.status().message()));
    }
  }
}

absl::StatusOr<ProfileMap> IdentityProfileDirectory::Fetch(const LogPositions& caller,
                                                           absl::Duration wait, bool* behind) {
  auto stub = identity::v1::IdentityService::NewStub(channel_());
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + wait + timeout_));
  identity::v1::GetProfileMapRequest request;
  if (caller_positions_) SetMinApplied(caller, wait, request);
  auto reader = stub->GetProfileMap(&context, request);
  ProfileMap map;
  absl::flat_hash_map<uint32_t, uint64_t> reported;
  identity::v1::GetProfileMapResponse response;
  while (reader->Read(&response)) {
    for (const identity::v1::LogPosition& p : response.applied()) {
      reported[p.partition()] = p.sequence();
    }
    for (const identity::v1::ProfileMapEntry& entry : response.entries()) {
      map[EncodeSourceKey(entry.source())] = entry.profile_id();
    }
  }
  const grpc::Status status = reader->Finish();
  if (status.error_code() == grpc::StatusCode::UNIMPLEMENTED) {
    spdlog::warn("analytics: identity has no GetProfileMap; each source key is its own profile");
    return ProfileMap();
  }
  if (!status.ok()) {
    *behind = status.error_code() == grpc::StatusCode::UNAVAILABLE &&
              context.GetServerTrailingMetadata().count(kCatchingUpTrailer) > 0;
    return Annotate(status, "identity GetProfileMap: ");
  }
  if (caller_positions_) {
    if (absl::Status s = CheckReported(caller, reported); !s.ok()) return s;
  }
  return map;
}

absl::Status CheckIdentityCaughtUp(const std::shared_ptr<grpc::Channel>& channel,
                                   const LogPositions& caller, absl::Duration wait) {
  auto stub = identity::v1::IdentityService::NewStub(channel);
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + wait + absl::Seconds(5)));
  identity::v1::GetProfileMapRequest request;
  SetMinApplied(caller, wait, request);
  request.set_positions_only(true);
  auto reader = stub->GetProfileMap(&context, request);
  absl::flat_hash_map<uint32_t, uint64_t> reported;
  identity::v1::GetProfileMapResponse response;
  while (reader->Read(&response)) {
    for (const identity::v1::LogPosition& p : response.applied()) {
      reported[p.partition()] = p.sequence();
    }
  }
  const grpc::Status status = reader->Finish();
  if (!status.ok()) {
    const absl::Status s = Annotate(status, "identity GetProfileMap: ");
    // Whatever went wrong, the answer is "identity cannot confirm it is caught up".
    return s.code() == absl::StatusCode::kUnavailable ? s : absl::UnavailableError(s.message());
  }
  return CheckReported(caller, reported);
}

}  // namespace clientele::analytics
