// movielens format: u.data (tab separated) and ratings.csv (header) as RATING interactions.
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ingest/import/importer.h"
#include "tests/ingest/import/import_test_util.h"

namespace clientele::ingest {
namespace {

using common::v1::Event;
using ::testing::HasSubstr;
using testing::ImportContents;
using testing::ImportResult;

TEST(MovieLensImporterTest, ReadsUDataAsRatingInteractions) {
  ImportResult result =
      ImportContents(ImportFormat::kMovieLens, "196\t242\t3\t881250949\n186\t302\t5\t891717742\n");
  EXPECT_EQ(result.rows, 2);
  EXPECT_EQ(result.total_rows_estimate, 2);
  EXPECT_TRUE(result.rejections.empty());
  ASSERT_EQ(result.events.size(), 2u);
  const Event& e = result.events[0];
  EXPECT_EQ(e.event_id(), "movielens/rating/196/242/881250949");
  EXPECT_EQ(e.source().system(), "movielens");
  EXPECT_EQ(e.source().id(), "196");
  EXPECT_EQ(e.interaction().type(), common::v1::INTERACTION_TYPE_RATING);
  EXPECT_EQ(e.interaction().sku(), "242");
  EXPECT_EQ(e.interaction().rating(), 3.0);
  EXPECT_EQ(e.occurred_at().seconds(), 881250949);
  EXPECT_EQ(e.origin().row(), 1);
  EXPECT_EQ(result.events[1].interaction().rating(), 5.0);
}

TEST(MovieLensImporterTest, ReadsRatingsCsvWithHeader) {
  ImportResult result = ImportContents(
      ImportFormat::kMovieLens, "userId,movieId,rating,timestamp\r\n1,31,2.5,1260759144\r\n");
  EXPECT_EQ(result.rows, 1);
  ASSERT_EQ(result.events.size(), 1u);
  EXPECT_EQ(result.events[0].source().id(), "1");
  EXPECT_EQ(result.events[0].interaction().sku(), "31");
  EXPECT_EQ(result.events[0].interaction().rating(), 2.5);
  EXPECT_EQ(result.events[0].origin().row(), 1);  // The header is not a data row.
}

TEST(MovieLensImporterTest, RejectsBadRowsNamingRowAndField) {
  ImportResult result = ImportContents(ImportFormat::kMovieLens,
                                       "1\t2\t4\t100\n"
                                       "1\t3\tfour\t100\n"
                                       "1\t4\t0\t100\n"
                                       "1\t5\t3\t-7\n"
                                       "\t6\t3\t100\n"
                                       "1 7 3 100\n");
  EXPECT_EQ(result.rows, 6);
  EXPECT_EQ(result.events.size(), 1u);
  ASSERT_EQ(result.rejections.size(), 5u);
  EXPECT_EQ(result.rejections[0].row(), 2);
  EXPECT_EQ(result.rejections[0].field(), "rating");
  EXPECT_EQ(result.rejections[1].field(), "rating");
  EXPECT_EQ(result.rejections[2].row(), 4);
  EXPECT_EQ(result.rejections[2].field(), "timestamp");
  EXPECT_EQ(result.rejections[3].field(), "user");
  EXPECT_THAT(result.rejections[4].reason(), HasSubstr("1 fields"));
}

TEST(MovieLensImporterTest, CsvColumnsAreFoundByName) {
  ImportResult result = ImportContents(ImportFormat::kMovieLens,
                                       "userId,rating,movieId,timestamp\n7,4,99,5\n7,x,98,5\n");
  ASSERT_EQ(result.events.size(), 1u);
  EXPECT_EQ(result.events[0].interaction().sku(), "99");
  ASSERT_EQ(result.rejections.size(), 1u);
  EXPECT_EQ(result.rejections[0].field(), "rating");
  EXPECT_FALSE(
      OpenImporterForContents(ImportFormat::kMovieLens, "userId,movieId\n1,2\n", ImportOptions())
          .ok());
}

}  // namespace
}  // namespace clientele::ingest
