#include "identity/matching/match_model.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <initializer_list>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace clientele::identity {
namespace {

constexpr char kModelVersion = 1;

// Level indexes the rules look at (see comparison.h).
constexpr uint8_t kExact = 0;
constexpr uint8_t kNameMid = 3;  // exact, swapped, jaro_winkler>=0.92, jaro_winkler>=0.80
constexpr uint8_t kNameOther = 4;
constexpr uint8_t kBirthOther = 4;
constexpr uint8_t kBirthOneComponent = 2;  // exact, day_month_swapped, one_component_differs
constexpr uint8_t kSecondaryOneEdit = 1;   // exact, one_edit
constexpr uint8_t kOneEdit = 1;            // e-mail, phone: exact, one_edit
constexpr uint8_t kMostWords = 1;          // address: exact, most_words

void SetLevels(FieldParameters* p, std::initializer_list<double> m,
               std::initializer_list<double> u) {
  std::copy(m.begin(), m.end(), p->m.begin());
  std::copy(u.begin(), u.end(), p->u.begin());
}

double Log2Odds(double p) { return std::log2(p / (1.0 - p)); }

std::string Join(const std::vector<std::string>& v) {
  std::string out;
  for (const std::string& s : v) {
    if (!out.empty()) out.push_back(' ');
    out.append(s);
  }
  return out;
}

std::string BirthDateText(const PersonRecord& r) {
  if (!r.has_birth_date()) return {};
  char buffer[16];
  std::snprintf(buffer, sizeof(buffer), "%04d-%02d-%02d", r.birth_year % 10000, r.birth_month % 100,
                r.birth_day % 100);
  return buffer;
}

std::string SecondaryIdText(const PersonRecord& r) {
  std::string out;
  for (const auto& [key, value] : r.secondary_ids) {
    if (!out.empty()) out.push_back(' ');
    absl::StrAppend(&out, key, "=", value);
  }
  return out;
}

std::string ValueOf(const PersonRecord& r, Field f) {
  switch (f) {
    case Field::kGivenName:
      return r.given_name;
    case Field::kFamilyName:
      return r.family_name;
    case Field::kBirthDate:
      return BirthDateText(r);
    case Field::kGender:
      return r.gender == 0 ? std::string() : absl::StrCat(r.gender);
    case Field::kEmail:
      return r.email;
    case Field::kPhone:
      return r.phone;
    case Field::kLoyaltyId:
      return r.loyalty_id;
    case Field::kNationalId:
      return r.national_id_hash;
    case Field::kSecondaryId:
      return SecondaryIdText(r);
    case Field::kPostalCode:
      return r.postal_code;
    case Field::kStreetNumber:
      return r.street_number;
    case Field::kAddress:
      return Join(r.address_tokens);
    case Field::kCity:
      return r.city;
    case Field::kRegion:
      return r.region;
  }
  return {};
}

// --- encoding -----------------------------------------------------------------------------

void PutDouble(double v, std::string* out) {
  char bytes[8];
  std::memcpy(bytes, &v, 8);
  out->append(bytes, 8);
}

bool GetDouble(std::string_view* in, double* v) {
  if (in->size() < 8) return false;
  std::memcpy(v, in->data(), 8);
  in->remove_prefix(8);
  return true;
}

bool ValidProbability(double p) { return p > 0.0 && p < 1.0; }

}  // namespace

