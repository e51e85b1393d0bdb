#include "identity/client/grpc_identity_client.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/status/grpc_status.h"
#include "common/time/proto_time.h"
#include "grpcpp/client_context.h"
#include "spdlog/spdlog.h"

namespace clientele::identity {
namespace {

// Identity's trailing metadata on a "still behind" answer (identity/identity_service.cc).
constexpr char kCatchingUpTrailer[] = "clientele-identity-catching-up";
// The longest wait asked of identity in one call, so that a cancelled caller (or a stopping
// server) does not hold a thread here, nor one of identity's, for the whole catch-up wait.
constexpr absl::Duration kCatchUpSlice = absl::Seconds(1);

// Sets min_applied (positions above 0) and max_wait.
void SetMinApplied(const LogPositions& min_applied, absl::Duration wait,
                   v1::GetProfileMapRequest& request) {
  for (const auto& [partition, sequence] : min_applied) {
    if (sequence == 0) continue;  // Nothing applied: nothing to wait for.
    v1::LogPosition* p = request.add_min_applied();
    p->set_partition(partition);
    p->set_sequence(sequence);
  }
  ToProtoDuration(wait, request.mutable_max_wait());
}

absl::Status Annotate(const grpc::Status& status, const char* what) {
  const absl::Status s = FromGrpcStatus(status);
  return absl::Status(s.code(), absl::StrCat(what, s.message()));
}

}  // namespace

GrpcIdentityClient::GrpcIdentityClient(std::shared_ptr<grpc::Channel> channel,
                                       GrpcIdentityClientOptions options)
    : stub_(v1::IdentityService::NewStub(std::move(channel))), options_(options) {}

absl::StatusOr<ProfileMap> GrpcIdentityClient::GetProfileMap(
    const LogPositions& min_applied, absl::Duration catch_up_wait,
    const std::function<bool()>& cancelled) {
  const absl::Time give_up = absl::Now() + catch_up_wait;
  while (true) {
    const absl::Duration slice =
        std::clamp(give_up - absl::Now(), absl::ZeroDuration(), kCatchUpSlice);
    bool behind = false;
    absl::StatusOr<ProfileMap> map = Fetch(min_applied, slice, &behind);
    if (!behind || absl::Now() >= give_up) return map;
    if (cancelled && cancelled()) {
      return absl::CancelledError(
          absl::StrCat("cancelled while waiting for identity: ", map.status().message()));
    }
  }
}

absl::StatusOr<ProfileMap> GrpcIdentityClient::Fetch(const LogPositions& min_applied,
                                                     absl::Duration wait, bool* behind) {
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + wait + options_.map_timeout));
  v1::GetProfileMapRequest request;
  SetMinApplied(min_applied, wait, request);
  auto reader = stub_->GetProfileMap(&context, request);
  ProfileMap map;
  absl::flat_hash_map<uint32_t, uint64_t> reported;
  v1::GetProfileMapResponse response;
  while (reader->Read(&response)) {
    for (const v1::LogPosition& p : response.applied()) reported[p.partition()] = p.sequence();
    for (const v1::ProfileMapEntry& entry : response.entries()) {
      map[ProfileMapKey(entry.source())] = entry.profile_id();
    }
  }
  const grpc::Status status = reader->Finish();
  if (status.error_code() == grpc::StatusCode::UNIMPLEMENTED) {
    spdlog::warn("identity has no GetProfileMap; each source key is its own profile");
    return ProfileMap();
  }
  if (!status.ok()) {
    *behind = status.error_code() == grpc::StatusCode::UNAVAILABLE &&
              context.GetServerTrailingMetadata().count(kCatchingUpTrailer) > 0;
    return Annotate(status, "identity GetProfileMap: ");
  }
  if (absl::Status s = CheckReportedPositions(min_applied, reported); !s.ok()) return s;
  return map;
}

absl::StatusOr<bool> GrpcIdentityClient::KnowsProfile(const std::string& profile_id) {
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + options_.lookup_timeout));
  v1::GetProfileRequest request;
  request.mutable_lookup()->set_profile_id(profile_id);
  v1::GetProfileResponse response;
  const grpc::Status status = stub_->GetProfile(&context, request, &response);
  if (status.ok()) return true;
  // INVALID_ARGUMENT: not in identity's id format (e.g. "movielens:1"), so not its profile.
  if (status.error_code() == grpc::StatusCode::NOT_FOUND ||
      status.error_code() == grpc::StatusCode::INVALID_ARGUMENT) {
    return false;
  }
  return absl::UnavailableError(absl::StrCat("identity (looking up profile_id '", profile_id,
                                             "'): ", status.error_message()));
}

absl::Status GrpcIdentityClient::CheckCaughtUp(const LogPositions& min_applied,
                                               absl::Duration wait) {
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + wait + options_.lookup_timeout));
  v1::GetProfileMapRequest request;
  SetMinApplied(min_applied, wait, request);
  request.set_positions_only(true);
  auto reader = stub_->GetProfileMap(&context, request);
  absl::flat_hash_map<uint32_t, uint64_t> reported;
  v1::GetProfileMapResponse response;
  while (reader->Read(&response)) {
    for (const v1::LogPosition& p : response.applied()) reported[p.partition()] = p.sequence();
  }
  const grpc::Status status = reader->Finish();
  if (!status.ok()) {
    const absl::Status s = Annotate(status, "identity GetProfileMap: ");
    // Whatever went wrong, the answer is "identity cannot confirm it is caught up".
    return s.code() == absl::StatusCode::kUnavailable ? s : absl::UnavailableError(s.message());
  }
  return CheckReportedPositions(min_applied, reported);
}

}  // namespace clientele::identity
