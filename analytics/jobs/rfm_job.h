// The `rfm` job: scores every profile's recency, frequency and monetary value (quintiles, as
// analytics/rfm/rfm.h), names its segment, and stores the result as a new RFM model version
// (per-profile rows, segment summary with strategies, an RfmReference for prediction) which
// becomes the active RFM model.
#ifndef CLIENTELE_ANALYTICS_JOBS_RFM_JOB_H_
#define CLIENTELE_ANALYTICS_JOBS_RFM_JOB_H_

#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "analytics/jobs/job_runner.h"
#include "analytics/jobs/profile_directory.h"
#include "analytics/rfm/rfm.h"
#include "analytics/state/analytics_store.h"

namespace clientele::analytics {

// InvalidArgument naming the field ("spec.rfm.convention", "spec.rfm.segment_strategies").
absl::Status ValidateRfmSpec(const v1::RfmJobSpec& spec);

// The segment definitions of `spec`: the defaults with the spec's strategy texts.
std::vector<SegmentDefinition> SegmentDefinitionsFor(const v1::RfmJobSpec& spec);

// Runs the job (see above). FailedPrecondition when no profile has a counted order.
absl::StatusOr<JobOutcome> RunRfmJob(AnalyticsStore& store, ProfileDirectory& directory,
                                     const JobInput& job, JobControl& control);

}  // namespace clientele::analytics

#endif  // CLIENTELE_ANALYTICS_JOBS_RFM_JOB_H_
