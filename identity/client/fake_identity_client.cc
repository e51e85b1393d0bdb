#include "identity/client/fake_identity_client.h"

#include <utility>

namespace clientele::identity {

void FakeIdentityClient::SetProfile(const common::v1::SourceKey& key,
                                    const std::string& profile_id) {
  absl::MutexLock lock(&mu_);
  map_[ProfileMapKey(key)] = profile_id;
  known_.insert(profile_id);
}

void FakeIdentityClient::AddKnownProfile(const std::string& profile_id) {
  absl::MutexLock lock(&mu_);
  known_.insert(profile_id);
}

void FakeIdentityClient::SetApplied(const LogPositions& applied) {
  absl::MutexLock lock(&mu_);
  applied_.emplace(applied.begin(), applied.end());
}

void FakeIdentityClient::FailWith(absl::Status status) {
  absl::MutexLock lock(&mu_);
  failure_ = std::move(status);
}

int FakeIdentityClient::calls() const {
  absl::MutexLock lock(&mu_);
  return calls_;
}

absl::Status FakeIdentityClient::Answer(const LogPositions& min_applied) {
  ++calls_;
  if (!failure_.ok()) return failure_;
  if (!applied_.has_value()) return absl::OkStatus();
  return CheckReportedPositions(min_applied, *applied_);
}

absl::StatusOr<ProfileMap> FakeIdentityClient::GetProfileMap(
    const LogPositions& min_applied, absl::Duration /*catch_up_wait*/,
    const std::function<bool()>& cancelled) {
  absl::MutexLock lock(&mu_);
  if (absl::Status s = Answer(min_applied); !s.ok()) {
    if (absl::IsUnavailable(s) && cancelled && cancelled()) {
      return absl::CancelledError("cancelled while waiting for identity: " +
                                  std::string(s.message()));
    }
    return s;
  }
  return map_;
}

absl::StatusOr<bool> FakeIdentityClient::KnowsProfile(const std::string& profile_id) {
  absl::MutexLock lock(&mu_);
  if (absl::Status s = Answer({}); !s.ok()) return s;
  return known_.contains(profile_id);
}

absl::Status FakeIdentityClient::CheckCaughtUp(const LogPositions& min_applied,
                                               absl::Duration /*wait*/) {
  absl::MutexLock lock(&mu_);
  return Answer(min_applied);
}

}  // namespace clientele::identity
