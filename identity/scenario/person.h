// The people of a scenario: who they really are (the ground truth every record is a noisy
// rendering of), generated household by household.
//
// A household has one member (most) or several: spouses, siblings, children, twins. Members
// share the family name, the address and, often, a landline and a family e-mail address, but
// have their own given names and birth dates (twins share the birth date too): the "hard
// negatives" a resolver must not merge.
//
// Contacts are unique across people unless shared on purpose: mobiles and landlines come from
// keyed permutations of person and household numbers, e-mail addresses are checked (as
// mailboxes: Gmail ignores dots) against all addresses handed out so far.
#ifndef CLIENTELE_IDENTITY_SCENARIO_PERSON_H_
#define CLIENTELE_IDENTITY_SCENARIO_PERSON_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "clientele/common/v1/types.pb.h"
#include "identity/scenario/pools.h"

namespace clientele::identity::scenario {

struct BirthDate {
  int year = 0;
  int month = 0;
  int day = 0;
};

enum class Relation { kSingle, kHead, kSpouse, kSibling, kChild, kTwin };

struct Person {
  int64_t index = 0;      // 0-based, in generation order.
  int64_t household = 0;  // 0-based household number.
  Relation relation = Relation::kSingle;
  Locale locale = Locale::kTurkish;
  std::string given_name;   // Proper spelling, e.g. "Ayşe".
  std::string family_name;  // e.g. "Yılmaz".
  common::v1::Gender gender = common::v1::GENDER_UNSPECIFIED;
  BirthDate birth_date;
  // Address, as the person writes it in full.
  std::string street_line;  // "Moda Mahallesi Şair Nedim Sokak No: 12 Daire: 3".
  std::string district;
  std::string city;
  std::string region;
  std::string postal_code;
  // Own contacts; empty when the person has none (children).
  std::string email;       // Lowercase, e.g. "ayse.yilmaz84@gmail.com".
  std::string mobile;      // E.164, e.g. "+905321234567".
  std::string loyalty_id;  // 12 digits with a Luhn check digit, or empty.
  // Contacts shared with the household; empty when there are none.
  std::string family_email;
  std::string landline;  // E.164.
};

struct PeopleOptions {
  double turkish_share = 0.6;  // Of households whose locale is not forced.
  double family_share = 0.2;   // Of households with two to four members.
  double loyalty_share = 0.6;  // Of people with a loyalty card.
};

// Generates people in order. Deterministic: the same seed and options give the same people.
// Not thread-safe (it remembers the e-mail addresses handed out).
class PeopleGenerator {
 public:
  // `forced_locale`, if set, may fix the locale of the household whose first member has the
  // given person index (used to give Online Retail's UK customers English names).
  PeopleGenerator(uint64_t seed, PeopleOptions options,
                  std::function<std::optional<Locale>(int64_t)> forced_locale = nullptr);

  // Appends the next household (at least one, at most `max_members` members) to `people`.
  // REQUIRES: max_members >= 1.
  void NextHousehold(int64_t max_members, std::vector<Person>* people);

 private:
  std::string UniqueEmail(std::string candidate_local, std::string_view domain, uint64_t salt);

  const uint64_t seed_;
  const PeopleOptions options_;
  const std::function<std::optional<Locale>(int64_t)> forced_locale_;
  int64_t next_person_ = 0;
  int64_t next_household_ = 0;
  absl::flat_hash_set<std::string> emails_;
};

// Days in `month` of `year` (Gregorian).
int DaysInMonth(int year, int month);

}  // namespace clientele::identity::scenario

#endif  // CLIENTELE_IDENTITY_SCENARIO_PERSON_H_
