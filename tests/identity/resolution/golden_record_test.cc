// Golden record: survivorship rules per attribute and lineage.
#include "identity/resolution/golden_record.h"

#include "common/testing/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/identity/resolution/resolver_test_util.h"

namespace clientele::identity::testing {
namespace {

using ::clientele::testing::IsOk;

resolution::StoredRecord Record(const std::string& system, const std::string& id,
                                common::v1::Channel channel, int64_t at) {
  resolution::StoredRecord r;
  r.mutable_source()->set_system(system);
  r.mutable_source()->set_id(id);
  r.set_channel(channel);
  r.mutable_first_seen_at()->set_seconds(at);
  r.mutable_last_upsert_at()->set_seconds(at);
  return r;
}

const v1::AttributeLineage* LineageOf(const v1::GoldenRecord& g, const std::string& attribute) {
  for (const auto& l : g.lineage()) {
    if (l.attribute() == attribute) return &l;
  }
  return nullptr;
}

TEST(GoldenRecordTest, EachRuleChoosesItsValueAndRecordsLineage) {
  auto web = Record("web_shop", "1", common::v1::CHANNEL_ONLINE_SHOP, kT0);
  web.mutable_raw()->set_email("old@example.com");
  web.mutable_raw()->set_phone("+905320000001");
  web.mutable_raw()->set_given_name("Ayse");
  web.mutable_raw()->set_full_name("Ayse Yilmaz");
  web.mutable_raw()->mutable_address()->add_lines("Bağdat Cd. 5");
  auto pos = Record("pos", "2", common::v1::CHANNEL_STORE_POS, kT0 + 100);
  pos.mutable_raw()->set_email("new@example.com");
  pos.mutable_raw()->set_phone("+905320000002");
  pos.mutable_raw()->set_given_name("Ayşe");
  pos.mutable_raw()->set_full_name("Ayşe Nur Yılmaz");
  auto app = Record("mobile_app", "3", common::v1::CHANNEL_MOBILE_APP, kT0 + 200);
  app.mutable_raw()->set_given_name("Ayşe");
  app.mutable_raw()->mutable_address()->add_lines("Bağdat Cd. 5");
  app.mutable_raw()->mutable_address()->set_city("İstanbul");
  app.mutable_raw()->mutable_address()->set_postal_code("34740");
  (*app.mutable_raw()->mutable_attributes())["segment"].set_string_value("gold");
  // The e-mail of the web record was re-sent later than the pos record's.
  (*web.mutable_field_set_micros())["email"] = (kT0 + 300) * 1000000;

  SurvivorshipConfig config = DefaultSurvivorship();
  config.rules["phone"] = SurvivorshipRule::kMostTrustedChannel;
  const v1::GoldenRecord g = BuildGoldenRecord({&web, &pos, &app}, config);

  EXPECT_EQ(g.record().email(), "old@example.com");  // most_recent by field time
  EXPECT_EQ(LineageOf(g, "email")->source().system(), "web_shop");
  EXPECT_EQ(LineageOf(g, "email")->observed_at().seconds(), kT0 + 300);
  EXPECT_EQ(LineageOf(g, "email")->rule(), "most_recent");
  EXPECT_EQ(g.record().phone(), "+905320000002");  // most_trusted_channel: POS
  EXPECT_EQ(LineageOf(g, "phone")->channel(), common::v1::CHANNEL_STORE_POS);
  EXPECT_EQ(g.record().given_name(), "Ayşe");  // most_frequent (2 of 3)
  EXPECT_EQ(LineageOf(g, "given_name")->rule(), "most_frequent");
  EXPECT_EQ(g.record().full_name(), "Ayşe Nur Yılmaz");  // most_complete
  EXPECT_EQ(g.record().address().city(), "İstanbul");    // most_complete: most parts
  EXPECT_EQ(LineageOf(g, "address")->source().id(), "3");
  EXPECT_EQ(g.record().attributes().at("segment").string_value(), "gold");
  EXPECT_EQ(LineageOf(g, "attributes.segment")->rule(), "most_recent");
  EXPECT_EQ(LineageOf(g, "birth_date"), nullptr);  // Nobody knows it.
}

TEST(GoldenRecordTest, RulesParseByName) {
  EXPECT_THAT(ParseSurvivorshipRule("most_complete"), IsOk());
  EXPECT_FALSE(ParseSurvivorshipRule("loudest").ok());
}

TEST(GoldenRecordTest, ResolverProfileCarriesGoldenRecordOfItsMembers) {
  ResolverHarness h;
  const Person a{"ayse.yilmaz@example.com", "", "Ayşe", "Yılmaz", 1990, 1, 1};
  Person b = a;
  b.phone = "0532 111 22 33";
  h.Apply({Upsert("web_shop", "1", a, kT0),
           Upsert("pos", "2", b, kT0 + 50, common::v1::CHANNEL_STORE_POS)});
  v1::ProfileLookup lookup;
  lookup.set_email("ayse.yilmaz@example.com");
  auto p = h.resolver().GetProfile(lookup);
  ASSERT_THAT(p, IsOk());
  EXPECT_EQ(p->profile().members_size(), 2);
  EXPECT_EQ(p->profile().golden().record().phone(), "0532 111 22 33");
  EXPECT_EQ(LineageOf(p->profile().golden(), "phone")->source().system(), "pos");
  EXPECT_EQ(p->profile().golden().record().birth_date().year(), 1990);
}

}  // namespace
}  // namespace clientele::identity::testing
