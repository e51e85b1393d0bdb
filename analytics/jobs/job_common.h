// Small helpers shared by the analytics job kinds (conversions between the API's enums and
// the domain types; timestamps convert with common/time/proto_time.h).
#ifndef CLIENTELE_ANALYTICS_JOBS_JOB_COMMON_H_
#define CLIENTELE_ANALYTICS_JOBS_JOB_COMMON_H_

#include "absl/time/time.h"
#include "analytics/aggregates/customer_aggregate.h"
#include "clientele/analytics/v1/analytics.pb.h"
#include "common/time/proto_time.h"

namespace clientele::analytics {

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
