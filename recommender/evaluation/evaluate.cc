#include "recommender/evaluation/evaluate.h"

#include <optional>
#include <utility>
#include <vector>

#include "absl/status/status.h"

namespace clientele::recommender {

absl::StatusOr<Evaluation> Evaluate(const RecommenderModel& model, const Dataset& test,
                                    const EvaluateOptions& options) {
  if (!model.fitted()) return absl::FailedPreconditionError("model: not fitted");
  if (options.k < 1 || options.k > 1000) {
    return absl::InvalidArgumentError("k: must be in 1..1000");
  }
  // Test item index -> model item index, or a unique negative id for items the model lacks.
  std::vector<int32_t> item_map(test.num_items());
  for (int32_t i = 0; i < test.num_items(); ++i) {
    std::optional<int32_t> m = model.FindItem(test.item_id(i));
    item_map[i] = m.has_value() ? *m : -1 - i;
  }
  Evaluation result;
  std::vector<UserRanking> rankings;
  RecommendRequest request;
  request.k = options.k;
  request.exclude_seen = options.exclude_seen;
  for (int32_t u = 0; u < test.num_users(); ++u) {
    if (options.progress && (u & 255) == 0 &&
        !options.progress(static_cast<double>(u) / test.num_users())) {
      return absl::CancelledError("evaluation cancelled");
    }
    auto items = test.UserItems(u);
    if (items.empty()) continue;
    ++result.test_users;
    std::optional<int32_t> user = model.FindUser(test.user_id(u));
    if (user.has_value() && model.UserItems(*user).empty()) user.reset();
    if (!user.has_value()) {
      ++result.cold_users;
      if (!options.include_cold_users) continue;
    }
    UserRanking ranking;
    for (int32_t i : items) ranking.relevant.insert(item_map[i]);
    if (options.drop_seen_test_items && user.has_value()) {
      for (int32_t seen : model.UserItems(*user)) ranking.relevant.erase(seen);
      if (ranking.relevant.empty()) {
        ++result.skipped_no_relevant;
        continue;
      }
    }
    request.user = user;
    absl::StatusOr<std::vector<Recommendation>> recs = model.Recommend(request);
    if (!recs.ok()) return recs.status();
    ranking.recommended.reserve(recs->size());
    for (const Recommendation& r : *recs) ranking.recommended.push_back(r.item);
    rankings.push_back(std::move(ranking));
  }
  absl::StatusOr<RankingMetrics> metrics =
      ComputeRankingMetrics(rankings, options.k, model.items().size());
  if (!metrics.ok()) return metrics.status();
  result.metrics = *metrics;
  return result;
}

}  // namespace clientele::recommender
