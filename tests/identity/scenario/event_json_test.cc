#include "identity/scenario/event_json.h"

#include <string>

#include "clientele/common/v1/event.pb.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "tests/identity/scenario/scenario_test_util.h"

namespace clientele::identity::scenario {
namespace {

using common::v1::Event;

// Writes `event` with AppendMessageJson and parses it back with protobuf's parser.
void ExpectRoundTrip(const Event& event) {
  std::string json;
  AppendMessageJson(event, &json);
  EXPECT_EQ(json.find('\n'), std::string::npos);
  Event parsed;
  const auto status = google::protobuf::util::JsonStringToMessage(json, &parsed);
  ASSERT_TRUE(status.ok()) << status.ToString() << "\n" << json;
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(event, parsed))
      << event.DebugString() << "\n"
      << json;
}

TEST(EventJsonTest, MatchesProtobufsOwnPrinterOnAPlainEvent) {
  Event event;
  event.set_event_id("pos/customer/POS1");
  event.set_channel(common::v1::CHANNEL_STORE_POS);
  event.mutable_source()->set_system("pos");
  event.mutable_source()->set_id("POS1");
  event.mutable_occurred_at()->set_seconds(1293840000);  // 2011-01-01T00:00:00Z
  event.mutable_customer_upsert()->set_given_name("Ayşe");
  event.mutable_customer_upsert()->mutable_address()->add_lines("Moda Mah.");
  std::string ours, theirs;
  AppendMessageJson(event, &ours);
  ASSERT_TRUE(google::protobuf::util::MessageToJsonString(event, &theirs).ok());
  EXPECT_EQ(ours, theirs);
  EXPECT_THAT(ours, ::testing::HasSubstr("\"occurredAt\":\"2011-01-01T00:00:00Z\""));
}

TEST(EventJsonTest, RoundTripsEveryKindOfField) {
  Event event;
  event.set_event_id("x/\"quoted\"\\back\tslash\n\x01");
  event.mutable_occurred_at()->set_seconds(-86400 * 365);
  event.mutable_occurred_at()->set_nanos(123456789);
  event.mutable_origin()->set_row(int64_t{1} << 40);
  common::v1::Order* order = event.mutable_order();
  order->set_order_id("C536379");
  order->set_cancellation(true);
  common::v1::OrderLine* line = order->add_lines();
  line->set_quantity(-12);
  line->mutable_unit_price()->set_minor_units(1);
  line->mutable_unit_price()->set_extra_decimals(1);
  line->set_description("ŞEKER & \"ÇAY\"");
  order->add_lines()->set_sku("85123A");
  ExpectRoundTrip(event);

  Event customer;
  common::v1::CustomerUpsert* c = customer.mutable_customer_upsert();
  (*c->mutable_attributes())["income"].set_int_value(58138);
  (*c->mutable_attributes())["score"].set_double_value(0.25);
  (*c->mutable_attributes())["vip"].set_bool_value(true);
  (*c->mutable_attributes())["since"].mutable_date_value()->set_year(2012);
  c->set_gender(common::v1::GENDER_FEMALE);
  c->mutable_birth_date()->set_year(1984);
  ExpectRoundTrip(customer);

  Event millis;
  millis.mutable_occurred_at()->set_seconds(1);
  millis.mutable_occurred_at()->set_nanos(5000000);
  ExpectRoundTrip(millis);
  Event empty_payload;
  empty_payload.mutable_customer_upsert();
  ExpectRoundTrip(empty_payload);
}

TEST(EventJsonTest, FastEventPathWritesTheSameBytes) {
  Event upsert;
  upsert.set_event_id("web_shop/customer/WS1");
  upsert.set_channel(common::v1::CHANNEL_ONLINE_SHOP);
  upsert.mutable_source()->set_system("web_shop");
  upsert.mutable_source()->set_id("WS1");
  upsert.mutable_occurred_at()->set_seconds(1300000000);
  upsert.mutable_occurred_at()->set_nanos(1000);
  upsert.mutable_origin()->set_source_name("f.jsonl");
  upsert.mutable_origin()->set_row(12);
  common::v1::CustomerUpsert* c = upsert.mutable_customer_upsert();
  c->set_email("a\"b@x.com");
  c->set_full_name("İpek Işık");
  c->mutable_birth_date()->set_year(1980);             // Month and day unknown (0).
  c->set_gender(static_cast<common::v1::Gender>(42));  // Unknown enum value.
  c->mutable_address()->set_country_code("TR");
  c->mutable_address()->add_lines("a");
  c->mutable_address()->add_lines("b\n");
  Event consent;
  consent.mutable_consent_change()->set_purpose(common::v1::CONSENT_PURPOSE_PROFILING);
  consent.mutable_consent_change()->set_evidence("x");
  Event empty_upsert;
  empty_upsert.mutable_customer_upsert();
  Event with_attributes;
  (*with_attributes.mutable_customer_upsert()->mutable_attributes())["k"].set_bool_value(true);
  Event order;
  order.mutable_order()->set_order_id("1");
  for (const Event* e : {&upsert, &consent, &empty_upsert, &with_attributes, &order}) {
    std::string fast, reflective;
    AppendEventJson(*e, &fast);
    AppendMessageJson(*e, &reflective);
    EXPECT_EQ(fast, reflective);
  }
  std::string theirs, ours;
  ASSERT_TRUE(google::protobuf::util::MessageToJsonString(consent, &theirs).ok());
  AppendEventJson(consent, &ours);
  EXPECT_EQ(ours, theirs);
}

TEST(EventJsonTest, RoundTripsAGeneratedScenario) {
  ScenarioOptions options;
  options.people = 300;
  options.seed = 4;
  absl::StatusOr<testing::Generated> g = testing::Generate(options);
  ASSERT_TRUE(g.ok());
  const std::vector<std::string> lines = testing::Lines(g->events);
  ASSERT_GT(lines.size(), 300u);
  for (const std::string& line : lines) {
    Event event;
    ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(line, &event).ok()) << line;
    std::string again;
    AppendMessageJson(event, &again);
    EXPECT_EQ(again, line);
    std::string theirs;
    ASSERT_TRUE(google::protobuf::util::MessageToJsonString(event, &theirs).ok());
    EXPECT_EQ(again, theirs);
  }
}

}  // namespace
}  // namespace clientele::identity::scenario
