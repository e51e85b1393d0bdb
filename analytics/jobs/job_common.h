// Small helpers shared by the analytics job kinds (conversions between the API's enums and
// timestamps and the domain types).
#ifndef CLIENTELE_ANALYTICS_JOBS_JOB_COMMON_H_
#define CLIENTELE_ANALYTICS_JOBS_JOB_COMMON_H_

#include "absl/time/time.h"
#include "analytics/aggregates/customer_aggregate.h"
#include "clientele/analytics/v1/analytics.pb.h"
#include "google/protobuf/timestamp.pb.h"

namespace clientele::analytics {

inline absl::Time FromProtoTime(const google::protobuf::Timestamp& ts) {
  return absl::FromUnixSeconds(ts.seconds()) + absl::Nanoseconds(ts.nanos());
}

inline void ToProtoTime(absl::Time t, google::protobuf::Timestamp* ts) {
  const int64_t nanos = absl::ToUnixNanos(t);
  int64_t seconds = nanos / 1000000000;
  int64_t rest = nanos % 1000000000;
  if (rest < 0) {
    rest += 1000000000;
    --seconds;
  }
  ts->set_seconds(seconds);
  ts->set_nanos(static_cast<int32_t>(rest));
}

// True when `ts` is within google.protobuf.Timestamp's documented range (years 1..9999).
inline bool ValidTimestamp(const google::protobuf::Timestamp& ts) {
  return ts.seconds() >= -62135596800LL && ts.seconds() <= 253402300799LL && ts.nanos() >= 0 &&
         ts.nanos() <= 999999999;
}

// UNSPECIFIED means NOTEBOOK.
inline RfmConvention FromProto(v1::RfmConvention convention) {
  return convention == v1::RFM_CONVENTION_NET ? RfmConvention::kNet : RfmConvention::kNotebook;
}

inline v1::RfmConvention ToProto(RfmConvention convention) {
  return convention == RfmConvention::kNet ? v1::RFM_CONVENTION_NET : v1::RFM_CONVENTION_NOTEBOOK;
}

// The default reference date: UTC midnight of the day after `last_purchase`.
inline absl::Time DayAfter(absl::Time last_purchase) {
  const absl::CivilDay day = absl::ToCivilDay(last_purchase, absl::UTCTimeZone());
  return absl::FromCivil(day + 1, absl::UTCTimeZone());
}

}  // namespace clientele::analytics

#endif  // CLIENTELE_ANALYTICS_JOBS_JOB_COMMON_H_
