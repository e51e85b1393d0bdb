#include "analytics/analytics_applier.h"

#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/analytics/analytics_test_util.h"

namespace clientele::analytics {
namespace {

using ::clientele::testing::IsOk;
using testing::Key;
using testing::OrderEntry;
using testing::UpsertEntry;

const absl::Time kDay1 = absl::FromUnixSeconds(1700000000);
const absl::Time kDay2 = kDay1 + absl::Hours(24);

class AnalyticsApplierTest : public ::testing::Test {
 protected:
  AnalyticsApplierTest()
      : kv_(testing::OpenAnalyticsKv(dir_.Sub("db"))), store_(kv_.get()), applier_(&store_) {}

  CustomerOrderAggregate Stored(const std::string& customer) {
    auto got = store_.GetAggregate(Key(customer));
    EXPECT_THAT(got, IsOk());
    EXPECT_TRUE(got->has_value()) << customer;
    return got->value_or(CustomerOrderAggregate());
  }

  ::clientele::testing::TempDir dir_;
  std::unique_ptr<storage::KvStore> kv_;
  AnalyticsStore store_;
  AnalyticsApplier applier_;
};

TEST_F(AnalyticsApplierTest, AsksForOrdersAndCustomerUpsertsOnly) {
  EXPECT_THAT(applier_.PayloadTypes(),
              ::testing::UnorderedElementsAre(common::v1::PAYLOAD_TYPE_ORDER,
                                              common::v1::PAYLOAD_TYPE_CUSTOMER_UPSERT));
}

TEST_F(AnalyticsApplierTest, OrdersOfOneCustomerInOneBatchAllCount) {
  ASSERT_THAT(testing::ApplyAndCommit(applier_, *kv_,
                                      {OrderEntry(1, "c1", "o1", kDay1, {{2, 150}}),
                                       OrderEntry(2, "c1", "o2", kDay2, {{1, 1000}}),
                                       OrderEntry(3, "c2", "o3", kDay1, {{1, 99}})}),
              IsOk());
  const CustomerOrderAggregate c1 = Stored("c1");
  EXPECT_EQ(c1.totals(RfmConvention::kNotebook).orders, 2);
  EXPECT_EQ(c1.gross_revenue(), 1300);
  EXPECT_EQ(c1.totals(RfmConvention::kNotebook).last_purchase, kDay2);
  EXPECT_EQ(Stored("c2").gross_revenue(), 99);
}

TEST_F(AnalyticsApplierTest, ARetryAfterAFailedWriteDoesNotDoubleCount) {
  ASSERT_THAT(
      testing::ApplyAndCommit(applier_, *kv_, {OrderEntry(1, "c1", "o1", kDay1, {{1, 100}})}),
      IsOk());
  const ingest::v1::LogEntry second = OrderEntry(2, "c1", "o2", kDay2, {{1, 200}});
  const ingest::v1::LogEntry* entries[] = {&second};
  // First attempt: the consumer's write fails, so the batch is dropped.
  auto dropped = kv_->NewWriteBatch();
  ASSERT_THAT(applier_.Apply(0, entries, *dropped), IsOk());
  EXPECT_GT(dropped->Count(), 0);
  // The retry applies the same entry against the unchanged store.
  auto batch = kv_->NewWriteBatch();
  ASSERT_THAT(applier_.Apply(0, entries, *batch), IsOk());
  ASSERT_THAT(kv_->Write(*batch), IsOk());
  const CustomerOrderAggregate c1 = Stored("c1");
  EXPECT_EQ(c1.totals(RfmConvention::kNotebook).orders, 2);
  EXPECT_EQ(c1.gross_revenue(), 300);
}

TEST_F(AnalyticsApplierTest, GuestOrdersAreIgnoredAndBadOrdersSkipped) {
  ASSERT_THAT(
      testing::ApplyAndCommit(applier_, *kv_,
                              {OrderEntry(1, "", "guest", kDay1, {{1, 100}}),
                               OrderEntry(2, "c1", "o1", kDay1, {{1, 100}}),
                               // A second currency for the same customer: refused by the aggregate.
                               OrderEntry(3, "c1", "o2", kDay2, {{1, 100}}, false, "EUR"),
                               OrderEntry(4, "c1", "o3", kDay2, {{1, 50}})}),
      IsOk());
  EXPECT_EQ(applier_.skipped_orders(), 1);
  const CustomerOrderAggregate c1 = Stored("c1");
  EXPECT_EQ(c1.totals(RfmConvention::kNotebook).orders, 2);
  EXPECT_EQ(c1.gross_revenue(), 150);
  int count = 0;
  ASSERT_THAT(
      store_.ForEachAggregate([&](const common::v1::SourceKey&, const CustomerOrderAggregate&) {
        ++count;
        return absl::OkStatus();
      }),
      IsOk());
  EXPECT_EQ(count, 1);
}

TEST_F(AnalyticsApplierTest, UpsertsMergeAttributesAndDropContactFields) {
  common::v1::CustomerUpsert first;
  first.set_email("a@example.com");
  first.set_given_name("Ayşe");
  first.mutable_address()->add_lines("Street 1");
  first.mutable_address()->set_city("Izmir");
  (*first.mutable_attributes())["income"].set_int_value(100);
  (*first.mutable_attributes())["education"].set_string_value("PhD");
  common::v1::CustomerUpsert second;
  (*second.mutable_attributes())["income"].set_int_value(200);
  second.set_gender(common::v1::GENDER_FEMALE);
  ASSERT_THAT(testing::ApplyAndCommit(applier_, *kv_, {UpsertEntry(1, "c1", first)}), IsOk());
  ASSERT_THAT(testing::ApplyAndCommit(applier_, *kv_, {UpsertEntry(2, "c1", second)}), IsOk());
  auto stored = store_.GetAttributes(Key("c1"));
  ASSERT_TRUE(stored.ok() && stored->has_value());
  const common::v1::CustomerUpsert& a = **stored;
  EXPECT_EQ(a.attributes().at("income").int_value(), 200);
  EXPECT_EQ(a.attributes().at("education").string_value(), "PhD");
  EXPECT_EQ(a.gender(), common::v1::GENDER_FEMALE);
  EXPECT_EQ(a.address().city(), "Izmir");
  EXPECT_TRUE(a.email().empty());
  EXPECT_TRUE(a.given_name().empty());
  EXPECT_EQ(a.address().lines_size(), 0);
}

}  // namespace
}  // namespace clientele::analytics