MatchModelConfig DefaultMatchModelConfig() {
  MatchModelConfig c;
  auto f = [&c](Field field) { return &c.fields[FieldIndex(field)]; };
  // exact, swapped, jw>=0.92, jw>=0.80, other
  SetLevels(f(Field::kGivenName), {0.80, 0.02, 0.08, 0.05, 0.05},
            {0.005, 0.0005, 0.01, 0.05, 0.9345});
  // "swapped" never occurs on family_name (the given name carries it); kept for symmetry.
  SetLevels(f(Field::kFamilyName), {0.80, 0.02, 0.08, 0.05, 0.05},
            {0.002, 0.0005, 0.008, 0.04, 0.9495});
  // exact, day_month_swapped, one_component_differs, year_within_2, other
  SetLevels(f(Field::kBirthDate), {0.85, 0.01, 0.08, 0.03, 0.03},
            {0.0001, 0.00001, 0.005, 0.05, 0.94489});
  SetLevels(f(Field::kGender), {0.95, 0.05}, {0.5, 0.5});
  SetLevels(f(Field::kEmail), {0.85, 0.05, 0.10}, {1e-5, 1e-5, 0.99998});
  SetLevels(f(Field::kPhone), {0.85, 0.05, 0.10}, {1e-5, 1e-4, 0.99989});
  SetLevels(f(Field::kLoyaltyId), {0.90, 0.10}, {1e-5, 0.99999});
  SetLevels(f(Field::kNationalId), {0.90, 0.10}, {1e-5, 0.99999});
  // exact, one_edit, two_edits, other
  SetLevels(f(Field::kSecondaryId), {0.85, 0.08, 0.03, 0.04}, {1e-5, 1e-4, 1e-3, 0.99889});
  SetLevels(f(Field::kPostalCode), {0.85, 0.07, 0.08}, {0.01, 0.05, 0.94});
  SetLevels(f(Field::kStreetNumber), {0.80, 0.10, 0.10}, {0.02, 0.10, 0.88});
  // exact, most_words, some_words, other
  SetLevels(f(Field::kAddress), {0.70, 0.15, 0.10, 0.05}, {0.001, 0.005, 0.05, 0.944});
  SetLevels(f(Field::kCity), {0.85, 0.08, 0.07}, {0.01, 0.01, 0.98});
  SetLevels(f(Field::kRegion), {0.90, 0.10}, {0.2, 0.8});
  return c;
}

std::string_view MatchDecisionName(MatchDecision decision) {
  switch (decision) {
    case MatchDecision::kNoLink:
      return "no_link";
    case MatchDecision::kReview:
      return "review";
    case MatchDecision::kLink:
      return "link";
  }
  return "?";
}

MatchModel::MatchModel(const MatchModelConfig& config) : config_(config) {
  const double floor = config_.min_probability > 0 ? config_.min_probability : 1e-12;
  for (int i = 0; i < kFieldCount; ++i) {
    for (int l = 0; l < LevelCount(FieldAt(i)); ++l) {
      const double m = std::max(config_.fields[i].m[l], floor);
      const double u = std::max(config_.fields[i].u[l], floor);
      weights_[i][l] = std::log2(m / u);
    }
  }
  auto clamp = [](double p) { return std::min(std::max(p, 1e-12), 1.0 - 1e-12); };
  prior_weight_ = Log2Odds(clamp(config_.prior));
  link_weight_ = Log2Odds(clamp(config_.link_probability));
  review_weight_ = Log2Odds(clamp(config_.review_probability));
}

double MatchModel::LevelWeight(Field field, uint8_t level) const {
  if (level == kMissingLevel || level >= LevelCount(field)) return 0.0;
  return weights_[FieldIndex(field)][level];
}

double MatchModel::PatternWeight(const ComparisonPattern& pattern) const {
  double w = prior_weight_;
  for (int i = 0; i < kFieldCount; ++i) {
    const uint8_t level = pattern.levels[i];
    if (level != kMissingLevel && level < kMaxLevels) w += weights_[i][level];
  }
  return w;
}

