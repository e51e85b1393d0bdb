// The one conversion between the wire's time types (google.protobuf.Timestamp, Duration) and
// absl's (absl::Time, absl::Duration). Time is UTC everywhere (docs/ARCHITECTURE: Timestamp on
// the wire, absl::Time inside).
//
//   google::protobuf::Timestamp ts = ToProtoTimestamp(absl::Now());
//   absl::Time t = FromProtoTimestamp(ts);
//
// A Timestamp is normalised: nanos in [0, 999999999] and seconds rounded towards the past, so
// one second before the epoch plus 0.5 s is {seconds: -1, nanos: 500000000}. Pure functions;
// thread-safe. No gRPC dependency.
#ifndef CLIENTELE_COMMON_TIME_PROTO_TIME_H_
#define CLIENTELE_COMMON_TIME_PROTO_TIME_H_

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "google/protobuf/duration.pb.h"
#include "google/protobuf/timestamp.pb.h"

namespace clientele {

// Seconds of the range google.protobuf.Timestamp documents (0001-01-01 to 9999-12-31 UTC).
inline constexpr int64_t kMinTimestampSeconds = -62135596800LL;
inline constexpr int64_t kMaxTimestampSeconds = 253402300799LL;

// absl::InfinitePast/InfiniteFuture map to the int64 extremes of seconds (outside the
// documented range; FromProtoTimestamp maps them back).
void ToProtoTimestamp(absl::Time t, google::protobuf::Timestamp* out);
google::protobuf::Timestamp ToProtoTimestamp(absl::Time t);

// Any message, valid or not, converts; use ValidateProtoTimestamp first for input.
absl::Time FromProtoTimestamp(const google::protobuf::Timestamp& ts);

// True when `ts` is within the documented range and its nanos are in [0, 999999999].
bool IsValidProtoTimestamp(const google::protobuf::Timestamp& ts);

// The time of `ts`, or InvalidArgument naming `field` ("reference_date: nanos 2000000000 is
// outside [0, 999999999]") when it is not a valid Timestamp.
absl::StatusOr<absl::Time> ParseProtoTimestamp(const google::protobuf::Timestamp& ts,
                                               absl::string_view field);

// Durations: seconds and nanos carry the same sign, as google.protobuf.Duration requires.
void ToProtoDuration(absl::Duration d, google::protobuf::Duration* out);
google::protobuf::Duration ToProtoDuration(absl::Duration d);
absl::Duration FromProtoDuration(const google::protobuf::Duration& d);

}  // namespace clientele

#endif  // CLIENTELE_COMMON_TIME_PROTO_TIME_H_
