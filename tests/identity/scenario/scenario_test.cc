#include "identity/scenario/scenario.h"

#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "common/testing/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "identity/normalize/email.h"
#include "identity/normalize/phone.h"
#include "identity/scenario/noise.h"
#include "ingest/import/importer.h"
#include "tests/identity/scenario/scenario_test_util.h"

namespace clientele::identity::scenario {
namespace {

using common::v1::Event;
using testing::Generate;
using testing::Generated;
using ::testing::HasSubstr;
using testing::KeyOf;
using testing::Lines;
using testing::ParseEvents;
using testing::RecordOwners;

ScenarioOptions Options(int64_t people, uint64_t seed) {
  ScenarioOptions options;
  options.people = people;
  options.seed = seed;
  options.threads = 2;
  return options;
}

// A scenario shared by the tests that only read it.
const Generated& Shared() {
  static const Generated* generated = [] {
    absl::StatusOr<Generated> g = Generate(Options(4000, 11));
    return g.ok() ? new Generated(*std::move(g)) : new Generated();
  }();
  return *generated;
}

TEST(ScenarioTest, SameSeedGivesSameBytesWhateverTheThreadCount) {
  ScenarioOptions one = Options(3000, 5);
  one.threads = 1;
  ScenarioOptions three = Options(3000, 5);
  three.threads = 3;
  absl::StatusOr<Generated> a = Generate(one);
  absl::StatusOr<Generated> b = Generate(three);
  absl::StatusOr<Generated> c = Generate(three);
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  EXPECT_FALSE(a->events.empty());
  EXPECT_TRUE(a->events == b->events);
  EXPECT_TRUE(a->truth == b->truth);
  EXPECT_TRUE(a->records == b->records);
  EXPECT_TRUE(b->events == c->events);
}

TEST(ScenarioTest, DifferentSeedGivesDifferentOutput) {
  absl::StatusOr<Generated> a = Generate(Options(500, 1));
  absl::StatusOr<Generated> b = Generate(Options(500, 2));
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(a->events, b->events);
  EXPECT_NE(a->truth, b->truth);
}

TEST(ScenarioTest, CountsMatchTheOutputs) {
  const Generated& g = Shared();
  const ScenarioStats& s = g.stats;
  EXPECT_EQ(s.people, 4000);
  std::vector<Event> events = ParseEvents(g.events);
  EXPECT_EQ(static_cast<int64_t>(events.size()), s.events);
  int64_t upserts = 0, consents = 0;
  for (const Event& e : events) {
    upserts += e.has_customer_upsert();
    consents += e.has_consent_change();
  }
  EXPECT_EQ(upserts, s.records);
  EXPECT_EQ(upserts, s.customer_upserts);
  EXPECT_EQ(consents, s.consent_changes);
  EXPECT_EQ(s.orders, 0);
  EXPECT_EQ(static_cast<int64_t>(Lines(g.truth).size()), s.pairs);
  EXPECT_EQ(static_cast<int64_t>(Lines(g.records).size()), s.records);
  // 1 + Poisson(1.5), capped at 8: mean about 2.5 records per person.
  const double mean = static_cast<double>(s.records) / s.people;
  EXPECT_NEAR(mean, 2.5, 0.1);
  EXPECT_GT(s.households, 2800);
  EXPECT_LT(s.households, s.people);
}

TEST(ScenarioTest, RecordsPerPersonFollowsTheOption) {
  ScenarioOptions options = Options(2000, 3);
  options.records_per_person = 1;
  absl::StatusOr<Generated> single = Generate(options);
  ASSERT_TRUE(single.ok());
  EXPECT_EQ(single->stats.records, 2000);
  EXPECT_EQ(single->stats.pairs, 0);
  options.records_per_person = 4;
  absl::StatusOr<Generated> many = Generate(options);
  ASSERT_TRUE(many.ok());
  EXPECT_NEAR(static_cast<double>(many->stats.records) / 2000, 4.0, 0.25);
}

TEST(ScenarioTest, SourceKeysAndEventIdsAreUnique) {
  std::set<std::string> event_ids, record_keys;
  for (const Event& e : ParseEvents(Shared().events)) {
    ASSERT_FALSE(e.event_id().empty());
    EXPECT_TRUE(event_ids.insert(e.event_id()).second) << e.event_id();
    EXPECT_LE(e.event_id().size(), 128u);
    if (e.has_customer_upsert()) {
      EXPECT_TRUE(record_keys.insert(KeyOf(e.source())).second) << KeyOf(e.source());
      EXPECT_EQ(e.event_id(), e.source().system() + "/customer/" + e.source().id());
    }
  }
}

TEST(ScenarioTest, TruthIsEveryPairOfEachPersonsRecords) {
  const Generated& g = Shared();
  const auto owners = RecordOwners(g.records);
  std::set<std::string> upserted;
  for (const Event& e : ParseEvents(g.events)) {
    if (e.has_customer_upsert()) upserted.insert(KeyOf(e.source()));
  }
  EXPECT_EQ(upserted.size(), owners.size());
  std::map<int64_t, int64_t> records_of;
  for (const auto& [key, owner] : owners) {
    EXPECT_TRUE(upserted.count(key)) << key;
    ++records_of[owner.first];
  }
  int64_t expected_pairs = 0;
  for (const auto& [person, n] : records_of) expected_pairs += n * (n - 1) / 2;
  std::set<std::pair<std::string, std::string>> pairs;
  for (const std::string& line : Lines(g.truth)) {
    const size_t comma = line.find(',');
    ASSERT_NE(comma, std::string::npos) << line;
    const std::string a = line.substr(0, comma), b = line.substr(comma + 1);
    ASSERT_TRUE(upserted.count(a)) << a;
    ASSERT_TRUE(upserted.count(b)) << b;
    EXPECT_EQ(owners.at(a).first, owners.at(b).first) << line;
    EXPECT_NE(a, b);
    EXPECT_TRUE(pairs.insert(std::minmax(a, b)).second) << "repeated pair " << line;
  }
  EXPECT_EQ(static_cast<int64_t>(pairs.size()), expected_pairs);
}

// The matching keys of a record: normalized e-mail and E.164 phone.
std::vector<std::string> ContactKeys(const Event& e) {
  std::vector<std::string> keys;
  const common::v1::CustomerUpsert& c = e.customer_upsert();
  if (std::optional<std::string> email = NormalizeEmail(c.email())) keys.push_back("e:" + *email);
  const std::string region = c.address().country_code().empty() ? "TR" : c.address().country_code();
  if (std::optional<std::string> phone = NormalizePhoneE164(c.phone(), region)) {
    keys.push_back("p:" + *phone);
  }
  return keys;
}

TEST(ScenarioTest, SharedContactsAreHardNegativesWithinHouseholdsOnly) {
  const Generated& g = Shared();
  const auto owners = RecordOwners(g.records);
  std::set<std::pair<std::string, std::string>> truth;
  for (const std::string& line : Lines(g.truth)) {
    const size_t comma = line.find(',');
    truth.insert(std::minmax(line.substr(0, comma), line.substr(comma + 1)));
  }
  absl::flat_hash_map<std::string, std::vector<std::string>> by_contact;
  for (const Event& e : ParseEvents(g.events)) {
    if (!e.has_customer_upsert()) continue;
    for (const std::string& key : ContactKeys(e)) by_contact[key].push_back(KeyOf(e.source()));
  }
  int64_t hard_negatives = 0;
  for (const auto& [contact, records] : by_contact) {
    for (size_t i = 0; i < records.size(); ++i) {
      for (size_t j = i + 1; j < records.size(); ++j) {
        const auto& a = owners.at(records[i]);
        const auto& b = owners.at(records[j]);
        if (a.first == b.first) continue;
        // Different people share a contact only when it is their household's.
        EXPECT_EQ(a.second, b.second) << contact << ": " << records[i] << " " << records[j];
        EXPECT_FALSE(truth.count(std::minmax(records[i], records[j])));
        ++hard_negatives;
      }
    }
  }
  EXPECT_GT(hard_negatives, 20);
  EXPECT_GT(g.stats.hard_negative_pairs, 20);
}

TEST(ScenarioTest, EveryNoiseKindOccurs) {
  const ScenarioStats& s = Shared().stats;
  for (int k = 0; k < static_cast<int>(NoiseKind::kCount); ++k) {
    EXPECT_GT(s.noise[k], 0) << NoiseKindName(static_cast<NoiseKind>(k));
  }
}

TEST(ScenarioTest, NoiseIsVisibleInTheRecords) {
  bool transliterated = false, upper = false, plus_tag = false, national_phone = false,
       full_name = false, abbreviated = false;
  for (const Event& e : ParseEvents(Shared().events)) {
    if (!e.has_customer_upsert()) continue;
    const common::v1::CustomerUpsert& c = e.customer_upsert();
    const std::string name = c.given_name() + " " + c.family_name() + c.full_name();
    transliterated |=
        c.address().country_code() == "TR" &&
        (name.find("Yilmaz") != std::string::npos || name.find("Sahin") != std::string::npos ||
         name.find("Ayse") != std::string::npos || name.find("Ozturk") != std::string::npos);
    upper |= name.size() > 4 && name == UpperCase(name, Locale::kTurkish) &&
             UpperCase(name, Locale::kEnglish) == name;
    plus_tag |= c.email().find('+') != std::string::npos;
    national_phone |= c.phone().rfind("05", 0) == 0 || c.phone().rfind("07", 0) == 0;
    full_name |= !c.full_name().empty();
    for (const std::string& line : c.address().lines()) {
      abbreviated |=
          line.find("Mah.") != std::string::npos || line.find(" Rd") != std::string::npos;
    }
  }
  EXPECT_TRUE(transliterated);
  EXPECT_TRUE(upper);
  EXPECT_TRUE(plus_tag);
  EXPECT_TRUE(national_phone);
  EXPECT_TRUE(full_name);
  EXPECT_TRUE(abbreviated);
}

TEST(ScenarioTest, TurkishLettersAndEnglishNamesArePresent) {
  const std::string& events = Shared().events;
  for (const char* letter : {"Ş", "ş", "Ğ", "ğ", "İ", "ı", "Ç", "ç", "Ö", "ö", "Ü", "ü"}) {
    EXPECT_THAT(events, HasSubstr(letter));
  }
  int64_t tr = 0, gb = 0;
  for (const Event& e : ParseEvents(events)) {
    if (!e.has_customer_upsert()) continue;
    tr += e.customer_upsert().address().country_code() == "TR";
    gb += e.customer_upsert().address().country_code() == "GB";
  }
  EXPECT_GT(tr, gb);  // turkish_share 0.6
  EXPECT_GT(gb, 0);
}

TEST(ScenarioTest, PhonesAndEmailsNormalize) {
  int64_t phones = 0, emails = 0;
  for (const Event& e : ParseEvents(Shared().events)) {
    if (!e.has_customer_upsert()) continue;
    const common::v1::CustomerUpsert& c = e.customer_upsert();
    if (!c.phone().empty()) {
      ++phones;
      EXPECT_TRUE(NormalizePhoneE164(c.phone(), c.address().country_code()).has_value())
          << c.phone() << " " << c.address().country_code();
    }
    if (!c.email().empty()) {
      ++emails;
      EXPECT_TRUE(NormalizeEmail(c.email()).has_value()) << c.email();
    }
    const bool identifiable = !c.email().empty() || !c.phone().empty() || !c.loyalty_id().empty();
    EXPECT_TRUE(identifiable) << e.event_id();
  }
  EXPECT_GT(phones, 1000);
  EXPECT_GT(emails, 1000);
}

TEST(ScenarioTest, OutputParsesWithTheEventsJsonlImporter) {
  const Generated& g = Shared();
  absl::StatusOr<std::unique_ptr<ingest::Importer>> importer = ingest::OpenImporterForContents(
      ingest::ImportFormat::kEventsJsonl, g.events, ingest::ImportOptions());
  ASSERT_TRUE(importer.ok()) << importer.status();
  ingest::ImportBatch batch;
  int64_t events = 0, rejections = 0;
  for (;;) {
    absl::StatusOr<bool> more = (*importer)->Next(500, &batch);
    ASSERT_TRUE(more.ok()) << more.status();
    if (!*more) break;
    events += static_cast<int64_t>(batch.events.size());
    rejections += static_cast<int64_t>(batch.rejections.size());
    for (const auto& r : batch.rejections) ADD_FAILURE() << r.reason() << ": " << r.raw();
  }
  EXPECT_EQ(events, g.stats.events);
  EXPECT_EQ(rejections, 0);
}

TEST(ScenarioTest, ConsentsAreGrantedAndSomeRevokedOnAnotherChannel) {
  const Generated& g = Shared();
  const auto owners = RecordOwners(g.records);
  absl::flat_hash_map<std::string, common::v1::Channel> channel_of;
  std::vector<Event> consents;
  for (Event& e : ParseEvents(g.events)) {
    if (e.has_customer_upsert()) channel_of[KeyOf(e.source())] = e.channel();
    if (e.has_consent_change()) consents.push_back(std::move(e));
  }
  // (person, purpose) -> the grant's time and channel.
  std::map<std::pair<int64_t, int>, const Event*> grants;
  int64_t revokes = 0, revokes_elsewhere = 0;
  for (const Event& e : consents) {
    const std::string key = KeyOf(e.source());
    ASSERT_TRUE(owners.contains(key)) << key;
    EXPECT_EQ(e.consent_change().channel(), channel_of[key]);
    const auto slot = std::make_pair(owners.at(key).first, e.consent_change().purpose());
    if (e.consent_change().status() == common::v1::CONSENT_STATUS_GRANTED) {
      grants[slot] = &e;
    } else {
      ASSERT_EQ(e.consent_change().status(), common::v1::CONSENT_STATUS_REVOKED);
      ++revokes;
      ASSERT_TRUE(grants.count(slot)) << "revoke before grant: " << e.event_id();
      EXPECT_GT(e.occurred_at().seconds(), grants[slot]->occurred_at().seconds());
      revokes_elsewhere += KeyOf(grants[slot]->source()) != key;
    }
  }
  EXPECT_GT(grants.size(), 1000u);
  EXPECT_GT(revokes, 200);
  EXPECT_GT(revokes_elsewhere, 50);
}

TEST(ScenarioTest, NoNoiseGivesProperSpellings) {
  ScenarioOptions options = Options(1000, 9);
  options.noise = 0;
  absl::StatusOr<Generated> g = Generate(options);
  ASSERT_TRUE(g.ok());
  for (NoiseKind k : {NoiseKind::kTypoKeyboard, NoiseKind::kTypoDeletion,
                      NoiseKind::kTransliteration, NoiseKind::kUpperCase, NoiseKind::kNameSwap,
                      NoiseKind::kEmailCase, NoiseKind::kEmailPlusTag, NoiseKind::kBirthDateSwap}) {
    EXPECT_EQ(g->stats.noise[static_cast<int>(k)], 0) << NoiseKindName(k);
  }
  EXPECT_GT(g->stats.records, 1000);
}

TEST(ScenarioTest, ZeroPeopleGivesNoOutput) {
  absl::StatusOr<Generated> g = Generate(Options(0, 1));
  ASSERT_TRUE(g.ok());
  EXPECT_TRUE(g->events.empty());
  EXPECT_EQ(g->stats.records, 0);
}

TEST(ScenarioTest, RejectsBadOptionsNamingTheField) {
  ScenarioOptions bad = Options(10, 1);
  bad.records_per_person = 0.5;
  EXPECT_THAT(ValidateScenarioOptions(bad).message(), HasSubstr("records_per_person"));
  bad = Options(-1, 1);
  EXPECT_THAT(ValidateScenarioOptions(bad).message(), HasSubstr("people"));
  bad = Options(10, 1);
  bad.max_records_per_person = 17;
  EXPECT_THAT(ValidateScenarioOptions(bad).message(), HasSubstr("max_records_per_person"));
  bad = Options(10, 1);
  bad.people_options.family_share = 1.5;
  EXPECT_THAT(ValidateScenarioOptions(bad).message(), HasSubstr("family_share"));
  bad = Options(10, 1);
  bad.noise = -1;
  absl::StatusOr<Generated> g = Generate(bad);
  ASSERT_FALSE(g.ok());
  EXPECT_EQ(g.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(g.status().message(), HasSubstr("noise"));
}

TEST(ScenarioTest, AnOutputErrorStopsGeneration) {
  ScenarioOutput output;
  int calls = 0;
  output.events = [&](std::string_view) {
    ++calls;
    return absl::UnavailableError("disk full");
  };
  output.truth = [](std::string_view) { return absl::OkStatus(); };
  absl::StatusOr<ScenarioStats> stats = GenerateScenario(Options(50000, 1), nullptr, output);
  EXPECT_EQ(stats.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(calls, 1);
}

}  // namespace
}  // namespace clientele::identity::scenario