MatchResult MatchModel::Decide(const ComparisonPattern& pattern) const {
  MatchResult r;
  r.pattern = pattern;
  r.weight = PatternWeight(pattern);
  r.probability = 1.0 / (1.0 + std::exp2(-r.weight));
  if (config_.deterministic_rules) {
    if (pattern.level(Field::kEmail) == kExact) {
      r.rule = "email";
    } else if (pattern.level(Field::kPhone) == kExact) {
      r.rule = "phone";
    } else if (pattern.level(Field::kLoyaltyId) == kExact) {
      r.rule = "loyalty_id";
    } else if (pattern.level(Field::kNationalId) == kExact) {
      r.rule = "national_id";
    }
  }
  // Household members share surname, address, landline and often a family e-mail; only
  // personal fields tell them apart.
  const bool names_disagree = pattern.level(Field::kGivenName) == kNameOther;
  const uint8_t birth = pattern.level(Field::kBirthDate);
  const bool personal_evidence =
      birth <= kBirthOneComponent || pattern.level(Field::kSecondaryId) <= kSecondaryOneEdit ||
      pattern.level(Field::kNationalId) == kExact || pattern.level(Field::kLoyaltyId) == kExact;
  r.conflict = names_disagree && !personal_evidence;
  const bool household_like = r.conflict && config_.require_personal_evidence;
  // Evidence that identifies a person beyond the name (gender, city and region do not).
  // An address identifies a household, so it counts only with an agreeing given name; an
  // e-mail one edit apart is often a namesake's (addresses are made from names).
  const uint8_t given = pattern.level(Field::kGivenName);
  const bool identifying_evidence =
      personal_evidence || pattern.level(Field::kEmail) == kExact ||
      pattern.level(Field::kPhone) <= kOneEdit ||
      (given <= kNameMid && (pattern.level(Field::kAddress) <= kMostWords ||
                             (pattern.level(Field::kPostalCode) == kExact &&
                              pattern.level(Field::kStreetNumber) == kExact)));
  if (!r.rule.empty()) {
    if ((names_disagree && birth == kBirthOther) || household_like) {
      r.vetoed = true;
      r.rule = {};
      r.decision = r.weight >= review_weight_ ? MatchDecision::kReview : MatchDecision::kNoLink;
      return r;
    }
    r.decision = MatchDecision::kLink;
    return r;
  }
  if (r.weight >= link_weight_) {
    r.decision = MatchDecision::kLink;
  } else if (r.weight >= review_weight_) {
    r.decision = MatchDecision::kReview;
  }
  if (r.decision == MatchDecision::kLink && household_like) {
    r.vetoed = true;
    r.decision = MatchDecision::kReview;
  }
  if (r.decision == MatchDecision::kLink && !identifying_evidence &&
      config_.require_identifying_evidence) {
    r.decision = MatchDecision::kReview;  // Namesakes: the same name is not the same person.
  }
  return r;
}

MatchExplanation MatchModel::Explain(const ComparisonPattern& pattern) const {
  const MatchResult r = Decide(pattern);
  MatchExplanation e;
  e.weight = r.weight;
  e.prior_weight = prior_weight_;
  e.probability = r.probability;
  e.decision = r.decision;
  e.rule = std::string(r.rule);
  e.vetoed = r.vetoed;
  e.fields.reserve(kFieldCount);
  for (int i = 0; i < kFieldCount; ++i) {
    const Field field = FieldAt(i);
    const uint8_t level = pattern.levels[i];
    FieldExplanation f;
    f.field = std::string(FieldName(field));
    f.level = std::string(LevelName(field, level));
    if (level != kMissingLevel && level < LevelCount(field)) {
      f.m = config_.fields[i].m[level];
      f.u = config_.fields[i].u[level];
      f.weight = weights_[i][level];
    }
    e.fields.push_back(std::move(f));
  }
  return e;
}

MatchExplanation MatchModel::Score(const PersonRecord& a, const PersonRecord& b) const {
  MatchExplanation e = Explain(Compare(a, b));
  for (int i = 0; i < kFieldCount; ++i) {
    e.fields[i].value_a = ValueOf(a, FieldAt(i));
    e.fields[i].value_b = ValueOf(b, FieldAt(i));
  }
  return e;
}

