// marketing-campaign format, on synthetic rows in the Kaggle file's layout (its rows are not
// committed: their licence is unverified).
#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_join.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ingest/import/importer.h"
#include "tests/ingest/import/import_test_util.h"

namespace clientele::ingest {
namespace {

using common::v1::AttributeValue;
using common::v1::Event;
using ::testing::HasSubstr;
using testing::ImportContents;
using testing::ImportResult;

const std::vector<std::string>& Columns() {
  static const auto* columns = new std::vector<std::string>{"ID",
                                                            "Year_Birth",
                                                            "Education",
                                                            "Marital_Status",
                                                            "Income",
                                                            "Kidhome",
                                                            "Teenhome",
                                                            "Dt_Customer",
                                                            "Recency",
                                                            "MntWines",
                                                            "MntFruits",
                                                            "MntMeatProducts",
                                                            "MntFishProducts",
                                                            "MntSweetProducts",
                                                            "MntGoldProds",
                                                            "NumDealsPurchases",
                                                            "NumWebPurchases",
                                                            "NumCatalogPurchases",
                                                            "NumStorePurchases",
                                                            "NumWebVisitsMonth",
                                                            "AcceptedCmp3",
                                                            "AcceptedCmp4",
                                                            "AcceptedCmp5",
                                                            "AcceptedCmp1",
                                                            "AcceptedCmp2",
                                                            "Complain",
                                                            "Z_CostContact",
                                                            "Z_Revenue",
                                                            "Response"};
  return *columns;
}

// A made-up customer; `changes` overrides columns by name.
std::string Row(const std::map<std::string, std::string>& changes = {},
                const std::string& separator = "\t") {
  std::map<std::string, std::string> values = {{"ID", "9001"},
                                               {"Year_Birth", "1970"},
                                               {"Education", "Graduation"},
                                               {"Marital_Status", "Single"},
                                               {"Income", "51234"},
                                               {"Kidhome", "1"},
                                               {"Teenhome", "0"},
                                               {"Dt_Customer", "04-09-2012"},
                                               {"Recency", "58"},
                                               {"MntWines", "600"},
                                               {"MntFruits", "80"},
                                               {"MntMeatProducts", "500"},
                                               {"MntFishProducts", "170"},
                                               {"MntSweetProducts", "80"},
                                               {"MntGoldProds", "90"},
                                               {"NumDealsPurchases", "3"},
                                               {"NumWebPurchases", "8"},
                                               {"NumCatalogPurchases", "10"},
                                               {"NumStorePurchases", "4"},
                                               {"NumWebVisitsMonth", "7"},
                                               {"AcceptedCmp3", "0"},
                                               {"AcceptedCmp4", "0"},
                                               {"AcceptedCmp5", "0"},
                                               {"AcceptedCmp1", "0"},
                                               {"AcceptedCmp2", "0"},
                                               {"Complain", "0"},
                                               {"Z_CostContact", "3"},
                                               {"Z_Revenue", "11"},
                                               {"Response", "1"}};
  for (const auto& [column, value] : changes) values[column] = value;
  std::vector<std::string> fields;
  for (const std::string& column : Columns()) fields.push_back(values[column]);
  return absl::StrJoin(fields, separator);
}

std::string Header(const std::string& separator = "\t") {
  return absl::StrJoin(Columns(), separator);
}

ImportResult ImportMarketing(const std::string& contents) {
  return ImportContents(ImportFormat::kMarketingCampaign, contents);
}

const AttributeValue& Attribute(const Event& event, const std::string& key) {
  static const AttributeValue* const kMissing = new AttributeValue();
  const auto& attributes = event.customer_upsert().attributes();
  auto it = attributes.find(key);
  return it == attributes.end() ? *kMissing : it->second;
}

TEST(MarketingCampaignImporterTest, MapsARowToACustomerUpsertWithTypedAttributes) {
  ImportResult result = ImportMarketing(Header() + "\n" + Row() + "\n");
  EXPECT_EQ(result.rows, 1);
  ASSERT_EQ(result.events.size(), 1u);
  EXPECT_EQ(result.event_rows[0], 1);
  const Event& event = result.events[0];
  EXPECT_EQ(event.event_id(), "marketing_campaign/customer/9001");
  EXPECT_EQ(event.channel(), common::v1::CHANNEL_OTHER);
  EXPECT_EQ(event.source().system(), "marketing_campaign");
  EXPECT_EQ(event.source().id(), "9001");
  EXPECT_EQ(event.origin().source_name(), "input");
  EXPECT_EQ(event.origin().row(), 1);
  EXPECT_EQ(event.occurred_at().seconds(),
            absl::ToUnixSeconds(absl::FromCivil(absl::CivilDay(2012, 9, 4), absl::UTCTimeZone())));
  ASSERT_TRUE(event.has_customer_upsert());
  EXPECT_EQ(event.customer_upsert().attributes_size(), 28);
  EXPECT_EQ(Attribute(event, "year_birth").int_value(), 1970);
  EXPECT_EQ(Attribute(event, "education").string_value(), "Graduation");
  EXPECT_EQ(Attribute(event, "marital_status").string_value(), "Single");
  EXPECT_EQ(Attribute(event, "income").int_value(), 51234);
  EXPECT_EQ(Attribute(event, "kidhome").int_value(), 1);
  EXPECT_EQ(Attribute(event, "mnt_meat_products").int_value(), 500);
  EXPECT_EQ(Attribute(event, "mnt_gold_prods").int_value(), 90);
  EXPECT_EQ(Attribute(event, "num_web_visits_month").int_value(), 7);
  EXPECT_EQ(Attribute(event, "accepted_cmp3").kind_case(), AttributeValue::kIntValue);
  EXPECT_EQ(Attribute(event, "z_cost_contact").int_value(), 3);
  EXPECT_EQ(Attribute(event, "z_revenue").int_value(), 11);
  EXPECT_EQ(Attribute(event, "response").int_value(), 1);
  const common::v1::Date& joined = Attribute(event, "dt_customer").date_value();
  EXPECT_EQ(joined.year(), 2012);
  EXPECT_EQ(joined.month(), 9);
  EXPECT_EQ(joined.day(), 4);
}

TEST(MarketingCampaignImporterTest, MissingIncomeLeavesTheAttributeAbsent) {
  ImportResult result = ImportMarketing(Header() + "\n" + Row({{"Income", ""}}) + "\n");
  ASSERT_EQ(result.events.size(), 1u);
  EXPECT_EQ(result.events[0].customer_upsert().attributes().count("income"), 0u);
  EXPECT_EQ(result.events[0].customer_upsert().attributes_size(), 27);
}

TEST(MarketingCampaignImporterTest, RejectsARowWithABadNumberNamingTheColumn) {
  const std::string bad = Row({{"ID", "9002"}, {"MntWines", "12x"}});
  ImportResult result =
      ImportMarketing(Header() + "\n" + Row() + "\n" + bad + "\n" +
                      Row({{"ID", "9003"}, {"Dt_Customer", "31-02-2013"}}) + "\n");
  EXPECT_EQ(result.rows, 3);
  ASSERT_EQ(result.events.size(), 1u);
  ASSERT_EQ(result.rejections.size(), 2u);
  EXPECT_EQ(result.rejections[0].row(), 2);
  EXPECT_EQ(result.rejections[0].field(), "MntWines");
  EXPECT_THAT(result.rejections[0].reason(), HasSubstr("'12x'"));
  EXPECT_EQ(result.rejections[0].raw(), bad);
  EXPECT_EQ(result.rejections[1].row(), 3);
  EXPECT_EQ(result.rejections[1].field(), "Dt_Customer");
}

TEST(MarketingCampaignImporterTest, TrimsFieldsAndAcceptsCrlf) {
  // As in the real file, where two Response values carry trailing spaces.
  ImportResult result =
      ImportMarketing(Header() + "\r\n" + Row({{"ID", "7446"}, {"Response", "0 "}}) + "\r\n" +
                      Row({{"ID", " 6177"}, {"Response", "0  "}}) + "\r\n");
  EXPECT_TRUE(result.rejections.empty());
  ASSERT_EQ(result.events.size(), 2u);
  EXPECT_EQ(Attribute(result.events[0], "response").int_value(), 0);
  EXPECT_EQ(result.events[1].source().id(), "6177");
}

TEST(MarketingCampaignImporterTest, DetectsSemicolonSeparatedCopies) {
  ImportResult result =
      ImportMarketing(Header(";") + "\n" + Row({{"Dt_Customer", "04/09/2012"}}, ";") + "\n");
  ASSERT_EQ(result.events.size(), 1u);
  EXPECT_EQ(Attribute(result.events[0], "dt_customer").date_value().month(), 9);
}

TEST(MarketingCampaignImporterTest, RejectsRowsWithTheWrongNumberOfFields) {
  ImportResult result = ImportMarketing(Header() + "\n9004\t1970\n" + Row() + "\tEXTRA\n");
  EXPECT_EQ(result.rows, 2);
  EXPECT_TRUE(result.events.empty());
  ASSERT_EQ(result.rejections.size(), 2u);
  EXPECT_THAT(result.rejections[0].reason(), HasSubstr("2 fields"));
}

TEST(MarketingCampaignImporterTest, HeaderWithoutARequiredColumnIsInvalidArgument) {
  std::vector<std::string> columns = Columns();
  columns.erase(columns.begin() + 7);  // Dt_Customer
  absl::StatusOr<std::unique_ptr<Importer>> importer = OpenImporterForContents(
      ImportFormat::kMarketingCampaign, absl::StrJoin(columns, "\t") + "\n", {});
  ASSERT_FALSE(importer.ok());
  EXPECT_EQ(importer.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(importer.status().message()), HasSubstr("'Dt_Customer'"));
}

TEST(MarketingCampaignImporterTest, HonoursSourceSystemChannelAndTimeZone) {
  ImportOptions options;
  options.source_system = "crm.campaigns";
  options.source_name = "campaign.tsv";
  options.channel = common::v1::CHANNEL_CALL_CENTER;
  options.time_zone = "Europe/Istanbul";
  ImportResult result =
      ImportContents(ImportFormat::kMarketingCampaign, Header() + "\n" + Row() + "\n", options);
  ASSERT_EQ(result.events.size(), 1u);
  const Event& event = result.events[0];
  EXPECT_EQ(event.event_id(), "crm.campaigns/customer/9001");
  EXPECT_EQ(event.source().system(), "crm.campaigns");
  EXPECT_EQ(event.origin().source_name(), "campaign.tsv");
  EXPECT_EQ(event.channel(), common::v1::CHANNEL_CALL_CENTER);
  // Midnight in Istanbul (UTC+3 in 2012) is 21:00 UTC the day before.
  EXPECT_EQ(event.occurred_at().seconds(),
            absl::ToUnixSeconds(
                absl::FromCivil(absl::CivilSecond(2012, 9, 3, 21, 0, 0), absl::UTCTimeZone())));
}

}  // namespace
}  // namespace clientele::ingest
