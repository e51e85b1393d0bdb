// Model versions for the replication tests: a small catalog of users who rated three items
// each, fitted with popularity and item_cf, the ratings shifted by the version so that versions
// answer differently.
#ifndef CLIENTELE_TESTS_RECOMMENDER_REPLICATION_MODEL_VERSIONS_FIXTURE_H_
#define CLIENTELE_TESTS_RECOMMENDER_REPLICATION_MODEL_VERSIONS_FIXTURE_H_

#include <map>
#include <memory>
#include <string>
#include <utility>

#include "clientele/recommender/v1/recommender_state.pb.h"
#include "common/testing/status_matchers.h"
#include "gtest/gtest.h"
#include "recommender/data/dataset_builder.h"
#include "recommender/models/recommender_model.h"

namespace clientele::recommender::replication_testing {

inline constexpr int kUsers = 12;
inline constexpr int kItems = 9;

inline std::string Profile(int user) { return "P" + std::to_string(user); }
inline std::string SourceKey(int user) { return "web/u" + std::to_string(user); }

// The manifest and models of `version`: each user rated three items, shifted by the version,
// so that versions answer differently.
inline std::pair<v1::ModelManifest, std::map<std::string, std::shared_ptr<const RecommenderModel>>>
MakeVersion(uint64_t version) {
  DatasetBuilder builder;
  for (int u = 0; u < kUsers; ++u) {
    for (int k = 0; k < 3; ++k) {
      const int item =
          (u * 2 + k * (1 + static_cast<int>(version % 3)) + static_cast<int>(version)) % kItems;
      EXPECT_THAT(builder.AddRating(Profile(u), "sku" + std::to_string(item), 1 + (u + k) % 5,
                                    absl::FromUnixSeconds(1000 + k)),
                  ::clientele::testing::IsOk());
    }
  }
  absl::StatusOr<Dataset> data = builder.Build();
  EXPECT_THAT(data.status(), ::clientele::testing::IsOk());
  v1::ModelManifest manifest;
  manifest.set_version(version);
  for (int32_t i = 0; i < data->num_items(); ++i) {
    manifest.add_catalog()->set_sku(data->item_id(i));
  }
  for (int u = 0; u < kUsers; ++u) {
    v1::ServingProfile* profile = manifest.add_profiles();
    profile->set_profile_id(Profile(u));
    profile->add_source_keys(SourceKey(u));
  }
  std::map<std::string, std::shared_ptr<const RecommenderModel>> models;
  for (const char* name : {"popularity", "item_cf"}) {
    ModelConfig config;
    config.name = name;
    absl::StatusOr<std::unique_ptr<RecommenderModel>> model = CreateModel(config);
    EXPECT_THAT(model.status(), ::clientele::testing::IsOk());
    EXPECT_THAT((*model)->Fit(*data), ::clientele::testing::IsOk());
    manifest.add_models(name);
    models.emplace(name, std::shared_ptr<const RecommenderModel>(*std::move(model)));
  }
  return {manifest, models};
}

}  // namespace clientele::recommender::replication_testing

#endif  // CLIENTELE_TESTS_RECOMMENDER_REPLICATION_MODEL_VERSIONS_FIXTURE_H_