std::string EncodeMatchModel(const MatchModel& model) {
  const MatchModelConfig& c = model.config();
  std::string out;
  out.push_back(kModelVersion);
  out.push_back(static_cast<char>(kFieldCount));
  for (int i = 0; i < kFieldCount; ++i) {
    const int levels = LevelCount(FieldAt(i));
    out.push_back(static_cast<char>(levels));
    for (int l = 0; l < levels; ++l) {
      PutDouble(c.fields[i].m[l], &out);
      PutDouble(c.fields[i].u[l], &out);
    }
  }
  for (double v : {c.prior, c.link_probability, c.review_probability, c.em_tolerance,
                   c.m_pseudo_pairs, c.u_pseudo_pairs, c.min_probability}) {
    PutDouble(v, &out);
  }
  PutDouble(static_cast<double>(c.em_max_iterations), &out);
  // Bits 4 and 8 are set when personal / identifying evidence is NOT required, so bytes
  // written before the settings existed decode to their defaults.
  out.push_back(static_cast<char>((c.deterministic_rules ? 1 : 0) | (c.em_updates_u ? 2 : 0) |
                                  (c.require_personal_evidence ? 0 : 4) |
                                  (c.require_identifying_evidence ? 0 : 8)));
  return out;
}

absl::StatusOr<MatchModel> DecodeMatchModel(std::string_view in) {
  auto corrupt = [](std::string_view what) {
    return absl::DataLossError(
        absl::StrCat("corrupt match model: ", absl::string_view(what.data(), what.size())));
  };
  if (in.size() < 2) return corrupt("truncated header");
  if (in[0] != kModelVersion) return corrupt(absl::StrCat("unknown version ", int{in[0]}));
  if (in[1] != kFieldCount) return corrupt("field count differs from this build");
  in.remove_prefix(2);
  MatchModelConfig c;
  for (int i = 0; i < kFieldCount; ++i) {
    if (in.empty()) return corrupt("truncated");
    const int levels = in[0];
    in.remove_prefix(1);
    if (levels != LevelCount(FieldAt(i))) {
      return corrupt(absl::StrCat("level count of ", std::string(FieldName(FieldAt(i))),
                                  " differs from this build"));
    }
    for (int l = 0; l < levels; ++l) {
      if (!GetDouble(&in, &c.fields[i].m[l]) || !GetDouble(&in, &c.fields[i].u[l])) {
        return corrupt("truncated parameters");
      }
      if (!ValidProbability(c.fields[i].m[l]) || !ValidProbability(c.fields[i].u[l])) {
        return absl::InvalidArgumentError(absl::StrCat(
            "match model: m or u of ", std::string(FieldName(FieldAt(i))), " level ",
            std::string(LevelName(FieldAt(i), static_cast<uint8_t>(l))), " is not in (0, 1)"));
      }
    }
  }
  double iterations = 0;
  for (double* v : {&c.prior, &c.link_probability, &c.review_probability, &c.em_tolerance,
                    &c.m_pseudo_pairs, &c.u_pseudo_pairs, &c.min_probability, &iterations}) {
    if (!GetDouble(&in, v)) return corrupt("truncated settings");
  }
  if (in.size() != 1) return corrupt("unexpected trailing bytes");
  c.deterministic_rules = (in[0] & 1) != 0;
  c.em_updates_u = (in[0] & 2) != 0;
  c.require_personal_evidence = (in[0] & 4) == 0;
  c.require_identifying_evidence = (in[0] & 8) == 0;
  if (!ValidProbability(c.prior) || !ValidProbability(c.link_probability) ||
      !ValidProbability(c.review_probability)) {
    return absl::InvalidArgumentError("match model: prior or thresholds not in (0, 1)");
  }
  if (!(iterations >= 0 && iterations <= 1e6)) return corrupt("bad EM iteration count");
  c.em_max_iterations = static_cast<int>(iterations);
  return MatchModel(c);
}

}  // namespace clientele::identity
