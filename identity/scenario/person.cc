#include "identity/scenario/person.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "identity/scenario/cat.h"
#include "identity/scenario/noise.h"
#include "identity/scenario/rng.h"

namespace clientele::identity::scenario {
namespace {

constexpr uint64_t kStreamHousehold = 1;
// A pseudo-random bijection of [0, range), keyed by the use (`offset`) and the range.
uint64_t Scramble(uint64_t n, uint64_t range, uint64_t offset) {
  return PermuteIndex(n, range, MixSeed(offset, range, 0x5eed));
}

std::string PadNumber(uint64_t value, int digits) {
  std::string s = std::to_string(value);
  if (static_cast<int>(s.size()) < digits) s.insert(0, digits - s.size(), '0');
  return s;
}

// Unique per person for fewer than (prefixes x 10^subscriber_digits) people.
std::string MobileFor(const LocalePools& pools, int64_t person_index, uint64_t seed) {
  const int subscriber_digits = pools.locale == Locale::kTurkish ? 7 : 6;
  uint64_t subscriber_range = 1;
  for (int i = 0; i < subscriber_digits; ++i) subscriber_range *= 10;
  const uint64_t range = pools.mobile_prefixes.size() * subscriber_range;
  const uint64_t x = Scramble(static_cast<uint64_t>(person_index), range, seed % range);
  return Cat("+", pools.phone_country_code, pools.mobile_prefixes[x / subscriber_range],
             PadNumber(x % subscriber_range, subscriber_digits));
}

// Unique per household of one city for fewer than leads x 10^(digits-1) households; the
// subscriber number starts with one of the city's valid leading digits.
std::string LandlineFor(const LocalePools& pools, const City& city, int64_t household,
                        uint64_t seed) {
  uint64_t unit = 1;
  for (int i = 1; i < city.landline_digits; ++i) unit *= 10;
  const uint64_t range = city.landline_leads.size() * unit;
  const uint64_t x = Scramble(static_cast<uint64_t>(household), range, (seed >> 7) % range);
  return Cat("+", pools.phone_country_code, city.landline_area,
             city.landline_leads.substr(x / unit, 1),
             PadNumber(x % unit, city.landline_digits - 1));
}

// 11 scrambled digits and a Luhn check digit.
std::string LoyaltyIdFor(int64_t person_index, uint64_t seed) {
  const uint64_t range = 100000000000ULL;  // 10^11
  std::string digits =
      PadNumber(Scramble(static_cast<uint64_t>(person_index), range, (seed >> 3) % range), 11);
  int sum = 0;
  for (int i = 0; i < 11; ++i) {
    int d = digits[10 - i] - '0';
    if (i % 2 == 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  digits.push_back(static_cast<char>('0' + (10 - sum % 10) % 10));
  return digits;
}

// Letters of a name usable in an e-mail local part: ASCII-folded, lower case, no spaces or
// apostrophes.
std::string EmailPart(std::string_view name) {
  std::string out;
  for (char c : LowerAscii(AsciiFold(name))) {
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) out.push_back(c);
  }
  return out;
}

std::string EmailLocal(const std::string& given, const std::string& family, int birth_year,
                       Rng& rng) {
  const std::string g = EmailPart(given), f = EmailPart(family);
  const std::string yy = PadNumber(birth_year % 100, 2);
  switch (rng.Below(9)) {
    case 0:
      return Cat(g, ".", f);
    case 1:
      return Cat(g, f);
    case 2:
      return Cat(g, "_", f);
    case 3:
      return Cat(g.substr(0, 1), ".", f);
    case 4:
      return Cat(g, ".", f, yy);
    case 5:
      return Cat(g, yy);
    case 6:
      return Cat(f, ".", g);
    case 7:
      return Cat(g, f, birth_year);
    default:
      return Cat(g.substr(0, 1), f, yy);
  }
}

BirthDate RandomDate(Rng& rng, int first_year, int last_year) {
  BirthDate d;
  d.year = static_cast<int>(rng.Between(first_year, last_year));
  d.month = static_cast<int>(rng.Between(1, 12));
  d.day = static_cast<int>(rng.Between(1, DaysInMonth(d.year, d.month)));
  return d;
}

// A given name of `gender` not yet used in the household.
std::string GivenName(const LocalePools& pools, common::v1::Gender gender,
                      const std::vector<Person>& people, size_t household_start, Rng& rng) {
  const absl::Span<const std::string_view> pool =
      gender == common::v1::GENDER_FEMALE ? pools.female_given : pools.male_given;
  for (;;) {
    std::string_view name = rng.Pick(pool);
    bool used = false;
    for (size_t i = household_start; i < people.size(); ++i) used |= people[i].given_name == name;
    if (!used) return std::string(name);
  }
}

}  // namespace

int DaysInMonth(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

PeopleGenerator::PeopleGenerator(uint64_t seed, PeopleOptions options,
                                 std::function<std::optional<Locale>(int64_t)> forced_locale)
    : seed_(seed), options_(options), forced_locale_(std::move(forced_locale)) {}

std::string PeopleGenerator::UniqueEmail(std::string local, std::string_view domain,
                                         uint64_t salt) {
  // Unique as a mailbox: Gmail ignores dots in the local part, so two addresses that differ
  // only in dots are one mailbox there (identity's e-mail normalization folds them too).
  auto mailbox = [domain](const std::string& email) {
    if (domain != "gmail.com") return email;
    std::string key;
    for (char c : email) {
      if (c != '.' || key.find('@') != std::string::npos) key.push_back(c);
    }
    return key;
  };
  std::string email = Cat(local, "@", domain);
  Rng rng(MixSeed(seed_, salt, 99));
  for (uint64_t digits = 10; !emails_.insert(mailbox(email)).second; digits *= 10) {
    email = Cat(local, rng.Below(digits * 9) + digits, "@", domain);
  }
  return email;
}

void PeopleGenerator::NextHousehold(int64_t max_members, std::vector<Person>* people) {
  const int64_t household = next_household_++;
  Rng rng(MixSeed(seed_, static_cast<uint64_t>(household), kStreamHousehold));
  int64_t size = 1;
  if (rng.Bernoulli(options_.family_share)) {
    const double u = rng.Uniform();
    size = u < 0.55 ? 2 : u < 0.85 ? 3 : 4;
  }
  if (size > max_members) size = max_members;

  Locale locale = rng.Bernoulli(options_.turkish_share) ? Locale::kTurkish : Locale::kEnglish;
  if (forced_locale_) {
    if (std::optional<Locale> forced = forced_locale_(next_person_)) locale = *forced;
  }
  const LocalePools& pools = PoolsFor(locale);
  const std::string family_name(rng.Pick(pools.family));
  const City& city = rng.Pick(pools.cities);
  const District& district = rng.Pick(city.districts);
  std::string street_line;
  const int number = static_cast<int>(rng.Between(1, 180));
  if (locale == Locale::kTurkish) {
    street_line = Cat(rng.Pick(pools.neighbourhoods), " Mahallesi ", rng.Pick(pools.streets), " ",
                      rng.Pick(pools.street_types), " No: ", number);
    if (rng.Bernoulli(0.7)) CatAppend(&street_line, " Daire: ", rng.Between(1, 24));
  } else {
    street_line = rng.Bernoulli(0.25) ? Cat("Flat ", rng.Between(1, 30), ", ") : "";
    CatAppend(&street_line, number, " ", rng.Pick(pools.streets), " ",
              rng.Pick(pools.street_types));
  }
  std::string postal_code(district.postal_code);
  if (locale == Locale::kEnglish) {
    static constexpr char kLetters[] = "ABDEFGHJLNPQRSTUWXYZ";
    CatAppend(&postal_code, " ", rng.Between(1, 9), std::string(1, kLetters[rng.Below(20)]),
              std::string(1, kLetters[rng.Below(20)]));
  }
  const bool has_landline = rng.Bernoulli(size > 1 ? 0.6 : 0.2);
  const std::string landline =
      has_landline ? LandlineFor(pools, city, household, seed_) : std::string();

  const size_t start = people->size();
  const BirthDate head_birth = RandomDate(rng, 1945, 1995);
  for (int64_t m = 0; m < size; ++m) {
    Person& p = people->emplace_back();
    p.index = next_person_++;
    p.household = household;
    p.locale = locale;
    p.family_name = family_name;
    p.street_line = street_line;
    p.district = std::string(district.name);
    p.city = std::string(city.name);
    p.region = std::string(city.region);
    p.postal_code = postal_code;
    p.landline = landline;
    if (size == 1) {
      p.relation = Relation::kSingle;
    } else if (m == 0) {
      p.relation = Relation::kHead;
    } else if (m == 1) {
      p.relation = rng.Bernoulli(0.65) ? Relation::kSpouse : Relation::kSibling;
    } else {
      // Children are grown up (customers are adults): only heads born by 1975 have them.
      const Person& previous = (*people)[start + m - 1];
      if ((*people)[start].birth_date.year > 1975) {
        p.relation = Relation::kSibling;
      } else if (m >= 3 && previous.relation == Relation::kChild && rng.Bernoulli(0.3)) {
        p.relation = Relation::kTwin;
      } else {
        p.relation = Relation::kChild;
      }
    }
    const Person* head = m > 0 ? &(*people)[start] : nullptr;
    if (p.relation == Relation::kSpouse) {
      p.gender = head->gender == common::v1::GENDER_FEMALE ? common::v1::GENDER_MALE
                                                           : common::v1::GENDER_FEMALE;
    } else {
      p.gender = rng.Bernoulli(0.5) ? common::v1::GENDER_FEMALE : common::v1::GENDER_MALE;
    }
    p.given_name = GivenName(pools, p.gender, *people, start, rng);
    switch (p.relation) {
      case Relation::kSingle:
      case Relation::kHead:
        p.birth_date = head_birth;
        break;
      case Relation::kSpouse:
        p.birth_date = RandomDate(rng, head->birth_date.year - 6, head->birth_date.year + 6);
        break;
      case Relation::kSibling:
        p.birth_date = RandomDate(rng, std::max(1940, head->birth_date.year - 8),
                                  std::min(1995, head->birth_date.year + 8));
        break;
      case Relation::kChild:
        p.birth_date =
            RandomDate(rng, head->birth_date.year + 20, std::min(1995, head->birth_date.year + 38));
        break;
      case Relation::kTwin:
        p.birth_date = (*people)[start + m - 1].birth_date;
        break;
    }
    // Everyone is at least 16 at the end of 2011 (the Online Retail period).
    if (rng.Bernoulli(0.92)) {
      p.email = UniqueEmail(EmailLocal(p.given_name, p.family_name, p.birth_date.year, rng),
                            rng.Pick(pools.email_domains), static_cast<uint64_t>(p.index));
    }
    // Everyone can be reached somehow: no e-mail and no phone at home means a mobile.
    if (rng.Bernoulli(0.95) || (p.email.empty() && landline.empty())) {
      p.mobile = MobileFor(pools, p.index, seed_);
    }
    if (rng.Bernoulli(options_.loyalty_share)) {
      p.loyalty_id = LoyaltyIdFor(p.index, seed_);
    }
  }
  if (size > 1 && rng.Bernoulli(0.5)) {
    const std::string f = EmailPart(family_name);
    std::string local;
    switch (rng.Below(3)) {
      case 0:
        local = locale == Locale::kTurkish ? Cat(f, "ailesi") : Cat("the", f, "s");
        break;
      case 1:
        local = Cat(f, ".family");
        break;
      default:
        local = Cat(f, "ev");
        break;
    }
    const std::string family_email = UniqueEmail(local, rng.Pick(pools.email_domains),
                                                 static_cast<uint64_t>(household) | (1ULL << 62));
    for (size_t i = start; i < people->size(); ++i) (*people)[i].family_email = family_email;
  }
}

}  // namespace clientele::identity::scenario
