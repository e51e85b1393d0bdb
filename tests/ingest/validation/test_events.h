// Valid base events of every payload type for the validation tests, and helpers to print
// rejections. Each base event passes ValidateEvent(event, kNow) with default limits; the tests
// apply one mutation and check the exact field path and code.
#ifndef CLIENTELE_TESTS_INGEST_VALIDATION_TEST_EVENTS_H_
#define CLIENTELE_TESTS_INGEST_VALIDATION_TEST_EVENTS_H_

#include <functional>
#include <optional>
#include <ostream>
#include <string>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "clientele/common/v1/event.pb.h"
#include "gtest/gtest.h"
#include "ingest/validation/event_validator.h"

namespace clientele::ingest {

// gtest prints rejections readably (found by ADL).
inline void PrintTo(const Rejection& r, std::ostream* os) {
  *os << "{field: \"" << r.field << "\", code: \"" << r.code << "\", reason: \"" << r.reason
      << "\"}";
}

namespace testing_events {

using common::v1::Event;

// 2026-01-15T12:00:00Z.
inline const absl::Time kNow =
    absl::FromCivil(absl::CivilSecond(2026, 1, 15, 12, 0, 0), absl::UTCTimeZone());

inline void SetTime(Event& event, absl::Time t) {
  const absl::Duration since_epoch = t - absl::UnixEpoch();
  const int64_t seconds = absl::ToInt64Seconds(since_epoch);
  event.mutable_occurred_at()->set_seconds(seconds);
  event.mutable_occurred_at()->set_nanos(
      static_cast<int32_t>(absl::ToInt64Nanoseconds(since_epoch - absl::Seconds(seconds))));
}

inline void SetMoney(common::v1::Money* money, int64_t minor, const std::string& currency,
                     uint32_t extra_decimals = 0) {
  money->set_minor_units(minor);
  money->set_currency_code(currency);
  money->set_extra_decimals(extra_decimals);
}

inline Event BaseEvent(const std::string& system, const std::string& id) {
  Event event;
  event.set_event_id("evt-2026-01-15-0001");
  event.set_channel(common::v1::CHANNEL_ONLINE_SHOP);
  event.mutable_source()->set_system(system);
  event.mutable_source()->set_id(id);
  SetTime(event, kNow - absl::Hours(1));
  return event;
}

// An order of three TRY lines (one of them a return) by a known customer.
inline Event ValidOrderEvent() {
  Event event = BaseEvent("web_shop", "ORD-1001");
  common::v1::Order* order = event.mutable_order();
  order->set_order_id("ORD-1001");
  order->mutable_customer()->set_system("web_shop");
  order->mutable_customer()->set_id("C-42");
  order->set_store_id("ist-01");
  order->set_country("Türkiye");
  struct Line {
    const char* sku;
    const char* description;
    int64_t quantity;
    int64_t minor;
    uint32_t extra_decimals;
  };
  for (const Line& l :
       {Line{"SKU-1", "Kırmızı kupa", 2, 12550, 0}, Line{"SKU-2", "Çay bardağı, 6'lı", 1, 4999, 0},
        Line{"SKU-3", "İade: şeker", -1, 125001, 1}}) {
    common::v1::OrderLine* line = order->add_lines();
    line->set_sku(l.sku);
    line->set_description(l.description);
    line->set_quantity(l.quantity);
    SetMoney(line->mutable_unit_price(), l.minor, "TRY", l.extra_decimals);
    line->set_category("Mutfak");
  }
  return event;
}

inline Event ValidCustomerUpsertEvent() {
  Event event = BaseEvent("crm", "C-42");
  common::v1::CustomerUpsert* c = event.mutable_customer_upsert();
  c->set_email("sukru@example.com.tr");
  c->set_phone("+90 (532) 123-45.67");
  c->set_loyalty_id("L-000042");
  c->set_national_id_hash("9f86d081884c7d659a2feaa0c55ad015");
  c->set_given_name("Şükrü");
  c->set_family_name("İğdır");
  c->set_full_name("Şükrü İğdır");
  c->mutable_birth_date()->set_year(1985);
  c->mutable_birth_date()->set_month(2);
  c->mutable_birth_date()->set_day(28);
  c->set_gender(common::v1::GENDER_MALE);
  c->mutable_address()->add_lines("Atatürk Cd. No:5");
  c->mutable_address()->add_lines("Daire 3");
  c->mutable_address()->set_district("Kadıköy");
  c->mutable_address()->set_city("İstanbul");
  c->mutable_address()->set_postal_code("34710");
  c->mutable_address()->set_country("Türkiye");
  c->mutable_address()->set_country_code("TR");
  auto& attributes = *c->mutable_attributes();
  SetMoney(attributes["income"].mutable_money_value(), 4'500'000, "TRY");
  attributes["segment"].set_string_value("altın\tüye");
  attributes["vip"].set_bool_value(true);
  attributes["visits"].set_int_value(17);
  attributes["score"].set_double_value(0.75);
  attributes["signup_day"].mutable_date_value()->set_year(2020);
  attributes["signup_day"].mutable_date_value()->set_month(2);
  attributes["signup_day"].mutable_date_value()->set_day(29);
  attributes["last_seen"].mutable_time_value()->set_seconds(1'700'000'000);
  return event;
}

inline Event ValidConsentChangeEvent() {
  Event event = BaseEvent("crm", "C-42");
  event.set_channel(common::v1::CHANNEL_CALL_CENTER);
  common::v1::ConsentChange* consent = event.mutable_consent_change();
  consent->set_purpose(common::v1::CONSENT_PURPOSE_MARKETING_EMAIL);
  consent->set_status(common::v1::CONSENT_STATUS_GRANTED);
  consent->set_evidence("call-recording-8812");
  return event;
}

inline Event ValidProductUpsertEvent() {
  Event event = BaseEvent("web_shop", "SKU-1");
  common::v1::ProductUpsert* product = event.mutable_product_upsert();
  product->set_sku("SKU-1");
  product->set_name("Kırmızı kupa");
  product->set_description("Porselen, 300 ml.\nBulaşık makinesinde yıkanabilir.");
  product->set_category("Mutfak");
  SetMoney(product->mutable_price(), 12550, "TRY");
  return event;
}

inline Event ValidInteractionEvent() {
  Event event = BaseEvent("web_shop", "C-42");
  event.set_channel(common::v1::CHANNEL_MOBILE_APP);
  common::v1::Interaction* interaction = event.mutable_interaction();
  interaction->set_type(common::v1::INTERACTION_TYPE_ADD_TO_CART);
  interaction->set_sku("SKU-1");
  interaction->set_session_id("sess-77f1");
  return event;
}

// One row of a table-driven mutation test: `mutate` turns a valid base event into one that is
// rejected on exactly `field` with `code`.
struct Mutation {
  std::string name;  // A gtest-safe name: [A-Za-z0-9_].
  std::function<void(Event&)> mutate;
  std::string field;
  std::string code;
};

inline std::string MutationName(const ::testing::TestParamInfo<Mutation>& info) {
  return info.param.name;
}

// Applies `m` to `base` (which must be valid) and checks the rejection.
inline void ExpectRejected(Event base, const Mutation& m) {
  ASSERT_EQ(ValidateEvent(base, kNow), std::nullopt) << "base event must be valid";
  m.mutate(base);
  const std::optional<Rejection> rejection = ValidateEvent(base, kNow);
  ASSERT_TRUE(rejection.has_value()) << "mutation was accepted";
  EXPECT_EQ(rejection->field, m.field) << rejection->reason;
  EXPECT_EQ(rejection->code, m.code) << rejection->reason;
  // Reasons name the field they are about.
  EXPECT_EQ(rejection->reason.rfind(rejection->field, 0), 0u) << rejection->reason;
}

}  // namespace testing_events
}  // namespace clientele::ingest

#endif  // CLIENTELE_TESTS_INGEST_VALIDATION_TEST_EVENTS_H_
