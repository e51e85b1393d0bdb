#include "cmd/clienteled/owned_partitions.h"

#include "common/testing/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace clientele {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::IsOk;

TEST(OwnedPartitionsTest, EmptyMeansAllAndAListIsSortedWithoutRepeats) {
  EXPECT_THAT(*OwnedPartitions("", 3, 0, "host"), ElementsAre());
  EXPECT_THAT(*OwnedPartitions("2, 0,2", 3, 0, "host"), ElementsAre(0, 2));
}

TEST(OwnedPartitionsTest, OrdinalOwnsEveryPartitionCongruentModuloTheReplicas) {
  // Two pods serve five partitions.
  EXPECT_THAT(*OwnedPartitions("ordinal", 5, 2, "ingest-0"), ElementsAre(0, 2, 4));
  EXPECT_THAT(*OwnedPartitions("ordinal", 5, 2, "ingest-1"), ElementsAre(1, 3));
  // Replicas default to the partition count: the ordinal is the partition.
  EXPECT_THAT(*OwnedPartitions("ordinal", 3, 0, "clientele-ingest-2"), ElementsAre(2));
  EXPECT_THAT(*OwnedPartitions("ordinal", 3, 3, "ingest-1"), ElementsAre(1));
}

TEST(OwnedPartitionsTest, BadValuesNameTheFlag) {
  auto bad = OwnedPartitions("0,3", 3, 0, "h");
  EXPECT_TRUE(absl::IsInvalidArgument(bad.status()));
  EXPECT_THAT(bad.status().message(), HasSubstr("--partitions: '3' is not a partition below 3"));
  bad = OwnedPartitions("ordinal", 3, 0, "ingest");
  EXPECT_THAT(bad.status().message(), HasSubstr("has no -<ordinal> suffix"));
  bad = OwnedPartitions("ordinal", 4, 2, "ingest-2");
  EXPECT_THAT(bad.status().message(), HasSubstr("ordinal 2 of host 'ingest-2' is not below "
                                                "--ingest_replicas 2"));
  bad = OwnedPartitions("", 2, 3, "h");
  EXPECT_THAT(bad.status().message(),
              HasSubstr("--ingest_replicas: 3 exceeds --partition_count 2"));
  EXPECT_THAT(OwnedPartitions("1", 2, 2, "h").status(), IsOk());
}

}  // namespace
}  // namespace clientele
