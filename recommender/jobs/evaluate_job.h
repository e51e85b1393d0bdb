// The Evaluate job: splits the stored data (random per user, "random:R", the share R for
// training; or by time, "time:N", the last N days held out), fits each model on the training
// part and scores it on the test part with precision@k, recall@k, F1@k, MAP, nDCG@k, MRR,
// hit rate and catalog coverage (recommender/evaluation: Microsoft Recommenders' protocol).
// Nothing is published: the result is the metrics.
#ifndef CLIENTELE_RECOMMENDER_JOBS_EVALUATE_JOB_H_
#define CLIENTELE_RECOMMENDER_JOBS_EVALUATE_JOB_H_

#include "absl/status/statusor.h"
#include "recommender/jobs/recommender_jobs.h"

namespace clientele::recommender {

// InvalidArgument naming the field ("spec.evaluate.split", "spec.evaluate.k", ...).
absl::Status ValidateEvaluateSpec(const v1::EvaluateJobSpec& spec);

// `memory_budget_bytes` bounds each model's fit as in a train job (0: none); a fit estimated
// above it fails RESOURCE_EXHAUSTED naming --recommender_memory_budget.
absl::StatusOr<JobOutcome> RunEvaluateJob(const JobInput& job, const RecommenderStore& store,
                                          const ProfileMap& profiles, int64_t memory_budget_bytes,
                                          JobControl& control);

}  // namespace clientele::recommender

#endif  // CLIENTELE_RECOMMENDER_JOBS_EVALUATE_JOB_H_
