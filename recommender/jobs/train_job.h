// The Train job: reads the stored events (training_data.h), fits the personal models asked
// for (all of popularity, item_cf, sar, ease, hybrid by default; skipped when there is no
// user history, e.g. anonymous baskets only), mines frequent itemsets and association rules
// with FP-Growth over the baskets, builds the item similarity index (caller-supplied vectors
// when any were stored, else TF-IDF over names and descriptions, or SKUs), stores everything as a
// new model version and, once that is durable, publishes its snapshot to serving.
#ifndef CLIENTELE_RECOMMENDER_JOBS_TRAIN_JOB_H_
#define CLIENTELE_RECOMMENDER_JOBS_TRAIN_JOB_H_

#include "absl/status/statusor.h"
#include "recommender/jobs/recommender_jobs.h"
#include "recommender/models/model_names.h"
#include "recommender/serving/snapshot_holder.h"

namespace clientele::recommender {

struct TrainDefaults {
  double min_support = 0.01;
  double min_confidence = 0.5;
  int64_t max_itemsets = 1'000'000;  // When the spec's max_itemsets is 0.
  int fp_growth_threads = 1;
  // Memory budget of each model's fit in bytes (0: none); above it the job fails with
  // RESOURCE_EXHAUSTED naming --recommender_memory_budget (ModelConfig::memory_budget_bytes).
  int64_t memory_budget_bytes = 0;
  // Without models in the spec, above this many items the job fits LargeCatalogModelNames()
  // (als) instead of ServedModelNames() (ease, hybrid), and says so in model_selection.
  int64_t dense_item_cap = kDenseItemCap;
};

// A train job fails with ResourceExhausted (naming spec.train.min_support, max_itemset_size and
// max_itemsets, and the CLI flags) when FP-Growth finds more than max_itemsets itemsets.
//
// InvalidArgument naming the field ("spec.train.min_support", ...).
absl::Status ValidateTrainSpec(const v1::TrainJobSpec& spec);

absl::StatusOr<JobOutcome> RunTrainJob(const JobInput& job, RecommenderStore* store,
                                       SnapshotHolder* holder, const ProfileMap& profiles,
                                       const TrainDefaults& defaults, JobControl& control);

}  // namespace clientele::recommender

#endif  // CLIENTELE_RECOMMENDER_JOBS_TRAIN_JOB_H_
