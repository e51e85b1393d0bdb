#include "recommender/replication/replica_snapshot.h"

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/testing/status_matchers.h"
#include "gtest/gtest.h"
#include "recommender/data/dataset_builder.h"
#include "recommender/jobs/model_versions.h"
#include "recommender/models/recommender_model.h"

namespace clientele::recommender {
namespace {

using ::clientele::testing::IsOk;

// The artifacts of one model update as the trainer streams them: the manifest of `version` and
// its two models (popularity, item_cf) fitted on a few ratings.
std::map<std::string, std::string> UpdateArtifacts(uint64_t version) {
  DatasetBuilder builder;
  for (int u = 0; u < 6; ++u) {
    for (int k = 0; k < 3; ++k) {
      EXPECT_THAT(builder.AddRating("P" + std::to_string(u), "sku" + std::to_string((u + k) % 5),
                                    1 + k, absl::FromUnixSeconds(1000 + k)),
                  IsOk());
    }
  }
  absl::StatusOr<Dataset> data = builder.Build();
  EXPECT_THAT(data.status(), IsOk());
  v1::ModelManifest manifest;
  manifest.set_version(version);
  for (int32_t i = 0; i < data->num_items(); ++i) {
    manifest.add_catalog()->set_sku(data->item_id(i));
  }
  std::vector<std::string> serialized;
  for (const char* name : {"popularity", "item_cf"}) {
    ModelConfig config;
    config.name = name;
    absl::StatusOr<std::unique_ptr<RecommenderModel>> model = CreateModel(config);
    EXPECT_THAT(model.status(), IsOk());
    EXPECT_THAT((*model)->Fit(*data), IsOk());
    manifest.add_models(name);
    serialized.push_back((*model)->Serialize());
  }
  std::map<std::string, std::string> artifacts;
  const std::vector<std::string> names = ArtifactNames(manifest);
  for (size_t i = 0; i < names.size(); ++i) artifacts[names[i]] = serialized[i];
  artifacts["manifest"] = manifest.SerializeAsString();
  return artifacts;
}

TEST(ReplicaSnapshotTest, ACompleteUpdateBuildsItsVersionAndFreesEveryArtifact) {
  std::map<std::string, std::string> artifacts = UpdateArtifacts(7);
  int asked = 0;
  absl::StatusOr<std::shared_ptr<const ServingSnapshot>> snapshot =
      SnapshotOfUpdate(artifacts, [&asked] {
        ++asked;
        return false;
      });
  ASSERT_THAT(snapshot.status(), IsOk());
  EXPECT_EQ((*snapshot)->version(), 7u);
  EXPECT_TRUE(artifacts.empty());
  EXPECT_EQ(asked, 2);  // Once before each model.
}

TEST(ReplicaSnapshotTest, AStopBetweenArtifactsCancelsTheBuild) {
  std::map<std::string, std::string> artifacts = UpdateArtifacts(3);
  int asked = 0;
  absl::StatusOr<std::shared_ptr<const ServingSnapshot>> snapshot =
      SnapshotOfUpdate(artifacts, [&asked] { return ++asked == 2; });  // After the first model.
  EXPECT_EQ(snapshot.status().code(), absl::StatusCode::kCancelled);
  EXPECT_EQ(asked, 2);
  EXPECT_EQ(artifacts.size(), 1u);  // The second model was never read.
}

TEST(ReplicaSnapshotTest, AnUpdateWithoutAReadableManifestIsDataLoss) {
  std::map<std::string, std::string> artifacts = UpdateArtifacts(1);
  artifacts["manifest"] = "not a manifest \xff\xff";
  EXPECT_EQ(SnapshotOfUpdate(artifacts, [] { return false; }).status().code(),
            absl::StatusCode::kDataLoss);
  artifacts.erase("manifest");
  EXPECT_EQ(SnapshotOfUpdate(artifacts, [] { return false; }).status().code(),
            absl::StatusCode::kDataLoss);
}

}  // namespace
}  // namespace clientele::recommender
