// The febrl import format (ingest/import) and its path into PersonRecords.
#include <string>

#include "absl/time/time.h"
#include "common/testing/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "identity/matching/match_model.h"
#include "identity/matching/person_record.h"
#include "ingest/import/importer.h"
#include "tests/ingest/import/import_test_util.h"

namespace clientele::identity {
namespace {

using ::clientele::ingest::ImportFormat;
using ::clientele::ingest::ImportOptions;
using ::clientele::ingest::testing::Drain;
using ::clientele::ingest::testing::ImportContents;
using ::clientele::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr char kHeader[] =
    "rec_id, given_name, surname, street_number, address_1, address_2, suburb, postcode, "
    "state, date_of_birth, soc_sec_id\n";

TEST(FebrlImporterTest, ParsesTheFormatName) {
  absl::StatusOr<ImportFormat> format = ingest::ParseImportFormat("febrl");
  ASSERT_TRUE(format.ok());
  EXPECT_EQ(*format, ImportFormat::kFebrl);
  EXPECT_EQ(ingest::ImportFormatName(ImportFormat::kFebrl), "febrl");
}

TEST(FebrlImporterTest, CommittedSliceImportsEveryRow) {
  ImportOptions options;
  options.snapshot_time = absl::FromUnixSeconds(1700000000);
  absl::StatusOr<std::unique_ptr<ingest::Importer>> importer = ingest::OpenImporter(
      ImportFormat::kFebrl, std::string(CLT_TEST_DATA_DIR) + "/febrl_sample.csv", options);
  ASSERT_TRUE(importer.ok()) << importer.status();
  const ingest::testing::ImportResult result = Drain(importer->get(), 4);
  EXPECT_EQ(result.rows, 15);
  EXPECT_EQ(result.total_rows_estimate, 15);
  ASSERT_EQ(result.events.size(), 15u);
  EXPECT_TRUE(result.rejections.empty());

  const common::v1::Event& first = result.events[0];  // rec-5-org
  EXPECT_EQ(first.event_id(), "febrl/customer/rec-5-org");
  EXPECT_EQ(first.source().system(), "febrl");
  EXPECT_EQ(first.source().id(), "rec-5-org");
  EXPECT_EQ(first.channel(), common::v1::CHANNEL_OTHER);
  EXPECT_EQ(first.origin().source_name(), "febrl_sample.csv");
  EXPECT_EQ(first.origin().row(), 1);
  EXPECT_EQ(first.occurred_at().seconds(), 1700000000);
  const common::v1::CustomerUpsert& c = first.customer_upsert();
  EXPECT_EQ(c.given_name(), "jackson");
  EXPECT_EQ(c.family_name(), "prestia");
  EXPECT_EQ(c.birth_date().year(), 1926);
  EXPECT_EQ(c.birth_date().month(), 6);
  EXPECT_EQ(c.birth_date().day(), 1);
  EXPECT_THAT(c.address().lines(), ElementsAre("29 priddle street", "mirilla"));
  EXPECT_EQ(c.address().city(), "graceville");
  EXPECT_EQ(c.address().region(), "qld");
  EXPECT_EQ(c.address().postal_code(), "3012");
  EXPECT_EQ(c.attributes().at("soc_sec_id").string_value(), "5613219");

  // rec-3-dup-1: empty state stays unset.
  EXPECT_EQ(result.events[3].source().id(), "rec-3-dup-1");
  EXPECT_EQ(result.events[3].customer_upsert().address().city(), "st agnes");
  EXPECT_EQ(result.events[3].customer_upsert().address().region(), "");
  // rec-274-dup-2: only a street number and a postcode in the address.
  EXPECT_THAT(result.events[5].customer_upsert().address().lines(), ElementsAre("3"));
  // rec-444-dup-0: 19371233 is no date: birth date unset, row kept.
  EXPECT_EQ(result.events[12].source().id(), "rec-444-dup-0");
  EXPECT_FALSE(result.events[12].customer_upsert().has_birth_date());
  EXPECT_EQ(result.events[12].customer_upsert().given_name(), "sophie");
}

TEST(FebrlImporterTest, SliceDuplicatesLinkAndTheNeighbourDoesNot) {
  absl::StatusOr<std::unique_ptr<ingest::Importer>> importer = ingest::OpenImporter(
      ImportFormat::kFebrl, std::string(CLT_TEST_DATA_DIR) + "/febrl_sample.csv", ImportOptions());
  ASSERT_TRUE(importer.ok());
  const ingest::testing::ImportResult result = Drain(importer->get());
  auto record = [&](std::string_view id) {
    for (const common::v1::Event& e : result.events) {
      if (e.source().id() == id) {
        return FromCustomerUpsert("febrl/" + e.source().id(), e.customer_upsert());
      }
    }
    ADD_FAILURE() << id;
    return PersonRecord();
  };
  const MatchModel model;  // generic starting values, nothing estimated
  // Swapped names, an impossible birth date and a typo'd address still link.
  EXPECT_EQ(model.Evaluate(record("rec-149-org"), record("rec-149-dup-0")).decision,
            MatchDecision::kLink);
  EXPECT_EQ(model.Evaluate(record("rec-5-org"), record("rec-5-dup-0")).decision,
            MatchDecision::kLink);
  EXPECT_EQ(model.Evaluate(record("rec-274-org"), record("rec-274-dup-3")).decision,
            MatchDecision::kLink);
  // Same surname and postcode, another person.
  EXPECT_EQ(model.Evaluate(record("rec-274-org"), record("rec-740-org")).decision,
            MatchDecision::kNoLink);
}

TEST(FebrlImporterTest, BadRowsAreRejectedWithRowAndField) {
  ImportOptions options;
  options.source_system = "registry";
  const ingest::testing::ImportResult result = ImportContents(
      ImportFormat::kFebrl,
      std::string(kHeader) +
          "rec-1-org, ann, lee, 1, a street, , town, 2000, nsw, 19800101, 1234567\n"
          ", bob, lee, 1, a street, , town, 2000, nsw, 19800101, 1234568\n"
          "rec-3-org, cid, lee, 1, a street, , town, 2000, nsw\n"
          "rec-4-org, dan, lee, 1, a street, , town, 2000, nsw, 1980-01-01, 1234569\n"
          "rec-5-org, \xC3\x28ve, lee, 1, a street, , town, 2000, nsw, 19800101, 1234570\n"
          "rec-6-org, , , , , , , , , , \n",
      options);
  EXPECT_EQ(result.rows, 6);
  ASSERT_EQ(result.events.size(), 2u);
  EXPECT_EQ(result.events[0].source().system(), "registry");
  EXPECT_EQ(result.events[0].event_id(), "registry/customer/rec-1-org");
  // An all-empty row is a record that knows nothing: kept, with nothing set.
  EXPECT_EQ(result.events[1].source().id(), "rec-6-org");
  EXPECT_EQ(result.events[1].customer_upsert().ByteSizeLong(), 0u);
  ASSERT_EQ(result.rejections.size(), 4u);
  EXPECT_EQ(result.rejections[0].row(), 2);
  EXPECT_EQ(result.rejections[0].field(), "rec_id");
  EXPECT_EQ(result.rejections[1].row(), 3);
  EXPECT_THAT(result.rejections[1].reason(), HasSubstr("has 9 fields, the header 11"));
  EXPECT_EQ(result.rejections[2].row(), 4);
  EXPECT_EQ(result.rejections[2].field(), "date_of_birth");
  EXPECT_THAT(result.rejections[2].reason(), HasSubstr("YYYYMMDD"));
  EXPECT_EQ(result.rejections[3].row(), 5);
  EXPECT_EQ(result.rejections[3].field(), "given_name");
  EXPECT_THAT(result.rejections[3].reason(), HasSubstr("UTF-8"));
}

TEST(FebrlImporterTest, MissingColumnIsInvalidArgumentNamingIt) {
  EXPECT_THAT(ingest::OpenImporterForContents(ImportFormat::kFebrl, "rec_id, given_name, surname\n",
                                              ImportOptions()),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("street_number")));
  ImportOptions bad_time;
  bad_time.snapshot_time = absl::InfiniteFuture();
  EXPECT_THAT(ingest::OpenImporterForContents(ImportFormat::kFebrl, kHeader, bad_time),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("snapshot")));
}

}  // namespace
}  // namespace clientele::identity
