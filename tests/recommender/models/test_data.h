// Small hand-made datasets for the model tests.
#ifndef CLIENTELE_TESTS_RECOMMENDER_MODELS_TEST_DATA_H_
#define CLIENTELE_TESTS_RECOMMENDER_MODELS_TEST_DATA_H_

#include <string>
#include <tuple>
#include <vector>

#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "recommender/data/dataset_builder.h"
#include "recommender/models/recommender_model.h"

namespace clientele::recommender::testdata {

inline absl::Time Day(int d) { return absl::FromUnixSeconds(1'600'000'000) + absl::Hours(24 * d); }

// (user, item, value, day) cells; items get categories from `categories` ({item, category}).
inline Dataset Make(const std::vector<std::tuple<std::string, std::string, double, int>>& cells,
                    const std::vector<std::pair<std::string, std::string>>& categories = {}) {
  DatasetBuilder builder;
  for (const auto& [item, category] : categories) {
    EXPECT_TRUE(builder.SetItemMeta(item, ItemMeta{item, "", category}).ok());
  }
  for (const auto& [user, item, value, day] : cells) {
    EXPECT_TRUE(builder.AddRating(user, item, value, Day(day)).ok());
  }
  absl::StatusOr<Dataset> data = builder.Build();
  EXPECT_TRUE(data.ok()) << data.status();
  return *std::move(data);
}

// The recommended item ids, best first.
inline std::vector<std::string> Ids(const RecommenderModel& model,
                                    const std::vector<Recommendation>& recs) {
  std::vector<std::string> out;
  for (const Recommendation& r : recs) out.push_back(model.items().id(r.item));
  return out;
}

inline RecommendRequest ForUser(const RecommenderModel& model, const std::string& user,
                                int k = 10) {
  RecommendRequest request;
  request.user = model.FindUser(user);
  EXPECT_TRUE(request.user.has_value()) << user;
  request.k = k;
  return request;
}

}  // namespace clientele::recommender::testdata

#endif  // CLIENTELE_TESTS_RECOMMENDER_MODELS_TEST_DATA_H_
