// Field comparisons of two PersonRecords: for every compared field, a small ordered set of
// agreement levels (strongest first, "other" last) or "missing" when either side is unknown.
// The vector of levels is a ComparisonPattern, the unit the Fellegi-Sunter model weighs and
// estimates from.
//
//   ComparisonPattern p = Compare(a, b);
//   p.level(Field::kBirthDate)          // e.g. 1 = "day_month_swapped", kMissingLevel if unknown
//   LevelName(Field::kBirthDate, 1)     // "day_month_swapped"
//
// Levels per field (thresholds are on the normalized values of PersonRecord):
//   given_name, family_name  exact | swapped (given and family name exchanged, one cross
//                            pair at least jaro_winkler>=0.92, the other >=0.80: one event,
//                            so only given_name takes the level and family_name is then
//                            "missing") | jaro_winkler>=0.92 | jaro_winkler>=0.80 (or one
//                            edit apart, from 3 letters on) | other; both "exact" when the
//                            words of given + family name are the same, split differently
//   birth_date               exact | day_month_swapped | one_component_differs (two of
//                            year/month/day equal) | year_within_2 (years at most 2 apart,
//                            month and day differ) | other
//   gender                   exact | other
//   email                    exact | one_edit | other
//   phone                    exact | one_edit (a digit typo) | other
//   loyalty_id, national_id  exact | other
//   secondary_id             exact | one_edit | two_edits | other (best over shared keys)
//   postal_code              exact | one_edit | other
//   street_number            exact | one_edit | other
//   address                  exact (same word sets) | most_words (soft Jaccard >= 0.6) |
//                            some_words (> 0) | other; words match when equal or, from 4
//                            letters on, one edit apart
//   city                     exact | jaro_winkler>=0.90 | other
//   region                   exact | other
//
// Pure and thread-safe; Compare allocates nothing for ASCII values.
#ifndef CLIENTELE_IDENTITY_MATCHING_COMPARISON_H_
#define CLIENTELE_IDENTITY_MATCHING_COMPARISON_H_

#include <array>
#include <cstdint>
#include <string_view>

#include "identity/matching/person_record.h"

namespace clientele::identity {

enum class Field : uint8_t {
  kGivenName,
  kFamilyName,
  kBirthDate,
  kGender,
  kEmail,
  kPhone,
  kLoyaltyId,
  kNationalId,
  kSecondaryId,
  kPostalCode,
  kStreetNumber,
  kAddress,
  kCity,
  kRegion,
};
inline constexpr int kFieldCount = 14;
inline constexpr int kMaxLevels = 6;
// The level of a field that is unknown on either side; it carries no weight.
inline constexpr uint8_t kMissingLevel = 0xF;

inline constexpr Field FieldAt(int i) { return static_cast<Field>(i); }
inline constexpr int FieldIndex(Field f) { return static_cast<int>(f); }

// "given_name", "birth_date", ...
std::string_view FieldName(Field field);
// Number of levels of `field`, "missing" excluded (2..kMaxLevels).
int LevelCount(Field field);
// "exact", "one_edit", ... or "missing" for kMissingLevel; "?" when out of range.
std::string_view LevelName(Field field, uint8_t level);

struct ComparisonPattern {
  std::array<uint8_t, kFieldCount> levels;

  ComparisonPattern() { levels.fill(kMissingLevel); }
  uint8_t level(Field f) const { return levels[FieldIndex(f)]; }
  void set_level(Field f, uint8_t level) { levels[FieldIndex(f)] = level; }

  // 4 bits per field, for hashing and histograms. Unpack(Pack()) is the identity.
  uint64_t Pack() const;
  static ComparisonPattern Unpack(uint64_t packed);
  bool operator==(const ComparisonPattern& o) const { return levels == o.levels; }
};

// Compares every field of `a` and `b`.
ComparisonPattern Compare(const PersonRecord& a, const PersonRecord& b);

}  // namespace clientele::identity

#endif  // CLIENTELE_IDENTITY_MATCHING_COMPARISON_H_
