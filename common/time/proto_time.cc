#include "common/time/proto_time.h"

#include <cstdint>
#include <limits>

#include "absl/strings/str_cat.h"

namespace clientele {

void ToProtoTimestamp(absl::Time t, google::protobuf::Timestamp* out) {
  if (t == absl::InfiniteFuture() || t == absl::InfinitePast()) {
    out->set_seconds(t == absl::InfiniteFuture() ? std::numeric_limits<int64_t>::max()
                                                 : std::numeric_limits<int64_t>::min());
    out->set_nanos(0);
    return;
  }
  const int64_t seconds = absl::ToUnixSeconds(t);  // Rounds towards the past.
  out->set_seconds(seconds);
  out->set_nanos(
      static_cast<int32_t>(absl::ToInt64Nanoseconds(t - absl::FromUnixSeconds(seconds))));
}

google::protobuf::Timestamp ToProtoTimestamp(absl::Time t) {
  google::protobuf::Timestamp ts;
  ToProtoTimestamp(t, &ts);
  return ts;
}

absl::Time FromProtoTimestamp(const google::protobuf::Timestamp& ts) {
  if (ts.seconds() == std::numeric_limits<int64_t>::max()) return absl::InfiniteFuture();
  if (ts.seconds() == std::numeric_limits<int64_t>::min()) return absl::InfinitePast();
  return absl::FromUnixSeconds(ts.seconds()) + absl::Nanoseconds(ts.nanos());
}

bool IsValidProtoTimestamp(const google::protobuf::Timestamp& ts) {
  return ts.seconds() >= kMinTimestampSeconds && ts.seconds() <= kMaxTimestampSeconds &&
         ts.nanos() >= 0 && ts.nanos() <= 999999999;
}

absl::StatusOr<absl::Time> ParseProtoTimestamp(const google::protobuf::Timestamp& ts,
                                               absl::string_view field) {
  if (ts.nanos() < 0 || ts.nanos() > 999999999) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": nanos ", ts.nanos(), " is outside [0, 999999999]"));
  }
  if (ts.seconds() < kMinTimestampSeconds || ts.seconds() > kMaxTimestampSeconds) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": seconds ", ts.seconds(), " is outside the years 1 to 9999 (",
                     kMinTimestampSeconds, " to ", kMaxTimestampSeconds, ")"));
  }
  return FromProtoTimestamp(ts);
}

void ToProtoDuration(absl::Duration d, google::protobuf::Duration* out) {
  absl::Duration rest;
  const int64_t seconds = absl::IDivDuration(d, absl::Seconds(1), &rest);  // Truncates.
  out->set_seconds(seconds);
  out->set_nanos(static_cast<int32_t>(absl::ToInt64Nanoseconds(rest)));
}

google::protobuf::Duration ToProtoDuration(absl::Duration d) {
  google::protobuf::Duration out;
  ToProtoDuration(d, &out);
  return out;
}

absl::Duration FromProtoDuration(const google::protobuf::Duration& d) {
  return absl::Seconds(d.seconds()) + absl::Nanoseconds(d.nanos());
}

}  // namespace clientele
