#include "gateway/ratelimit/retry_delay.h"

#include <algorithm>
#include <string>

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "common/time/proto_time.h"
#include "google/rpc/error_details.pb.h"

namespace clientele::gateway {

namespace {

// Debian's abseil has its own string_view type: std::string_view converts explicitly.
absl::string_view Sv(std::string_view text) { return absl::string_view(text.data(), text.size()); }

}  // namespace

void SetRetryDelay(absl::Status& status, absl::Duration delay) {
  google::rpc::RetryInfo info;
  *info.mutable_retry_delay() = ToProtoDuration(std::max(delay, absl::ZeroDuration()));
  status.SetPayload(Sv(kRetryInfoTypeUrl), absl::Cord(info.SerializeAsString()));
}

absl::Status ResourceExhaustedWithRetryDelay(std::string_view what, absl::Duration delay) {
  delay = std::max(delay, absl::ZeroDuration());
  absl::Status status = absl::ResourceExhaustedError(
      absl::StrCat(Sv(what), " exceeded; retry after ", absl::FormatDuration(delay)));
  SetRetryDelay(status, delay);
  return status;
}

std::optional<absl::Duration> RetryDelay(const absl::Status& status) {
  absl::optional<absl::Cord> payload = status.GetPayload(Sv(kRetryInfoTypeUrl));
  if (!payload.has_value()) return std::nullopt;
  google::rpc::RetryInfo info;
  if (!info.ParseFromString(std::string(*payload))) return std::nullopt;
  return FromProtoDuration(info.retry_delay());
}

}  // namespace clientele::gateway
