#include "recommender/replication/replica_snapshot.h"

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/testing/status_matchers.h"
#include "gtest/gtest.h"
#include "recommender/jobs/model_versions.h"
#include "tests/recommender/replication/model_versions_fixture.h"

namespace clientele::recommender {
namespace {

using ::clientele::testing::IsOk;

// The artifacts of one model update as the trainer streams them: the manifest of `version`
// and its models (popularity, item_cf), serialized.
std::map<std::string, std::string> UpdateArtifacts(uint64_t version) {
  auto [manifest, models] = replication_testing::MakeVersion(version);
  std::map<std::string, std::string> artifacts;
  const std::vector<std::string> names = ArtifactNames(manifest);
  for (int i = 0; i < manifest.models_size(); ++i) {
    artifacts[names[i]] = models.at(manifest.models(i))->Serialize();
  }
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
