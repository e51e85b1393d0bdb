// The feature sets of the recluster job, as input columns for analytics::Preprocessor.
//
//   rfm:                  recency_days, frequency, monetary (all log1p; negative recency or
//                         monetary clamped to 0), over profiles with a counted order.
//   demographics_spend:   year_birth, income, kidhome, teenhome, spend (log1p) and the
//                         categorical education, marital_status, over profiles with orders or
//                         attributes. spend = kept-line revenue of the orders, or, for a profile
//                         without orders, the sum of its mnt_* attributes (the marketing
//                         campaign data set's spend per product group).
//   attributes:           the named attributes (string values -> categorical, numbers, booleans
//                         and dates -> numeric), over profiles that have at least one of them.
//                         The derived names recency_days, frequency, monetary and spend work too.
// Numeric columns that no profile has are dropped (reported in `dropped`); missing values
// are NaN / "" and imputed by the Preprocessor.
#ifndef CLIENTELE_ANALYTICS_JOBS_FEATURE_SETS_H_
#define CLIENTELE_ANALYTICS_JOBS_FEATURE_SETS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "analytics/features/preprocessor.h"
#include "analytics/jobs/profile_figures.h"
#include "clientele/analytics/v1/analytics.pb.h"

namespace clientele::analytics {

struct FeatureTable {
  std::vector<const ProfileFigures*> rows;  // Row i of the frame; point into the input.
  FeatureFrame frame;                       // Raw values (log1p is the Preprocessor's job).
  std::vector<std::string> dropped;         // Columns without any value.
};

// FailedPrecondition when no column has a value.
absl::StatusOr<FeatureTable> BuildFeatureTable(const std::vector<ProfileFigures>& profiles,
                                               const v1::ReclusterJobSpec& spec,
                                               absl::Time reference_date);

}  // namespace clientele::analytics

#endif  // CLIENTELE_ANALYTICS_JOBS_FEATURE_SETS_H_
