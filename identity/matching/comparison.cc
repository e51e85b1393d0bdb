#include "identity/matching/comparison.h"

#include <algorithm>
#include <cstdlib>
#include <string>
#include <vector>

#include "identity/matching/internal/fast_similarity.h"

namespace clientele::identity {
namespace {

using matching_internal::BoundedDamerauLevenshtein;
using matching_internal::FastJaroWinkler;
using matching_internal::MayReachJaroWinkler;

struct FieldSpec {
  std::string_view name;
  int level_count;
  std::string_view levels[kMaxLevels];
};

constexpr FieldSpec kSpecs[kFieldCount] = {
    {"given_name", 5, {"exact", "swapped", "jaro_winkler>=0.92", "jaro_winkler>=0.80", "other"}},
    {"family_name", 5, {"exact", "swapped", "jaro_winkler>=0.92", "jaro_winkler>=0.80", "other"}},
    {"birth_date",
     5,
     {"exact", "day_month_swapped", "one_component_differs", "year_within_2", "other"}},
    {"gender", 2, {"exact", "other"}},
    {"email", 3, {"exact", "one_edit", "other"}},
    {"phone", 3, {"exact", "one_edit", "other"}},
    {"loyalty_id", 2, {"exact", "other"}},
    {"national_id", 2, {"exact", "other"}},
    {"secondary_id", 4, {"exact", "one_edit", "two_edits", "other"}},
    {"postal_code", 3, {"exact", "one_edit", "other"}},
    {"street_number", 3, {"exact", "one_edit", "other"}},
    {"address", 4, {"exact", "most_words", "some_words", "other"}},
    {"city", 3, {"exact", "jaro_winkler>=0.90", "other"}},
    {"region", 2, {"exact", "other"}},
};

// Name levels.
constexpr uint8_t kNameExact = 0, kNameSwapped = 1, kNameHigh = 2, kNameMid = 3, kNameOther = 4;

uint8_t NameLevel(double jw) {
  if (jw >= 1.0) return kNameExact;
  if (jw >= 0.92) return kNameHigh;
  if (jw >= 0.80) return kNameMid;
  return kNameOther;
}

// NameLevel, where a single typo (one edit, an adjacent transposition included) is at least
// jaro_winkler>=0.80: Jaro-Winkler misses typos in short names ("ail" / "ali": 0.56).
uint8_t NameLevel(std::string_view a, std::string_view b, double jw) {
  const uint8_t level = NameLevel(jw);
  if (level == kNameOther && a.size() >= 3 && b.size() >= 3 &&
      BoundedDamerauLevenshtein(a, b, 1) <= 1) {
    return kNameMid;
  }
  return level;
}

void CompareNames(const PersonRecord& a, const PersonRecord& b, ComparisonPattern* p) {
  const bool g = !a.given_name.empty() && !b.given_name.empty();
  const bool f = !a.family_name.empty() && !b.family_name.empty();
  const double jw_g =
      g ? (a.given_name == b.given_name ? 1.0 : FastJaroWinkler(a.given_name, b.given_name)) : 0.0;
  const double jw_f =
      f ? (a.family_name == b.family_name ? 1.0 : FastJaroWinkler(a.family_name, b.family_name))
        : 0.0;
  if (g && f && (jw_g < 0.92 || jw_f < 0.92)) {
    // Given and family name exchanged (common when a source has one "name" field), one of
    // them possibly with a typo: one cross pair >= 0.92, the other >= 0.80.
    const double cross_1 = MayReachJaroWinkler(a.given_name, b.family_name, 0.80)
                               ? FastJaroWinkler(a.given_name, b.family_name)
                               : 0.0;
    if (cross_1 >= 0.80) {
      const double cross_2 = FastJaroWinkler(a.family_name, b.given_name);
      if (cross_2 >= 0.80 && std::max(cross_1, cross_2) >= 0.92 &&
          cross_1 + cross_2 > jw_g + jw_f) {
        // One event, weighed once: on the given name; the family name is then not compared.
        p->set_level(Field::kGivenName, kNameSwapped);
        return;
      }
    }
  }
  if (g && f && (jw_g < 1.0 || jw_f < 1.0) && a.name_tokens.size() >= 2 &&
      a.name_tokens == b.name_tokens) {
    // The same words split differently ("abigail | hughes jones", "abigail hughes | jones"):
    // a compound name in a single "name" field.
    p->set_level(Field::kGivenName, kNameExact);
    p->set_level(Field::kFamilyName, kNameExact);
    return;
  }
  if (g) p->set_level(Field::kGivenName, NameLevel(a.given_name, b.given_name, jw_g));
  if (f) p->set_level(Field::kFamilyName, NameLevel(a.family_name, b.family_name, jw_f));
}

uint8_t BirthDateLevel(const PersonRecord& a, const PersonRecord& b) {
  const bool y = a.birth_year == b.birth_year;
  const bool m = a.birth_month == b.birth_month;
  const bool d = a.birth_day == b.birth_day;
  if (y && m && d) return 0;
  if (y && a.birth_month == b.birth_day && a.birth_day == b.birth_month) return 1;
  if (static_cast<int>(y) + static_cast<int>(m) + static_cast<int>(d) == 2) return 2;
  if (std::abs(a.birth_year - b.birth_year) <= 2) return 3;
  return 4;
}

// exact | one_edit | other for identifiers and short codes.
uint8_t EditLevel(const std::string& a, const std::string& b) {
  if (a == b) return 0;
  return BoundedDamerauLevenshtein(a, b, 1) <= 1 ? 1 : 2;
}

uint8_t SecondaryIdLevel(const PersonRecord& a, const PersonRecord& b) {
  uint8_t best = kMissingLevel;
  auto ia = a.secondary_ids.begin();
  auto ib = b.secondary_ids.begin();
  while (ia != a.secondary_ids.end() && ib != b.secondary_ids.end()) {
    if (ia->first < ib->first) {
      ++ia;
    } else if (ib->first < ia->first) {
      ++ib;
    } else {
      const int d = BoundedDamerauLevenshtein(ia->second, ib->second, 2);
      best = std::min<uint8_t>(best, static_cast<uint8_t>(std::min(d, 3)));
      ++ia;
      ++ib;
    }
  }
  return best;
}

// Soft Jaccard of two sorted, unique word lists: a word of `a` matches an equal word of `b`,
// or else (from 4 letters on) an unused word one edit away.
uint8_t AddressLevel(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  if (a == b) return 0;
  constexpr size_t kMaxWords = 64;
  bool used_b[kMaxWords] = {};
  bool matched_a[kMaxWords] = {};
  const size_t na = std::min(a.size(), kMaxWords);
  const size_t nb = std::min(b.size(), kMaxWords);
  size_t matches = 0;
  for (size_t i = 0, j = 0; i < na && j < nb;) {  // exact matches by merge
    if (a[i] < b[j]) {
      ++i;
    } else if (b[j] < a[i]) {
      ++j;
    } else {
      matched_a[i++] = used_b[j++] = true;
      ++matches;
    }
  }
  for (size_t i = 0; i < na; ++i) {
    if (matched_a[i] || a[i].size() < 4) continue;
    for (size_t j = 0; j < nb; ++j) {
      if (used_b[j] || b[j].size() < 4) continue;
      if (BoundedDamerauLevenshtein(a[i], b[j], 1) <= 1) {
        used_b[j] = true;
        ++matches;
        break;
      }
    }
  }
  if (matches == 0) return 3;
  const double jaccard = static_cast<double>(matches) / static_cast<double>(na + nb - matches);
  return jaccard >= 0.6 ? 1 : 2;  // Equal sets returned "exact" above.
}

}  // namespace

std::string_view FieldName(Field field) { return kSpecs[FieldIndex(field)].name; }

int LevelCount(Field field) { return kSpecs[FieldIndex(field)].level_count; }

std::string_view LevelName(Field field, uint8_t level) {
  if (level == kMissingLevel) return "missing";
  const FieldSpec& spec = kSpecs[FieldIndex(field)];
  if (level >= spec.level_count) return "?";
  return spec.levels[level];
}

uint64_t ComparisonPattern::Pack() const {
  uint64_t packed = 0;
  for (int i = 0; i < kFieldCount; ++i) packed |= static_cast<uint64_t>(levels[i] & 0xF) << (4 * i);
  return packed;
}

ComparisonPattern ComparisonPattern::Unpack(uint64_t packed) {
  ComparisonPattern p;
  for (int i = 0; i < kFieldCount; ++i)
    p.levels[i] = static_cast<uint8_t>((packed >> (4 * i)) & 0xF);
  return p;
}

ComparisonPattern Compare(const PersonRecord& a, const PersonRecord& b) {
  ComparisonPattern p;
  CompareNames(a, b, &p);
  if (a.has_birth_date() && b.has_birth_date())
    p.set_level(Field::kBirthDate, BirthDateLevel(a, b));
  if (a.gender != 0 && b.gender != 0) p.set_level(Field::kGender, a.gender == b.gender ? 0 : 1);
  if (!a.email.empty() && !b.email.empty()) p.set_level(Field::kEmail, EditLevel(a.email, b.email));
  if (!a.phone.empty() && !b.phone.empty()) p.set_level(Field::kPhone, EditLevel(a.phone, b.phone));
  if (!a.loyalty_id.empty() && !b.loyalty_id.empty()) {
    p.set_level(Field::kLoyaltyId, a.loyalty_id == b.loyalty_id ? 0 : 1);
  }
  if (!a.national_id_hash.empty() && !b.national_id_hash.empty()) {
    p.set_level(Field::kNationalId, a.national_id_hash == b.national_id_hash ? 0 : 1);
  }
  p.set_level(Field::kSecondaryId, SecondaryIdLevel(a, b));
  if (!a.postal_code.empty() && !b.postal_code.empty()) {
    p.set_level(Field::kPostalCode, EditLevel(a.postal_code, b.postal_code));
  }
  if (!a.street_number.empty() && !b.street_number.empty()) {
    p.set_level(Field::kStreetNumber, EditLevel(a.street_number, b.street_number));
  }
  if (!a.address_tokens.empty() && !b.address_tokens.empty()) {
    p.set_level(Field::kAddress, AddressLevel(a.address_tokens, b.address_tokens));
  }
  if (!a.city.empty() && !b.city.empty()) {
    const double jw = a.city == b.city ? 1.0 : FastJaroWinkler(a.city, b.city);
    p.set_level(Field::kCity, jw >= 1.0 ? 0 : (jw >= 0.90 ? 1 : 2));
  }
  if (!a.region.empty() && !b.region.empty()) {
    p.set_level(Field::kRegion, a.region == b.region ? 0 : 1);
  }
  return p;
}

}  // namespace clientele::identity
