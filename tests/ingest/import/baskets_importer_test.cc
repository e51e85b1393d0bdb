// baskets format: one anonymous order per line, items exactly as written.
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
using ::testing::MatchesRegex;

std::vector<std::string> Skus(const Event& event) {
  std::vector<std::string> skus;
  for (const auto& line : event.order().lines()) skus.push_back(line.sku());
  return skus;
}

TEST(BasketsImporterTest, OneAnonymousOrderPerLineWithItemsAsWritten) {
  ImportResult result =
      ImportContents(ImportFormat::kBaskets,
                     "citrus fruit,semi-finished bread,margarine\nwhole milk\r\n"
                     "abrasive cleaner,liquor (appetizer),frozen dessert ,rolls/buns\n");
  EXPECT_EQ(result.rows, 3);
  EXPECT_TRUE(result.rejections.empty());
  ASSERT_EQ(result.events.size(), 3u);
  const Event& first = result.events[0];
  // "basket-<16 hex digits of the file's content>-<row>".
  EXPECT_THAT(first.order().order_id(), MatchesRegex("basket-[0-9a-f]{16}-1"));
  EXPECT_EQ(first.event_id(), "baskets/order/" + first.order().order_id());
  EXPECT_EQ(first.source().system(), "baskets");
  EXPECT_EQ(first.source().id(), first.order().order_id());
  EXPECT_FALSE(first.order().has_customer());
  EXPECT_EQ(first.channel(), common::v1::CHANNEL_STORE_POS);
  EXPECT_EQ(first.origin().row(), 1);
  EXPECT_THAT(Skus(first),
              ::testing::ElementsAre("citrus fruit", "semi-finished bread", "margarine"));
  EXPECT_EQ(first.order().lines(0).quantity(), 1);
  EXPECT_EQ(first.order().lines(0).unit_price().currency_code(), "GBP");
  EXPECT_EQ(first.order().lines(0).unit_price().minor_units(), 0);
  EXPECT_THAT(Skus(result.events[1]), ::testing::ElementsAre("whole milk"));  // "\r" dropped.
  // The trailing space of "frozen dessert " is part of the name.
  EXPECT_THAT(Skus(result.events[2]),
              ::testing::ElementsAre("abrasive cleaner", "liquor (appetizer)", "frozen dessert ",
                                     "rolls/buns"));
}

std::vector<std::string> EventIds(const ImportResult& result) {
  std::vector<std::string> ids;
  for (const Event& event : result.events) ids.push_back(event.event_id());
  return ids;
}

TEST(BasketsImporterTest, EventIdsIdentifyTheFilesContent) {
  const std::string file = "soda,yogurt\nwhole milk\n";
  const std::vector<std::string> ids = EventIds(ImportContents(ImportFormat::kBaskets, file));
  ASSERT_EQ(ids.size(), 2u);
  EXPECT_NE(ids[0], ids[1]);
  // The same file again: the same ids (duplicates), also with other line endings, blank
  // lines aside (blank lines move rows, so only the rows that stay keep their ids).
  EXPECT_EQ(EventIds(ImportContents(ImportFormat::kBaskets, file)), ids);
  EXPECT_EQ(EventIds(ImportContents(ImportFormat::kBaskets, "soda,yogurt\r\nwhole milk")), ids);
  EXPECT_EQ(EventIds(ImportContents(ImportFormat::kBaskets, "soda,yogurt\nwhole milk\n\n")), ids);

  // A different file: none of its ids is one of the first file's, even where a row is equal.
  for (const std::string other : {"soda,yogurt\nbeer\n", "soda,yogurt\nwhole milk\nbeer\n",
                                  "whole milk\nsoda,yogurt\n", "soda,yogurt\nwhole milk \n"}) {
    const std::vector<std::string> other_ids =
        EventIds(ImportContents(ImportFormat::kBaskets, other));
    ASSERT_GE(other_ids.size(), 2u) << other;
    for (const std::string& id : other_ids) {
      EXPECT_THAT(ids, ::testing::Not(::testing::Contains(id))) << other;
    }
  }
}

TEST(BasketsImporterTest, RepeatedItemIsOneLineWithQuantity) {
  ImportResult result = ImportContents(ImportFormat::kBaskets, "soda,yogurt,soda\n");
  ASSERT_EQ(result.events.size(), 1u);
  EXPECT_THAT(Skus(result.events[0]), ::testing::ElementsAre("soda", "yogurt"));
  EXPECT_EQ(result.events[0].order().lines(0).quantity(), 2);
  EXPECT_EQ(result.events[0].order().lines(1).quantity(), 1);
}

TEST(BasketsImporterTest, RejectsEmptyItemsNamingRowAndItem) {
  ImportResult result =
      ImportContents(ImportFormat::kBaskets, "soda\nsoda,,yogurt\n\nbeer, \nbeer\n");
  EXPECT_EQ(result.rows, 4);  // The blank line is not a row.
  ASSERT_EQ(result.events.size(), 2u);
  EXPECT_EQ(result.events[1].origin().row(), 5);  // Rows are line numbers.
  ASSERT_EQ(result.rejections.size(), 2u);
  EXPECT_EQ(result.rejections[0].row(), 2);
  EXPECT_EQ(result.rejections[0].field(), "item 2");
  EXPECT_THAT(result.rejections[0].reason(), HasSubstr("empty item"));
  EXPECT_EQ(result.rejections[0].raw(), "soda,,yogurt");
  EXPECT_EQ(result.rejections[1].row(), 4);
  EXPECT_EQ(result.rejections[1].field(), "item 2");
}

TEST(BasketsImporterTest, SourceAndCurrencyOptions) {
  ImportOptions options;
  options.source_system = "pos";
  options.currency = "TRY";
  ImportResult result = ImportContents(ImportFormat::kBaskets, "a,b\n", options);
  ASSERT_EQ(result.events.size(), 1u);
  EXPECT_EQ(result.events[0].source().system(), "pos");
  EXPECT_EQ(result.events[0].order().lines(1).unit_price().currency_code(), "TRY");
  options.currency = "XXQ";
  EXPECT_FALSE(OpenImporterForContents(ImportFormat::kBaskets, "a\n", options).ok());
}

TEST(BasketsImporterTest, FormatName) {
  absl::StatusOr<ImportFormat> format = ParseImportFormat("baskets");
  ASSERT_TRUE(format.ok());
  EXPECT_EQ(*format, ImportFormat::kBaskets);
  EXPECT_EQ(ImportFormatName(ImportFormat::kBaskets), "baskets");
}

}  // namespace
}  // namespace clientele::ingest
