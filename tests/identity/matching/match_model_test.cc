#include "identity/matching/match_model.h"

#include <string>

#include "common/testing/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace clientele::identity {
namespace {

using ::clientele::testing::IsOk;
using ::clientele::testing::StatusIs;
using ::testing::HasSubstr;

common::v1::CustomerUpsert Upsert(std::string given, std::string family, std::string phone, int y,
                                  int m, int d) {
  common::v1::CustomerUpsert u;
  u.set_given_name(std::move(given));
  u.set_family_name(std::move(family));
  u.set_phone(std::move(phone));
  if (y != 0) {
    u.mutable_birth_date()->set_year(y);
    u.mutable_birth_date()->set_month(m);
    u.mutable_birth_date()->set_day(d);
  }
  return u;
}

TEST(MatchModelTest, SharedFamilyPhoneDoesNotLinkTwinsWithOtherNamesAndBirthDates) {
  const MatchModel model;
  const PersonRecord ayse =
      FromCustomerUpsert("pos/1", Upsert("Ayşe", "Yılmaz", "0532 111 22 33", 1990, 1, 14));
  const PersonRecord fatma =
      FromCustomerUpsert("web/7", Upsert("Fatma", "Yılmaz", "+90 532 111 22 33", 1993, 8, 2));
  const MatchResult r = model.Evaluate(ayse, fatma);
  EXPECT_TRUE(r.vetoed);
  EXPECT_TRUE(r.conflict);
  EXPECT_EQ(r.rule, "");
  EXPECT_NE(r.decision, MatchDecision::kLink);
  // A record without a name is no conflict: it may be either twin's.
  PersonRecord nameless = fatma;
  nameless.given_name.clear();
  nameless.family_name.clear();
  EXPECT_FALSE(model.Evaluate(ayse, nameless).conflict);
}

TEST(MatchModelTest, SamePersonWithTransliterationSwappedNamesAndLocalPhoneLinks) {
  const MatchModel model;
  const PersonRecord a =
      FromCustomerUpsert("pos/1", Upsert("Şükrü", "Öztürk", "+90 532 111 22 33", 1980, 2, 3));
  const PersonRecord b =
      FromCustomerUpsert("web/9", Upsert("OZTURK", "Sukru", "0532 111 22 33", 1980, 2, 3));
  const MatchResult r = model.Evaluate(a, b);
  EXPECT_FALSE(r.vetoed);
  EXPECT_EQ(r.rule, "phone");
  EXPECT_EQ(r.decision, MatchDecision::kLink);
  EXPECT_EQ(LevelName(Field::kGivenName, r.pattern.level(Field::kGivenName)), "swapped");
  // Without the phone, names and birth date alone still link.
  const PersonRecord a2 = FromCustomerUpsert("pos/1", Upsert("Şükrü", "Öztürk", "", 1980, 2, 3));
  const PersonRecord b2 = FromCustomerUpsert("web/9", Upsert("OZTURK", "Sukru", "", 1980, 2, 3));
  const MatchResult p = model.Evaluate(a2, b2);
  EXPECT_EQ(p.rule, "");
  EXPECT_EQ(p.decision, MatchDecision::kLink) << p.weight;
}

TEST(MatchModelTest, AnAgreeingPersonalFieldLiftsTheVeto) {
  const MatchModel model;
  const PersonRecord a =
      FromCustomerUpsert("s/1", Upsert("Ayşe", "Kaya", "05321112233", 1990, 1, 14));
  // Another given name but the same birth date: a nickname or a data entry error; links.
  const PersonRecord b =
      FromCustomerUpsert("s/2", Upsert("Zehra", "Kaya", "05321112233", 1990, 1, 14));
  EXPECT_EQ(model.Evaluate(a, b).decision, MatchDecision::kLink);
  EXPECT_FALSE(model.Evaluate(a, b).vetoed);
  // Unknown birth date: nothing personal agrees, so the shared phone may be a household's.
  const PersonRecord c = FromCustomerUpsert("s/3", Upsert("Zehra", "Kaya", "05321112233", 0, 0, 0));
  const MatchResult r = model.Evaluate(a, c);
  EXPECT_TRUE(r.vetoed);
  EXPECT_EQ(r.decision, MatchDecision::kReview);
  // Without that requirement only a clearly different birth date vetoes.
  MatchModelConfig lenient = DefaultMatchModelConfig();
  lenient.require_personal_evidence = false;
  EXPECT_EQ(MatchModel(lenient).Evaluate(a, c).decision, MatchDecision::kLink);
  // A secondary id within one edit is personal evidence too.
  PersonRecord a_id = a, c_id = c;
  a_id.secondary_ids = {{"soc_sec_id", "1234567"}};
  c_id.secondary_ids = {{"soc_sec_id", "1234568"}};
  EXPECT_EQ(model.Evaluate(a_id, c_id).decision, MatchDecision::kLink);
}

TEST(MatchModelTest, HouseholdAddressAloneDoesNotLink) {
  // Same surname, street, number, postal code and city: a strong probabilistic score, but the
  // given names differ and nothing personal agrees.
  common::v1::CustomerUpsert x = Upsert("Gürkan", "Bayram", "", 0, 0, 0);
  x.mutable_address()->add_lines("Atatürk Bulvarı No 92 Daire 2");
  x.mutable_address()->set_postal_code("16040");
  x.mutable_address()->set_city("Bursa");
  common::v1::CustomerUpsert y = x;
  y.set_given_name("Hilal");
  const MatchModel model;
  const MatchResult r =
      model.Evaluate(FromCustomerUpsert("web/1", x), FromCustomerUpsert("pos/2", y));
  EXPECT_GE(r.probability, model.config().link_probability);
  EXPECT_TRUE(r.vetoed);
  EXPECT_EQ(r.decision, MatchDecision::kReview);
}

TEST(MatchModelTest, NamesakesNeedEvidenceBeyondTheName) {
  // Same name, gender and city, different phones: two people called Taner Kazan in Bursa.
  common::v1::CustomerUpsert x = Upsert("Taner", "Kazan", "0530 134 50 61", 0, 0, 0);
  x.set_gender(common::v1::GENDER_MALE);
  x.mutable_address()->set_city("Bursa");
  common::v1::CustomerUpsert y = x;
  y.set_phone("0506 297 42 75");
  const MatchModel model;
  const MatchResult r =
      model.Evaluate(FromCustomerUpsert("web/1", x), FromCustomerUpsert("pos/2", y));
  EXPECT_GE(r.probability, model.config().link_probability);
  EXPECT_FALSE(r.vetoed);
  EXPECT_EQ(r.decision, MatchDecision::kReview);
  // Without the requirement the name alone links.
  MatchModelConfig lenient = DefaultMatchModelConfig();
  lenient.require_identifying_evidence = false;
  EXPECT_EQ(MatchModel(lenient)
                .Evaluate(FromCustomerUpsert("web/1", x), FromCustomerUpsert("pos/2", y))
                .decision,
            MatchDecision::kLink);
  // A phone one digit off, the birth date or the street address identifies.
  common::v1::CustomerUpsert typo = x;
  typo.set_phone("0530 134 50 60");
  EXPECT_EQ(
      model.Evaluate(FromCustomerUpsert("web/1", x), FromCustomerUpsert("pos/3", typo)).decision,
      MatchDecision::kLink);
  common::v1::CustomerUpsert born_x = y, born_y = y;
  born_x.mutable_birth_date()->set_year(1970);
  born_x.mutable_birth_date()->set_month(5);
  born_x.mutable_birth_date()->set_day(9);
  *born_y.mutable_birth_date() = born_x.birth_date();
  born_y.set_phone("");
  EXPECT_EQ(model.Evaluate(FromCustomerUpsert("web/1", born_x), FromCustomerUpsert("pos/4", born_y))
                .decision,
            MatchDecision::kLink);
  common::v1::CustomerUpsert home_x = y, home_y = y;
  home_x.mutable_address()->add_lines("Atatürk Bulvarı No 92 Daire 2");
  home_y.mutable_address()->add_lines("Atatürk Blv. No 92 Daire 2");
  home_y.set_phone("");
  EXPECT_EQ(model.Evaluate(FromCustomerUpsert("web/1", home_x), FromCustomerUpsert("pos/5", home_y))
                .decision,
            MatchDecision::kLink);
}

TEST(MatchModelTest, AnAddressIdentifiesOnlyWithTheGivenName) {
  // A record without a name at a member's address (household address, family e-mail) does
  // not link on the address; with the given name it does.
  common::v1::CustomerUpsert named = Upsert("Benjamin", "Francis", "", 0, 0, 0);
  named.mutable_address()->add_lines("12 Stanley Street");
  named.mutable_address()->set_city("Liverpool");
  named.mutable_address()->set_country_code("GB");
  common::v1::CustomerUpsert nameless = named;
  nameless.clear_given_name();
  nameless.clear_family_name();
  nameless.set_email("francis.family@example.com");
  const MatchModel model;
  const MatchResult r =
      model.Evaluate(FromCustomerUpsert("mp/1", named), FromCustomerUpsert("web/2", nameless));
  EXPECT_GE(r.probability, model.config().link_probability);
  EXPECT_EQ(r.decision, MatchDecision::kReview);
  common::v1::CustomerUpsert other_day = named;
  other_day.set_email("benjamin.francis@example.com");
  EXPECT_EQ(
      model.Evaluate(FromCustomerUpsert("mp/1", named), FromCustomerUpsert("web/3", other_day))
          .decision,
      MatchDecision::kLink);
}

TEST(MatchModelTest, EncodeKeepsTheEvidenceSettings) {
  MatchModelConfig c = DefaultMatchModelConfig();
  c.require_identifying_evidence = false;
  absl::StatusOr<MatchModel> back = DecodeMatchModel(EncodeMatchModel(MatchModel(c)));
  ASSERT_THAT(back.status(), IsOk());
  EXPECT_FALSE(back->config().require_identifying_evidence);
  EXPECT_TRUE(back->config().require_personal_evidence);
  back = DecodeMatchModel(EncodeMatchModel(MatchModel()));
  ASSERT_THAT(back.status(), IsOk());
  EXPECT_TRUE(back->config().require_identifying_evidence);
}

TEST(MatchModelTest, WeightIsPriorPlusLevelWeights) {
  const MatchModel model;
  ComparisonPattern p;
  EXPECT_DOUBLE_EQ(model.PatternWeight(p), std::log2(0.01 / 0.99));
  p.set_level(Field::kBirthDate, 0);
  EXPECT_NEAR(model.LevelWeight(Field::kBirthDate, 0), std::log2(0.85 / 0.0001), 1e-9);
  EXPECT_NEAR(model.PatternWeight(p), std::log2(0.01 / 0.99) + std::log2(0.85 / 0.0001), 1e-9);
  EXPECT_EQ(model.LevelWeight(Field::kBirthDate, kMissingLevel), 0.0);
  // Disagreement weighs against a match.
  EXPECT_LT(model.LevelWeight(Field::kBirthDate, 4), 0.0);
}

TEST(MatchModelTest, ThresholdsDecide) {
  MatchModelConfig config = DefaultMatchModelConfig();
  config.deterministic_rules = false;
  const MatchModel model(config);
  ComparisonPattern p;
  EXPECT_EQ(model.Decide(p).decision, MatchDecision::kNoLink);  // prior only: p = 0.01
  p.set_level(Field::kBirthDate, 0);                            // +13 bits
  EXPECT_EQ(model.Decide(p).decision, MatchDecision::kReview);
  p.set_level(Field::kGivenName, 0);
  p.set_level(Field::kFamilyName, 0);
  EXPECT_EQ(model.Decide(p).decision, MatchDecision::kLink);
  // Equal e-mail without rules is just evidence.
  ComparisonPattern email;
  email.set_level(Field::kEmail, 0);
  EXPECT_EQ(model.Decide(email).rule, "");
  EXPECT_TRUE(MatchModel().Decide(email).rule == "email");
}

TEST(MatchModelTest, ScoreExplainsEveryField) {
  const MatchModel model;
  const PersonRecord a =
      FromCustomerUpsert("pos/1", Upsert("Ayşe", "Yılmaz", "0532 111 22 33", 1990, 1, 14));
  const PersonRecord b = FromCustomerUpsert("web/2", Upsert("Ayse", "Yilmas", "", 1990, 1, 14));
  const MatchExplanation e = model.Score(a, b);
  ASSERT_EQ(e.fields.size(), static_cast<size_t>(kFieldCount));
  const FieldExplanation& family = e.fields[FieldIndex(Field::kFamilyName)];
  EXPECT_EQ(family.field, "family_name");
  EXPECT_EQ(family.level, "jaro_winkler>=0.92");
  EXPECT_EQ(family.value_a, "yilmaz");
  EXPECT_EQ(family.value_b, "yilmas");
  EXPECT_GT(family.m, 0.0);
  EXPECT_NEAR(family.weight, std::log2(family.m / family.u), 1e-9);
  const FieldExplanation& phone = e.fields[FieldIndex(Field::kPhone)];
  EXPECT_EQ(phone.level, "missing");
  EXPECT_EQ(phone.weight, 0.0);
  EXPECT_EQ(e.fields[FieldIndex(Field::kBirthDate)].value_a, "1990-01-14");
  double sum = e.prior_weight;
  for (const FieldExplanation& f : e.fields) sum += f.weight;
  EXPECT_NEAR(sum, e.weight, 1e-9);
  EXPECT_NEAR(e.probability, 1.0 / (1.0 + std::exp2(-e.weight)), 1e-12);
  EXPECT_EQ(e.decision, MatchDecision::kLink);
  EXPECT_EQ(MatchDecisionName(e.decision), "link");
}

TEST(MatchModelTest, ExplainOfAPatternIsScoreWithoutTheValues) {
  const MatchModel model;
  const PersonRecord a =
      FromCustomerUpsert("pos/1", Upsert("Ayşe", "Yılmaz", "0532 111 22 33", 1990, 1, 14));
  for (const PersonRecord& b :
       {FromCustomerUpsert("web/2", Upsert("Ayse", "Yilmas", "", 1990, 1, 14)),
        FromCustomerUpsert("web/3", Upsert("Mehmet", "Yılmaz", "0532 111 22 33", 1961, 5, 2))}) {
    const MatchExplanation scored = model.Score(a, b);
    const MatchExplanation e = model.Explain(Compare(a, b));
    EXPECT_EQ(e.weight, scored.weight);
    EXPECT_EQ(e.probability, scored.probability);
    EXPECT_EQ(e.decision, scored.decision);
    EXPECT_EQ(e.rule, scored.rule);
    EXPECT_EQ(e.vetoed, scored.vetoed);
    ASSERT_EQ(e.fields.size(), scored.fields.size());
    for (size_t i = 0; i < e.fields.size(); ++i) {
      EXPECT_EQ(e.fields[i].field, scored.fields[i].field);
      EXPECT_EQ(e.fields[i].level, scored.fields[i].level);
      EXPECT_EQ(e.fields[i].m, scored.fields[i].m);
      EXPECT_EQ(e.fields[i].u, scored.fields[i].u);
      EXPECT_EQ(e.fields[i].weight, scored.fields[i].weight);
      EXPECT_EQ(e.fields[i].value_a, "");
      EXPECT_EQ(e.fields[i].value_b, "");
    }
  }
}

TEST(MatchModelTest, EncodeDecodeRoundTrip) {
  MatchModelConfig config = DefaultMatchModelConfig();
  config.prior = 0.2;
  config.link_probability = 0.98;
  config.fields[FieldIndex(Field::kRegion)].m[0] = 0.7;
  config.fields[FieldIndex(Field::kRegion)].m[1] = 0.3;
  config.em_updates_u = false;
  config.deterministic_rules = false;
  config.require_personal_evidence = false;
  const MatchModel model(config);
  absl::StatusOr<MatchModel> back = DecodeMatchModel(EncodeMatchModel(model));
  ASSERT_THAT(back, IsOk());
  EXPECT_EQ(EncodeMatchModel(*back), EncodeMatchModel(model));
  EXPECT_EQ(back->config().prior, 0.2);
  EXPECT_FALSE(back->config().em_updates_u);
  EXPECT_FALSE(back->config().deterministic_rules);
  EXPECT_FALSE(back->config().require_personal_evidence);
  EXPECT_TRUE(DecodeMatchModel(EncodeMatchModel(MatchModel()))->config().require_personal_evidence);
  ComparisonPattern p;
  p.set_level(Field::kRegion, 0);
  EXPECT_DOUBLE_EQ(back->PatternWeight(p), model.PatternWeight(p));
}

TEST(MatchModelTest, CorruptModelIsAnErrorNotACrash) {
  const std::string bytes = EncodeMatchModel(MatchModel());
  EXPECT_THAT(DecodeMatchModel(""), StatusIs(absl::StatusCode::kDataLoss, HasSubstr("truncated")));
  for (size_t n = 0; n < bytes.size(); ++n) {
    EXPECT_FALSE(DecodeMatchModel(bytes.substr(0, n)).ok()) << n;
  }
  std::string version = bytes;
  version[0] = 7;
  EXPECT_THAT(DecodeMatchModel(version),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("version")));
  EXPECT_THAT(DecodeMatchModel(bytes + "x"),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("trailing")));
  MatchModelConfig bad = DefaultMatchModelConfig();
  bad.fields[0].m[0] = 0.0;
  EXPECT_THAT(DecodeMatchModel(EncodeMatchModel(MatchModel(bad))),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("given_name")));
}

}  // namespace
}  // namespace clientele::identity
