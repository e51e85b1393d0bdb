// Evaluate: scores a fitted model against a test Dataset with the ranking metrics of
// ranking_metrics.h (Microsoft Recommenders' protocol: top-k per test user, items the user has
// in the model's training history removed by default, every test item relevant).
//
//   absl::StatusOr<TrainTest> split = StratifiedRandomSplit(data, 0.75, /*seed=*/42);
//   auto model = TrainModel({.name = "ease"}, split->train);
//   absl::StatusOr<Evaluation> result = Evaluate(**model, split->test, {.k = 10});
//
// Users and items are matched by id, so the test Dataset may come from another builder. Test
// items the model does not know stay relevant (they count in |T| but cannot be hit).
// Thread-safe for a const model; runs on the calling thread.
#ifndef CLIENTELE_RECOMMENDER_EVALUATION_EVALUATE_H_
#define CLIENTELE_RECOMMENDER_EVALUATION_EVALUATE_H_

#include <cstdint>
#include <functional>

#include "absl/status/statusor.h"
#include "recommender/data/dataset.h"
#include "recommender/evaluation/ranking_metrics.h"
#include "recommender/models/recommender_model.h"

namespace clientele::recommender {

struct EvaluateOptions {
  int k = 10;
  // Remove the user's training items from the recommendations (the protocol's default).
  bool exclude_seen = true;
  // Drop test items the user already has in training from the relevant set (for purchase
  // data, where repeat purchases would otherwise be unhittable with exclude_seen); users left
  // with no relevant item are skipped.
  bool drop_seen_test_items = false;
  // Evaluate cold test users too: those unknown to the model or without any item in its
  // training history (a split keeps every user's id in both halves, so a user whose pairs all
  // went to test is known but has no history). They get the model's cold-start list (its
  // popularity fallback). Otherwise they are skipped; either way they count in
  // Evaluation::cold_users.
  bool include_cold_users = false;
  // Called every 256 users with the fraction done; return false to cancel (Cancelled).
  std::function<bool(double)> progress;
};

struct Evaluation {
  RankingMetrics metrics;
  int64_t test_users = 0;           // Users with at least one test cell.
  int64_t cold_users = 0;           // Of those, without training history (skipped unless included).
  int64_t skipped_no_relevant = 0;  // Skipped by drop_seen_test_items.
};

absl::StatusOr<Evaluation> Evaluate(const RecommenderModel& model, const Dataset& test,
                                    const EvaluateOptions& options = {});

}  // namespace clientele::recommender

#endif  // CLIENTELE_RECOMMENDER_EVALUATION_EVALUATE_H_
