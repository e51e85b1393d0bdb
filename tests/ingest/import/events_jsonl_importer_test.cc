// events-jsonl format: one Event per line in protobuf's JSON mapping.
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

constexpr char kCustomer[] =
    R"({"eventId":"web/customer/c1","channel":"CHANNEL_ONLINE_SHOP",)"
    R"("source":{"system":"web","id":"c1"},"occurredAt":"2024-01-01T10:00:00Z",)"
    R"("customerUpsert":{"email":"ayse@example.com","attributes":{"tier":{"stringValue":"gold"}}}})";
constexpr char kOrder[] =
    R"({"event_id":"web/order/o1","source":{"system":"web","id":"o1"},)"
    R"("order":{"orderId":"o1","customer":{"system":"web","id":"c1"},)"
    R"("lines":[{"sku":"A","quantity":"2","unitPrice":{"minorUnits":"255","currencyCode":"TRY"}}]},)"
    R"("origin":{"sourceName":"export.jsonl","row":"7"}})";

ImportResult ImportJsonl(const std::string& contents, ImportOptions options = ImportOptions()) {
  return ImportContents(ImportFormat::kEventsJsonl, contents, options);
}

TEST(EventsJsonlImporterTest, ParsesOneEventPerLine) {
  ImportResult result = ImportJsonl(std::string(kCustomer) + "\n" + kOrder + "\r\n");
  EXPECT_EQ(result.total_rows_estimate, 2);
  EXPECT_EQ(result.rows, 2);
  EXPECT_TRUE(result.rejections.empty());
  ASSERT_EQ(result.events.size(), 2u);
  EXPECT_THAT(result.event_rows, ::testing::ElementsAre(1, 1));

  const Event& customer = result.events[0];
  EXPECT_EQ(customer.event_id(), "web/customer/c1");
  EXPECT_EQ(customer.channel(), common::v1::CHANNEL_ONLINE_SHOP);
  EXPECT_EQ(customer.customer_upsert().email(), "ayse@example.com");
  EXPECT_EQ(customer.customer_upsert().attributes().at("tier").string_value(), "gold");
  EXPECT_EQ(customer.origin().source_name(), "input");  // Set from the file: it had none.
  EXPECT_EQ(customer.origin().row(), 1);

  const Event& order = result.events[1];
  EXPECT_EQ(order.event_id(), "web/order/o1");
  EXPECT_EQ(order.channel(), common::v1::CHANNEL_UNSPECIFIED);
  EXPECT_EQ(order.order().lines(0).quantity(), 2);
  EXPECT_EQ(order.order().lines(0).unit_price().minor_units(), 255);
  EXPECT_EQ(order.origin().source_name(), "export.jsonl");  // Its own origin is kept.
  EXPECT_EQ(order.origin().row(), 7);
}

TEST(EventsJsonlImporterTest, BlankLinesAreNotRowsButCountForLineNumbers) {
  ImportResult result =
      ImportJsonl("\n" + std::string(kCustomer) + "\n   \n\t\r\n" + kOrder + "\n\n");
  EXPECT_EQ(result.total_rows_estimate, 2);
  EXPECT_EQ(result.rows, 2);
  ASSERT_EQ(result.events.size(), 2u);
  EXPECT_EQ(result.events[0].origin().row(), 2);
}

TEST(EventsJsonlImporterTest, BadLinesBecomeRejectionsWithTheirLineNumber) {
  const std::string lines[] = {
      kCustomer,
      R"({"eventId": "x", )",                                            // Truncated JSON.
      R"({"evntId":"web/1"})",                                           // Unknown field.
      R"({"eventId":"web/2","order":{"lines":[{"quantity":"many"}]}})",  // Bad value.
      R"([1,2,3])",                                                      // Not an object.
      "{\"eventId\":\"caf\xC3\"}",                                       // Invalid UTF-8.
  };
  std::string contents;
  for (const std::string& line : lines) contents += line + "\n";
  ImportResult result = ImportJsonl(contents);
  EXPECT_EQ(result.rows, 6);
  ASSERT_EQ(result.events.size(), 1u);
  ASSERT_EQ(result.rejections.size(), 5u);
  for (int i = 0; i < 5; ++i) {
    const auto& rejection = result.rejections[i];
    EXPECT_EQ(rejection.row(), i + 2);
    EXPECT_EQ(rejection.source_name(), "input");
    EXPECT_FALSE(rejection.reason().empty()) << i;
    if (i < 4) EXPECT_EQ(rejection.raw(), lines[i + 1]);
  }
  EXPECT_THAT(result.rejections[1].reason(), HasSubstr("evntId"));
  EXPECT_THAT(result.rejections[4].reason(), HasSubstr("UTF-8"));
  EXPECT_EQ(result.rejections[4].raw(), "{\"eventId\":\"caf\xEF\xBF\xBD\"}");
}

TEST(EventsJsonlImporterTest, NamesTheFieldWhenTheParserDoes) {
  ImportResult result = ImportJsonl(R"({"eventId":"web/2","order":{"lines":[{"quantity":"many"}]}})"
                                    "\n");
  ASSERT_EQ(result.rejections.size(), 1u);
  // protobuf 3.21 names the path of the offending field.
  EXPECT_EQ(result.rejections[0].field(), "order.lines[0].quantity");
  EXPECT_THAT(result.rejections[0].reason(), HasSubstr("\"many\""));
  result = ImportJsonl(R"({"evntId":"web/1"})"
                       "\n");
  ASSERT_EQ(result.rejections.size(), 1u);
  EXPECT_EQ(result.rejections[0].field(), "evntId");
  result = ImportJsonl("[1]\n");
  ASSERT_EQ(result.rejections.size(), 1u);
  EXPECT_EQ(result.rejections[0].field(), "");
}

TEST(EventsJsonlImporterTest, FillsAChannelOnlyWhereTheEventHasNone) {
  ImportOptions options;
  options.channel = common::v1::CHANNEL_STORE_POS;
  ImportResult result = ImportJsonl(std::string(kCustomer) + "\n" + kOrder + "\n", options);
  ASSERT_EQ(result.events.size(), 2u);
  EXPECT_EQ(result.events[0].channel(), common::v1::CHANNEL_ONLINE_SHOP);
  EXPECT_EQ(result.events[1].channel(), common::v1::CHANNEL_STORE_POS);
}

TEST(EventsJsonlImporterTest, SmallBatchesKeepEveryLine) {
  std::string contents;
  for (int i = 0; i < 10; ++i) contents += (i % 3 == 0 ? std::string("{bad") : kCustomer) + "\n";
  ImportResult result = ImportContents(ImportFormat::kEventsJsonl, contents, {}, 2);
  EXPECT_EQ(result.rows, 10);
  EXPECT_EQ(result.events.size(), 6u);
  EXPECT_EQ(result.rejections.size(), 4u);
}

}  // namespace
}  // namespace clientele::ingest
