#include "analytics/identity_profile_directory.h"

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "analytics/state/analytics_store.h"
#include "clientele/identity/v1/identity.grpc.pb.h"
#include "common/status/grpc_status.h"
#include "spdlog/spdlog.h"

namespace clientele::analytics {

absl::StatusOr<ProfileMap> IdentityProfileDirectory::GetProfileMap() {
  auto stub = identity::v1::IdentityService::NewStub(channel_());
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + timeout_));
  auto reader = stub->GetProfileMap(&context, identity::v1::GetProfileMapRequest());
  ProfileMap map;
  identity::v1::GetProfileMapResponse response;
  while (reader->Read(&response)) {
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
    const absl::Status s = FromGrpcStatus(status);
    return absl::Status(s.code(), absl::StrCat("identity GetProfileMap: ", s.message()));
  }
  return map;
}

}  // namespace clientele::analytics
