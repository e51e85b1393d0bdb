// Builders of valid events for tests.
#ifndef CLIENTELE_COMMON_TESTING_TEST_EVENTS_H_
#define CLIENTELE_COMMON_TESTING_TEST_EVENTS_H_

#include <string>

#include "clientele/common/v1/event.pb.h"

namespace clientele::testing {

inline void SetTime(int64_t seconds, google::protobuf::Timestamp* ts) { ts->set_seconds(seconds); }

// 2024-01-01T00:00:00Z plus `offset` seconds.
inline constexpr int64_t kBaseTime = 1704067200;

inline common::v1::Event CustomerEvent(const std::string& event_id, const std::string& customer_id,
                                       const std::string& email = "ayse@example.com") {
  common::v1::Event e;
  e.set_event_id(event_id);
  e.set_channel(common::v1::CHANNEL_ONLINE_SHOP);
  e.mutable_source()->set_system("web_shop");
  e.mutable_source()->set_id(customer_id);
  SetTime(kBaseTime, e.mutable_occurred_at());
  auto* c = e.mutable_customer_upsert();
  c->set_email(email);
  c->set_given_name("Ayşe");
  c->set_family_name("Yılmaz");
  return e;
}

inline common::v1::Event OrderEvent(const std::string& event_id, const std::string& order_id,
                                    const std::string& customer_id, int lines = 2) {
  common::v1::Event e;
  e.set_event_id(event_id);
  e.set_channel(common::v1::CHANNEL_STORE_POS);
  e.mutable_source()->set_system("pos");
  e.mutable_source()->set_id(order_id);
  SetTime(kBaseTime + 60, e.mutable_occurred_at());
  auto* o = e.mutable_order();
  o->set_order_id(order_id);
  if (!customer_id.empty()) {
    o->mutable_customer()->set_system("web_shop");
    o->mutable_customer()->set_id(customer_id);
  }
  for (int i = 0; i < lines; ++i) {
    auto* l = o->add_lines();
    l->set_sku("SKU-" + std::to_string(i));
    l->set_description("Çay bardağı");
    l->set_quantity(i + 1);
    l->mutable_unit_price()->set_minor_units(1250);
    l->mutable_unit_price()->set_currency_code("TRY");
  }
  return e;
}

}  // namespace clientele::testing

#endif  // CLIENTELE_COMMON_TESTING_TEST_EVENTS_H_
