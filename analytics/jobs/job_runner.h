// The work of an analytics job kind, as the JobManager sees it: the shared job machinery of
// common/jobs/job_runner.h instantiated with the analytics API messages.
#ifndef CLIENTELE_ANALYTICS_JOBS_JOB_RUNNER_H_
#define CLIENTELE_ANALYTICS_JOBS_JOB_RUNNER_H_

#include "clientele/analytics/v1/analytics.pb.h"
#include "common/jobs/job_runner.h"

namespace clientele::analytics {

using JobControl = jobs::JobControl;
using JobOutcome = jobs::JobOutcome<v1::JobResult>;
// Validate: InvalidArgument naming the field (e.g. "spec.recluster.k_min").
using JobRunner = jobs::JobRunner<v1::Job, v1::JobSpec, v1::JobResult>;

}  // namespace clientele::analytics

#endif  // CLIENTELE_ANALYTICS_JOBS_JOB_RUNNER_H_
