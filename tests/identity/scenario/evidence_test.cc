#include "identity/scenario/evidence.h"

#include <numeric>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "gtest/gtest.h"
#include "identity/scenario/scenario.h"
#include "tests/identity/scenario/scenario_test_util.h"

namespace clientele::identity::scenario {
namespace {

using common::v1::CustomerUpsert;
using testing::Generate;
using testing::KeyOf;
using testing::ParseEvents;
using testing::RecordOwners;

Person Someone() {
  Person p;
  p.given_name = "Ayşe";
  p.family_name = "Yılmaz";
  p.email = "ayse.yilmaz84@gmail.com";
  p.mobile = "+905321234567";
  p.landline = "+902161234567";
  p.family_email = "yilmazailesi@gmail.com";
  p.loyalty_id = "123456789012";
  p.street_line = "Moda Mahallesi Şair Nedim Sokak No: 12";
  return p;
}

TEST(EvidenceTest, TokensIgnoreEmailCaseTagsAndPhoneFormats) {
  const Person p = Someone();
  CustomerUpsert a, b;
  a.set_email("Ayse.Yilmaz84+shop@Gmail.com");
  a.set_phone("0532 123 45 67");
  b.set_email("ayse.yilmaz84@gmail.com");
  b.set_phone("+90 532 123 45 67");
  EXPECT_EQ(EvidenceTokens(p, a), EvidenceTokens(p, b));
  // A name alone is no evidence; with a birth date or an address line it is.
  CustomerUpsert named;
  named.set_full_name("Ayşe Yılmaz");
  EXPECT_TRUE(EvidenceTokens(p, named).empty());
  named.mutable_address()->add_lines("Moda Mah. Şair Nedim Sk. No: 12");
  EXPECT_EQ(EvidenceTokens(p, named).size(), 1u);
}

TEST(EvidenceTest, ConnectCopiesTheOwnIdentifierIntoAnEmptyField) {
  const Person p = Someone();
  CustomerUpsert web, pos;
  web.set_email("ayse.yilmaz84@gmail.com");
  web.set_given_name("Ayşe");
  web.set_family_name("Yılmaz");
  pos.set_phone("0216 123 45 67");  // The household's landline: shared, not the person's.
  pos.set_full_name("AYSE YILMAZ");
  std::vector<std::string> shared;
  EXPECT_EQ(ConnectRecords(p, {&web, &pos}, &shared), 1);
  EXPECT_EQ(pos.email(), "ayse.yilmaz84@gmail.com");
  EXPECT_EQ(pos.phone(), "0216 123 45 67");  // Kept.
  EXPECT_TRUE(shared.empty());
  // Connected records are left alone.
  EXPECT_EQ(ConnectRecords(p, {&web, &pos}, &shared), 0);
}

TEST(EvidenceTest, ConnectNeverReplacesARelayAddressAndCountsSharedCopies) {
  const Person p = Someone();
  CustomerUpsert app, market;
  app.set_phone("+902161234567");  // Only the household landline to copy.
  market.set_email("5551234567@relay.marketplace.example");
  std::vector<std::string> shared;
  EXPECT_EQ(ConnectRecords(p, {&app, &market}, &shared), 1);
  EXPECT_EQ(market.email(), "5551234567@relay.marketplace.example");
  EXPECT_EQ(market.phone(), "+902161234567");
  EXPECT_EQ(shared, std::vector<std::string>{p.landline});
}

// Independent of EvidenceTokens: the records of each person, joined when they share an
// e-mail (case and tag aside), a phone (last 10 digits), a loyalty id, or a name with the
// same birth date or with an address line.
std::vector<std::string> Evidence(const CustomerUpsert& u) {
  std::vector<std::string> t;
  std::string email;
  bool tag = false, domain = false;
  for (char c : u.email()) {
    domain = domain || c == '@';
    tag = !domain && (tag || c == '+');
    if (!tag) email.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  if (!email.empty()) t.push_back("e" + email);
  std::string digits;
  for (char c : u.phone()) {
    if (std::isdigit(static_cast<unsigned char>(c))) digits.push_back(c);
  }
  if (digits.size() > 10) digits = digits.substr(digits.size() - 10);
  if (!digits.empty()) t.push_back("p" + digits);
  if (!u.loyalty_id().empty()) t.push_back("l" + u.loyalty_id());
  const bool named = !u.full_name().empty() || !u.given_name().empty();
  if (named && u.has_birth_date()) {
    t.push_back("b" + std::to_string(u.birth_date().year() * 10000 + u.birth_date().month() * 100 +
                                     u.birth_date().day()));
  }
  if (named && u.address().lines_size() > 0) t.push_back("a");
  return t;
}

// People whose records do not all connect.
int64_t Disconnected(const testing::Generated& g) {
  const auto owners = RecordOwners(g.records);
  absl::flat_hash_map<int64_t, std::vector<std::vector<std::string>>> by_person;
  for (const auto& e : ParseEvents(g.events)) {
    if (e.has_customer_upsert()) {
      by_person[owners.at(KeyOf(e.source())).first].push_back(Evidence(e.customer_upsert()));
    }
  }
  int64_t disconnected = 0;
  for (const auto& [person, records] : by_person) {
    const size_t n = records.size();
    std::vector<size_t> group(n);
    std::iota(group.begin(), group.end(), 0);
    for (bool changed = true; changed;) {
      changed = false;
      for (size_t i = 0; i < n; ++i) {
        for (size_t j = 0; j < n; ++j) {
          if (group[j] >= group[i]) continue;
          for (const std::string& t : records[i]) {
            if (std::find(records[j].begin(), records[j].end(), t) != records[j].end()) {
              group[i] = group[j];
              changed = true;
              break;
            }
          }
        }
      }
    }
    disconnected += std::any_of(group.begin(), group.end(), [](size_t x) { return x != 0; });
  }
  return disconnected;
}

TEST(EvidenceTest, GeneratedRecordsOfAPersonAreConnectedUnlessTheOldBehaviourIsAsked) {
  ScenarioOptions options;
  options.people = 3000;
  options.seed = 5;
  options.threads = 2;
  absl::StatusOr<testing::Generated> connected = Generate(options);
  ASSERT_TRUE(connected.ok());
  EXPECT_EQ(Disconnected(*connected), 0);
  EXPECT_GT(connected->stats.connected_records, 0);

  options.connect_records = false;
  absl::StatusOr<testing::Generated> old = Generate(options);
  ASSERT_TRUE(old.ok());
  EXPECT_GT(Disconnected(*old), 50);  // Several percent of the people.
  EXPECT_EQ(old->stats.connected_records, 0);
  // Same people, records and truth either way; only identifiers were added.
  EXPECT_EQ(old->truth, connected->truth);
  EXPECT_EQ(old->records, connected->records);
  EXPECT_EQ(old->stats.records, connected->stats.records);
  EXPECT_EQ(old->stats.events, connected->stats.events);
}

}  // namespace
}  // namespace clientele::identity::scenario
