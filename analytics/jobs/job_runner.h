// The work of an analytics job kind (rfm, recluster) as the shared job machinery of
// common/jobs sees it: a TypedJobRunner over analytics.v1.JobSpec and analytics.v1.JobResult,
// the payloads of common.v1.Job's `spec` and `result`.
#ifndef CLIENTELE_ANALYTICS_JOBS_JOB_RUNNER_H_
#define CLIENTELE_ANALYTICS_JOBS_JOB_RUNNER_H_

#include "clientele/analytics/v1/analytics.pb.h"
#include "common/jobs/job_runner.h"

namespace clientele::analytics {

using JobControl = jobs::JobControl;
using JobInput = jobs::TypedJob<v1::JobSpec>;  // The job id, kind and analytics spec.
using JobOutcome = jobs::BasicJobOutcome<v1::JobResult>;
// ValidateSpec: InvalidArgument naming the field (e.g. "spec.recluster.k_min").
using JobRunner = jobs::TypedJobRunner<v1::JobSpec, v1::JobResult>;

}  // namespace clientele::analytics

#endif  // CLIENTELE_ANALYTICS_JOBS_JOB_RUNNER_H_
