// online-retail format: grouping, customers, prices, dates, rejections, the committed sample.
#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ingest/import/importer.h"
#include "tests/ingest/import/import_test_util.h"

namespace clientele::ingest {
namespace {

using common::v1::Event;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::ImportContents;
using testing::ImportResult;

constexpr char kHeader[] =
    "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n";

// Data rows of tests/data/online_retail_sample.csv, counted independently of this code:
// `awk 'NR>1' online_retail_sample.csv | wc -l` and Python's csv module agree (see README.md).
constexpr int64_t kSampleRows = 4102;
constexpr int kSampleInvoices = 225;
constexpr int kSampleCustomerCountryPairs = 150;

ImportResult ImportRetail(const std::string& rows, ImportOptions options = ImportOptions(),
                          size_t max_events = 1000) {
  return ImportContents(ImportFormat::kOnlineRetail, kHeader + rows, options, max_events);
}

int64_t UtcSeconds(int y, int m, int d, int hh, int mm, int ss) {
  return absl::ToUnixSeconds(
      absl::FromCivil(absl::CivilSecond(y, m, d, hh, mm, ss), absl::UTCTimeZone()));
}

std::vector<std::string> EventIds(const ImportResult& result) {
  std::vector<std::string> ids;
  for (const Event& e : result.events) ids.push_back(e.event_id());
  return ids;
}

std::vector<int64_t> SourceRows(const Event& event) {
  std::vector<int64_t> rows;
  for (const auto& line : event.order().lines()) rows.push_back(line.source_row());
  return rows;
}

const Event* FindEvent(const ImportResult& result, const std::string& event_id) {
  for (const Event& e : result.events) {
    if (e.event_id() == event_id) return &e;
  }
  return nullptr;
}

TEST(OnlineRetailImporterTest, GroupsRowsOfAnInvoiceIntoOneOrder) {
  ImportResult result = ImportRetail(
      "536365,85123A,WHITE HANGING HEART T-LIGHT HOLDER,6,2010-12-01 08:26:00,2.55,17850.0,"
      "United Kingdom\n"
      "536365,71053,WHITE METAL LANTERN,6,2010-12-01 08:26:00,3.39,17850.0,United Kingdom\n"
      "536366,22633,HAND WARMER UNION JACK,6,2010-12-01 08:28:00,1.85,17850.0,United Kingdom\n");
  EXPECT_EQ(result.rows, 3);
  EXPECT_TRUE(result.rejections.empty());
  EXPECT_THAT(EventIds(result),
              ElementsAre("online_retail/customer/17850/United%20Kingdom",
                          "online_retail/order/536365", "online_retail/order/536366"));
  EXPECT_THAT(result.event_rows, ElementsAre(0, 2, 1));

  const Event& order = result.events[1];
  EXPECT_EQ(order.channel(), common::v1::CHANNEL_ONLINE_SHOP);
  EXPECT_EQ(order.source().system(), "online_retail");
  EXPECT_EQ(order.source().id(), "536365");
  EXPECT_EQ(order.occurred_at().seconds(), UtcSeconds(2010, 12, 1, 8, 26, 0));
  EXPECT_EQ(order.origin().source_name(), "input");
  EXPECT_EQ(order.origin().row(), 1);
  ASSERT_TRUE(order.has_order());
  EXPECT_EQ(order.order().order_id(), "536365");
  EXPECT_EQ(order.order().customer().system(), "online_retail");
  EXPECT_EQ(order.order().customer().id(), "17850");
  EXPECT_FALSE(order.order().cancellation());
  EXPECT_EQ(order.order().country(), "United Kingdom");
  ASSERT_EQ(order.order().lines_size(), 2);
  const auto& line = order.order().lines(0);
  EXPECT_EQ(line.sku(), "85123A");
  EXPECT_EQ(line.description(), "WHITE HANGING HEART T-LIGHT HOLDER");
  EXPECT_EQ(line.quantity(), 6);
  EXPECT_EQ(line.unit_price().minor_units(), 255);
  EXPECT_EQ(line.unit_price().currency_code(), "GBP");
  EXPECT_EQ(line.unit_price().extra_decimals(), 0u);
  EXPECT_EQ(line.source_row(), 1);
  EXPECT_EQ(order.order().lines(1).source_row(), 2);
  EXPECT_EQ(result.events[2].origin().row(), 3);
}

TEST(OnlineRetailImporterTest, NonContiguousInvoiceIsOneOrderAtItsFirstAppearance) {
  ImportResult result = ImportRetail(
      "542806,48194,DOORMAT HEARTS,1,2011-02-01 11:19:00,7.95,12836.0,United Kingdom\n"
      "C542805,22156,HEART DECORATION WITH PEARLS ,-1,2011-02-01 11:19:00,0.85,14606.0,"
      "United Kingdom\n"
      "542806,22113,GREY HEART HOT WATER BOTTLE,5,2011-02-01 11:20:00,3.75,12836.0,"
      "United Kingdom\n");
  EXPECT_EQ(result.rows, 3);
  EXPECT_THAT(
      EventIds(result),
      ElementsAre("online_retail/customer/12836/United%20Kingdom", "online_retail/order/542806",
                  "online_retail/customer/14606/United%20Kingdom", "online_retail/order/C542805"));
  EXPECT_THAT(SourceRows(result.events[1]), ElementsAre(1, 3));
  EXPECT_THAT(result.event_rows, ElementsAre(0, 2, 0, 1));
  // The order takes the date of its first row.
  EXPECT_EQ(result.events[1].occurred_at().seconds(), UtcSeconds(2011, 2, 1, 11, 19, 0));
}

TEST(OnlineRetailImporterTest, MarksCancellationsAndLeavesGuestsWithoutCustomer) {
  ImportResult result = ImportRetail(
      "C536379,D,Discount,-1,2010-12-01 09:41:00,27.5,14527.0,United Kingdom\n"
      "536544,21773,DECORATIVE ROSE BATHROOM BOTTLE,1,2010-12-01 14:32:00,2.51,,"
      "United Kingdom\n"
      "544832,62096A,,-88,2011-02-24 10:05:00,0.0,,United Kingdom\n");
  EXPECT_THAT(
      EventIds(result),
      ElementsAre("online_retail/customer/14527/United%20Kingdom", "online_retail/order/C536379",
                  "online_retail/order/536544", "online_retail/order/544832"));
  EXPECT_TRUE(result.events[1].order().cancellation());
  EXPECT_EQ(result.events[1].order().lines(0).quantity(), -1);
  const Event& guest = result.events[2];
  EXPECT_FALSE(guest.order().cancellation());
  EXPECT_FALSE(guest.order().has_customer());
  // A stock adjustment: negative quantity without 'C', empty description, kept as is.
  const auto& adjustment = result.events[3].order().lines(0);
  EXPECT_FALSE(result.events[3].order().cancellation());
  EXPECT_EQ(adjustment.quantity(), -88);
  EXPECT_EQ(adjustment.description(), "");
  EXPECT_EQ(adjustment.unit_price().minor_units(), 0);
}

TEST(OnlineRetailImporterTest, EmitsOneCustomerUpsertPerCustomerAndCountry) {
  ImportResult result = ImportRetail(
      "536389,22941,CHRISTMAS LIGHTS 10 REINDEER,6,2010-12-01 10:03:00,8.5,12431.0,Australia\n"
      "544193,22423,REGENCY CAKESTAND 3 TIER,2,2011-02-17 10:56:00,12.75,12431.0,Belgium\n"
      "545065,22960,JAM MAKING SET WITH JARS,6,2011-02-28 09:51:00,4.25,12431.0,Australia\n"
      "545066,22960,JAM MAKING SET WITH JARS,6,2011-02-28 09:52:00,4.25,12431,Belgium\n");
  EXPECT_THAT(EventIds(result),
              ElementsAre("online_retail/customer/12431/Australia", "online_retail/order/536389",
                          "online_retail/customer/12431/Belgium", "online_retail/order/544193",
                          "online_retail/order/545065", "online_retail/order/545066"));
  const Event& belgium = result.events[2];
  EXPECT_EQ(belgium.source().system(), "online_retail");
  EXPECT_EQ(belgium.source().id(), "12431");
  EXPECT_EQ(belgium.channel(), common::v1::CHANNEL_ONLINE_SHOP);
  EXPECT_EQ(belgium.customer_upsert().address().country(), "Belgium");
  EXPECT_EQ(belgium.occurred_at().seconds(), UtcSeconds(2011, 2, 17, 10, 56, 0));
  EXPECT_EQ(belgium.origin().row(), 2);
  EXPECT_THAT(result.event_rows, ElementsAre(0, 1, 0, 1, 1, 1));
}

TEST(OnlineRetailImporterTest, KeepsSubPennyAndNegativePricesAsParsed) {
  ImportOptions options;
  options.currency = "EUR";
  ImportResult result = ImportRetail(
      "568375,BANK CHARGES,Bank Charges,1,2011-09-26 17:01:00,15.0,13405.0,United Kingdom\n"
      "568375,BANK CHARGES,Bank Charges,1,2011-09-26 17:01:00,0.001,13405.0,United Kingdom\n"
      "A563186,B,Adjust bad debt,1,2011-08-12 14:51:00,-11062.06,,United Kingdom\n",
      options);
  ASSERT_EQ(result.events.size(), 3u);
  const auto& lines = result.events[1].order().lines();
  EXPECT_EQ(lines[0].unit_price().minor_units(), 1500);
  EXPECT_EQ(lines[0].unit_price().currency_code(), "EUR");
  EXPECT_EQ(lines[1].unit_price().minor_units(), 1);
  EXPECT_EQ(lines[1].unit_price().extra_decimals(), 1u);
  const auto& bad_debt = result.events[2].order().lines(0).unit_price();
  EXPECT_EQ(bad_debt.minor_units(), -1106206);
  EXPECT_EQ(bad_debt.extra_decimals(), 0u);
  EXPECT_FALSE(result.events[2].order().cancellation());
}

TEST(OnlineRetailImporterTest, ReadsUciDatesInTheGivenTimeZone) {
  ImportOptions options;
  options.time_zone = "Europe/London";
  ImportResult result = ImportRetail(
      "536365,85123A,HEART,6,12/1/2010 8:26,2.55,17850,United Kingdom\n"
      "555000,85123A,HEART,6,6/1/2011 8:26,2.55,17850,United Kingdom\n"
      "555001,85123A,HEART,6,2011-06-01 08:26:30,2.55,17850,United Kingdom\n",
      options);
  ASSERT_EQ(result.events.size(), 4u);
  EXPECT_EQ(result.events[1].occurred_at().seconds(), UtcSeconds(2010, 12, 1, 8, 26, 0));
  // British Summer Time: UTC+1.
  EXPECT_EQ(result.events[2].occurred_at().seconds(), UtcSeconds(2011, 6, 1, 7, 26, 0));
  EXPECT_EQ(result.events[3].occurred_at().seconds(), UtcSeconds(2011, 6, 1, 7, 26, 30));
}

TEST(OnlineRetailImporterTest, RejectsUnparsableRowsWithRowAndFieldButKeepsTheInvoice) {
  const std::vector<std::string> rows = {
      "536365,85123A,HEART,6,2010-12-01 08:26:00,2.55,17850.0,United Kingdom",
      "536365,71053,LANTERN,six,2010-12-01 08:26:00,3.39,17850.0,United Kingdom",
      "536365,84406B,HANGER,8,2010-13-01 08:26:00,2.75,17850.0,United Kingdom",
      "536365,84029G,BOTTLE,6,2010-12-01 08:26:00,3.3.9,17850.0,United Kingdom",
      "536365,84029E,TOO FEW FIELDS",
      ",22752,NO INVOICE,2,2010-12-01 08:26:00,7.65,17850.0,United Kingdom",
      "536365, ,NO STOCK CODE,2,2010-12-01 08:26:00,7.65,17850.0,United Kingdom",
      "536365,21730,GLASS STAR,6,2010-12-01 08:26:00,4.25,17850.0,United Kingdom",
  };
  std::string csv;
  for (const std::string& row : rows) csv += row + "\n";
  ImportResult result = ImportRetail(csv);
  EXPECT_EQ(result.rows, 8);
  ASSERT_EQ(result.events.size(), 2u);
  EXPECT_THAT(SourceRows(result.events[1]), ElementsAre(1, 8));
  EXPECT_THAT(result.event_rows, ElementsAre(0, 2));

  std::map<int64_t, std::pair<std::string, std::string>> by_row;
  for (const auto& r : result.rejections) {
    EXPECT_EQ(r.source_name(), "input");
    EXPECT_EQ(r.raw(), rows[r.row() - 1]);
    EXPECT_FALSE(r.reason().empty());
    by_row[r.row()] = {r.field(), r.reason()};
  }
  ASSERT_EQ(by_row.size(), 6u);
  EXPECT_EQ(by_row[2].first, "Quantity");
  EXPECT_THAT(by_row[2].second, HasSubstr("'six'"));
  EXPECT_EQ(by_row[3].first, "InvoiceDate");
  EXPECT_EQ(by_row[4].first, "UnitPrice");
  EXPECT_EQ(by_row[5].first, "");
  EXPECT_THAT(by_row[5].second, HasSubstr("3 fields"));
  EXPECT_EQ(by_row[6].first, "InvoiceNo");
  EXPECT_EQ(by_row[7].first, "StockCode");
}

TEST(OnlineRetailImporterTest, InvoiceStartsAtItsFirstGoodRow) {
  ImportResult result = ImportRetail(
      "536365,85123A,HEART,6,not a date,2.55,17850.0,United Kingdom\n"
      "536365,71053,LANTERN,6,2010-12-01 08:27:00,3.39,17850.0,United Kingdom\n"
      "536366,71053,LANTERN,x,2010-12-01 08:28:00,3.39,,United Kingdom\n");
  EXPECT_EQ(result.rows, 3);
  ASSERT_EQ(result.events.size(), 2u);  // 536366 has no good row: no order at all.
  EXPECT_EQ(result.events[1].origin().row(), 2);
  EXPECT_EQ(result.events[1].occurred_at().seconds(), UtcSeconds(2010, 12, 1, 8, 27, 0));
  ASSERT_EQ(result.rejections.size(), 2u);
  EXPECT_EQ(result.rejections[0].row(), 1);
  EXPECT_EQ(result.rejections[1].row(), 3);
}

TEST(OnlineRetailImporterTest, RejectsRowsThatMoveAnInvoiceToAnotherCustomerOrCountry) {
  ImportResult result = ImportRetail(
      "536365,A,ONE,1,2010-12-01 08:26:00,1.0,17850.0,United Kingdom\n"
      "536365,B,TWO,1,2010-12-01 08:26:00,1.0,13047.0,United Kingdom\n"
      "536365,C,THREE,1,2010-12-01 08:26:00,1.0,,United Kingdom\n"
      "536365,D,FOUR,1,2010-12-01 08:26:00,1.0,17850.0,France\n"
      "536365,E,FIVE,1,2010-12-01 08:26:00,1.0,17850,United Kingdom\n");
  ASSERT_EQ(result.events.size(), 2u);
  EXPECT_THAT(SourceRows(result.events[1]), ElementsAre(1, 5));
  ASSERT_EQ(result.rejections.size(), 3u);
  EXPECT_EQ(result.rejections[0].field(), "CustomerID");
  EXPECT_THAT(result.rejections[0].reason(), HasSubstr("'17850'"));
  EXPECT_EQ(result.rejections[1].field(), "CustomerID");
  EXPECT_THAT(result.rejections[1].reason(), HasSubstr("a guest"));
  EXPECT_EQ(result.rejections[2].field(), "Country");
}

TEST(OnlineRetailImporterTest, FindsColumnsByNameAndReadsQuotedFields) {
  ImportResult result = ImportContents(
      ImportFormat::kOnlineRetail,
      "\xEF\xBB\xBF"
      "Country,customerid, UnitPrice ,InvoiceDate,Quantity,Description,StockCode,"
      "InvoiceNo,Extra\r\n"
      "United Kingdom,15311.0,2.1,2010-12-01 09:41:00,2,\"AIRLINE LOUNGE,METAL SIGN\",82567,"
      "536381,x\r\n"
      "United Kingdom,15311.0,2.1,2010-12-01 09:41:00,48,\"RECORD FRAME 7\"\" SINGLE SIZE \","
      "22041,536381,\"y\"\r\n");
  EXPECT_EQ(result.rows, 2);
  ASSERT_EQ(result.events.size(), 2u);
  const auto& lines = result.events[1].order().lines();
  ASSERT_EQ(lines.size(), 2);
  EXPECT_EQ(lines[0].sku(), "82567");
  EXPECT_EQ(lines[0].description(), "AIRLINE LOUNGE,METAL SIGN");
  EXPECT_EQ(lines[1].description(), "RECORD FRAME 7\" SINGLE SIZE ");
  EXPECT_EQ(result.events[1].order().customer().id(), "15311");
}

TEST(OnlineRetailImporterTest, HeaderWithoutARequiredColumnIsInvalidArgument) {
  absl::StatusOr<std::unique_ptr<Importer>> importer = OpenImporterForContents(
      ImportFormat::kOnlineRetail,
      "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,CustomerID,Country\n", {});
  ASSERT_FALSE(importer.ok());
  EXPECT_EQ(importer.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(importer.status().message()), HasSubstr("'UnitPrice'"));

  importer = OpenImporterForContents(ImportFormat::kOnlineRetail, "", {});
  ASSERT_FALSE(importer.ok());
  EXPECT_THAT(std::string(importer.status().message()), HasSubstr("'InvoiceNo'"));
}

TEST(OnlineRetailImporterTest, SmallBatchesSplitAnInvoiceOutputsButNotTheirOrder) {
  const std::string rows =
      "536365,A,ONE,1,2010-12-01 08:26:00,1.0,17850.0,United Kingdom\n"
      "536365,B,TWO,x,2010-12-01 08:26:00,1.0,17850.0,United Kingdom\n"
      "536365,C,TWO,y,2010-12-01 08:26:00,1.0,17850.0,United Kingdom\n"
      "536366,A,ONE,1,2010-12-01 08:27:00,1.0,13047.0,United Kingdom\n";
  ImportResult whole = ImportRetail(rows);
  ImportResult split = ImportRetail(rows, ImportOptions(), /*max_events=*/1);
  EXPECT_EQ(split.rows, 4);
  EXPECT_EQ(EventIds(split), EventIds(whole));
  EXPECT_EQ(split.event_rows, whole.event_rows);
  ASSERT_EQ(split.rejections.size(), 2u);
  EXPECT_GE(split.batches, 4);
}

TEST(OnlineRetailImporterTest, CommittedSampleAccountsForEveryRow) {
  absl::StatusOr<std::unique_ptr<Importer>> importer =
      OpenImporter(ImportFormat::kOnlineRetail, CLT_TEST_DATA_DIR "/online_retail_sample.csv", {});
  ASSERT_TRUE(importer.ok()) << importer.status();
  ImportResult result = testing::Drain(importer->get(), 100);
  EXPECT_EQ(result.total_rows_estimate, kSampleRows);
  EXPECT_EQ(result.rows, kSampleRows);
  EXPECT_TRUE(result.rejections.empty());
  int orders = 0, customers = 0;
  int64_t lines = 0;
  std::set<std::string> ids;
  for (const Event& e : result.events) {
    ids.insert(e.event_id());
    EXPECT_EQ(e.origin().source_name(), "online_retail_sample.csv");
    if (e.has_order()) {
      ++orders;
      lines += e.order().lines_size();
    } else {
      ++customers;
      EXPECT_TRUE(e.has_customer_upsert());
    }
  }
  EXPECT_EQ(orders, kSampleInvoices);
  EXPECT_EQ(customers, kSampleCustomerCountryPairs);
  EXPECT_EQ(lines, kSampleRows);
  EXPECT_EQ(ids.size(), result.events.size());
}

// Issue 12, defect 7: ingest accepts the events of one row together or not at all, within one
// request; so a customer upsert never ends a batch whose next batch starts with its order.
TEST(OnlineRetailImporterTest, ACustomerUpsertTravelsInTheBatchOfItsOrder) {
  for (size_t max_events : {2, 3, 7, 100}) {
    absl::StatusOr<std::unique_ptr<Importer>> importer = OpenImporter(
        ImportFormat::kOnlineRetail, CLT_TEST_DATA_DIR "/online_retail_sample.csv", {});
    ASSERT_TRUE(importer.ok()) << importer.status();
    ImportBatch batch;
    int64_t rows = 0;
    while (true) {
      absl::StatusOr<bool> more = (*importer)->Next(max_events, &batch);
      ASSERT_TRUE(more.ok()) << more.status();
      rows += batch.rows;
      if (!batch.events.empty()) {
        EXPECT_LE(batch.events.size(), max_events);
        EXPECT_FALSE(batch.events.back().has_customer_upsert())
            << "max_events " << max_events << ": the batch ends with customer "
            << batch.events.back().source().id() << " whose order goes in the next batch";
      }
      if (!*more) break;
    }
    EXPECT_EQ(rows, kSampleRows);
  }
}

// Issue 12, defect 4: a stray quote in row 10 of Online Retail merged 101 physical lines (up to
// the quoted description of row 110) into one rejected row, so 100 rows went missing and the
// row numbers of everything after it were off by 100. It now costs row 10 alone.
TEST(OnlineRetailImporterTest, StrayQuoteInTheCommittedSampleCostsExactlyOneRow) {
  std::ifstream file(CLT_TEST_DATA_DIR "/online_retail_sample.csv", std::ios::binary);
  std::stringstream buffer;
  buffer << file.rdbuf();
  const std::string clean = buffer.str();
  std::string damaged = clean;
  const std::string row10 = "536367,84879,ASSORTED COLOUR BIRD ORNAMENT,";
  ASSERT_EQ(damaged.find(row10), damaged.find("\n536367,") + 1);
  damaged.insert(damaged.find(row10) + std::string("536367,84879,").size(), "\"");

  ImportResult before = ImportContents(ImportFormat::kOnlineRetail, clean, {}, 100);
  ImportResult after = ImportContents(ImportFormat::kOnlineRetail, damaged, {}, 100);
  EXPECT_EQ(after.total_rows_estimate, kSampleRows);
  EXPECT_EQ(after.rows, kSampleRows);
  ASSERT_EQ(after.rejections.size(), 1u);
  const ingest::v1::ClientRejection& rejection = after.rejections[0];
  EXPECT_EQ(rejection.row(), 10);
  EXPECT_EQ(rejection.field(), "Description");
  EXPECT_THAT(rejection.reason(), HasSubstr("quote"));
  EXPECT_EQ(rejection.raw(),
            "536367,84879,\"ASSORTED COLOUR BIRD ORNAMENT,32,2010-12-01 08:34:00,1.69,13047.0,"
            "United Kingdom");
  // Every other row is where it was, with its number.
  std::vector<int64_t> rows_before, rows_after;
  for (const Event& e : before.events) {
    for (int64_t row : SourceRows(e)) {
      if (row != 10) rows_before.push_back(row);
    }
  }
  for (const Event& e : after.events) {
    for (int64_t row : SourceRows(e)) rows_after.push_back(row);
  }
  EXPECT_EQ(rows_after, rows_before);
  EXPECT_EQ(static_cast<int64_t>(rows_after.size()), kSampleRows - 1);
}

TEST(OnlineRetailImporterTest, RowNumbersFollowPhysicalLines) {
  // Row 2's description spans two lines, so row 3 starts on the file's line 5 and is row 4.
  ImportResult result = ImportRetail(
      "536365,A,ONE,1,2010-12-01 08:26:00,1.0,17850.0,United Kingdom\n"
      "536365,B,\"TWO\nLINES\",1,2010-12-01 08:26:00,1.0,17850.0,United Kingdom\n"
      "536365,C,THREE,x,2010-12-01 08:26:00,1.0,17850.0,United Kingdom\n");
  EXPECT_EQ(result.rows, 3);
  ASSERT_EQ(result.rejections.size(), 1u);
  EXPECT_EQ(result.rejections[0].row(), 4);
  EXPECT_EQ(result.rejections[0].field(), "Quantity");
  ASSERT_EQ(result.events.size(), 2u);
  EXPECT_THAT(SourceRows(result.events[1]), ElementsAre(1, 2));
  EXPECT_EQ(result.events[1].order().lines(1).description(), "TWO\nLINES");
}

TEST(OnlineRetailImporterTest, CommittedSampleKeepsItsInterestingRows) {
  absl::StatusOr<std::unique_ptr<Importer>> importer =
      OpenImporter(ImportFormat::kOnlineRetail, CLT_TEST_DATA_DIR "/online_retail_sample.csv", {});
  ASSERT_TRUE(importer.ok()) << importer.status();
  ImportResult result = testing::Drain(importer->get());

  const Event* split = FindEvent(result, "online_retail/order/542806");
  ASSERT_NE(split, nullptr);
  EXPECT_EQ(split->order().lines_size(), 39);
  std::vector<int64_t> rows = SourceRows(*split);
  EXPECT_TRUE(std::is_sorted(rows.begin(), rows.end()));
  EXPECT_EQ(rows.back() - rows.front(), 40);  // C542805's two rows sit in between.

  const Event* cancellation = FindEvent(result, "online_retail/order/C544827");
  ASSERT_NE(cancellation, nullptr);
  EXPECT_TRUE(cancellation->order().cancellation());
  EXPECT_EQ(cancellation->order().customer().id(), "17147");

  const Event* bad_debt = FindEvent(result, "online_retail/order/A563186");
  ASSERT_NE(bad_debt, nullptr);
  EXPECT_EQ(bad_debt->order().lines(0).unit_price().minor_units(), -1106206);
  EXPECT_FALSE(bad_debt->order().has_customer());

  const Event* bank = FindEvent(result, "online_retail/order/568375");
  ASSERT_NE(bank, nullptr);
  EXPECT_EQ(bank->order().lines(1).unit_price().minor_units(), 1);
  EXPECT_EQ(bank->order().lines(1).unit_price().extra_decimals(), 1u);

  const Event* quoted = FindEvent(result, "online_retail/order/546852");
  ASSERT_NE(quoted, nullptr);
  EXPECT_EQ(quoted->order().lines(0).description(), "RECORD FRAME 7\" SINGLE SIZE ");

  const Event* adjustment = FindEvent(result, "online_retail/order/544832");
  ASSERT_NE(adjustment, nullptr);
  EXPECT_EQ(adjustment->order().lines(0).quantity(), -88);
  EXPECT_FALSE(adjustment->order().cancellation());

  EXPECT_NE(FindEvent(result, "online_retail/customer/12431/Australia"), nullptr);
  EXPECT_NE(FindEvent(result, "online_retail/customer/12431/Belgium"), nullptr);
}

TEST(OnlineRetailImporterTest, EventsAreDeterministic) {
  auto import = [] {
    absl::StatusOr<std::unique_ptr<Importer>> importer = OpenImporter(
        ImportFormat::kOnlineRetail, CLT_TEST_DATA_DIR "/online_retail_sample.csv", {});
    EXPECT_TRUE(importer.ok()) << importer.status();
    return testing::Drain(importer->get(), 37);
  };
  ImportResult first = import();
  ImportResult second = import();
  ASSERT_EQ(first.events.size(), second.events.size());
  for (size_t i = 0; i < first.events.size(); ++i) {
    EXPECT_EQ(first.events[i].SerializeAsString(), second.events[i].SerializeAsString()) << i;
  }
}

}  // namespace
}  // namespace clientele::ingest
