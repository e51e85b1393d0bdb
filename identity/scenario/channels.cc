#include "identity/scenario/channels.h"

#include <string>
#include <utility>

#include "identity/scenario/cat.h"

namespace clientele::identity::scenario {
namespace {

// How a system records people: probabilities of having each field and of each noise.
struct Habits {
  double email, phone, name, full_name_only, loyalty, address, birth, gender;
  bool partial_address;  // Only district and city (a store asks for no more).
  double typo, transliteration, upper_case, swap, plus_tag, email_case;
  double shared_email, shared_landline;
  double relay_email;  // A marketplace's masked address instead of the real one.
};

constexpr Habits kHabits[] = {
    // web_shop
    {0.97, 0.40, 0.98, 0.05, 0.10, 0.70, 0.35, 0.30, false, 0.03, 0.15, 0.02, 0.02, 0.06, 0.08,
     0.30, 0.10, 0.0},
    // pos
    {0.15, 0.95, 0.97, 0.35, 0.75, 0.40, 0.15, 0.20, true, 0.06, 0.50, 0.35, 0.04, 0.0, 0.05, 0.30,
     0.25, 0.0},
    // mobile_app
    {0.85, 0.75, 0.92, 0.0, 0.90, 0.30, 0.50, 0.50, false, 0.02, 0.10, 0.01, 0.01, 0.03, 0.05, 0.20,
     0.05, 0.0},
    // call_center
    {0.20, 0.98, 0.99, 0.50, 0.30, 0.30, 0.40, 0.10, false, 0.30, 0.40, 0.10, 0.06, 0.0, 0.10, 0.30,
     0.30, 0.0},
    // marketplace
    {0.90, 0.60, 0.99, 0.70, 0.0, 0.95, 0.05, 0.10, false, 0.04, 0.30, 0.05, 0.03, 0.0, 0.05, 0.20,
     0.05, 0.75},
    // online_retail
    {0.97, 0.30, 0.97, 0.10, 0.0, 0.60, 0.20, 0.20, false, 0.03, 0.20, 0.03, 0.02, 0.05, 0.10, 0.30,
     0.10, 0.0},
};

constexpr std::string_view kSystemNames[] = {"web_shop",    "pos",         "mobile_app",
                                             "call_center", "marketplace", "online_retail"};
constexpr std::string_view kPlusTags[] = {"shop", "promo", "news", "2011", "alisveris", "orders"};

void Count(NoiseKind kind, NoiseCounts* counts) { ++(*counts)[static_cast<int>(kind)]; }

uint64_t Scramble(uint64_t n, uint64_t range, uint64_t offset) {
  return PermuteIndex(n, range, MixSeed(offset, range, 0x5eed));
}

std::string Digits(uint64_t value, int width) {
  std::string s = std::to_string(value);
  if (static_cast<int>(s.size()) < width) s.insert(0, width - s.size(), '0');
  return s;
}

// "ayse.yilmaz@gmail.com" -> "Ayse.Yilmaz@Gmail.com" or all capitals.
std::string EmailCase(std::string_view email, Rng& rng) {
  std::string out(email);
  if (rng.Bernoulli(0.2)) {
    for (char& c : out) {
      if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    }
    return out;
  }
  bool word_start = true;
  for (char& c : out) {
    if (word_start && c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    word_start = c == '.' || c == '@' || c == '_';
  }
  return out;
}

}  // namespace

std::string_view SystemName(System system) { return kSystemNames[static_cast<int>(system)]; }

common::v1::Channel ChannelOf(System system) {
  switch (system) {
    case System::kWebShop:
      return common::v1::CHANNEL_ONLINE_SHOP;
    case System::kPos:
      return common::v1::CHANNEL_STORE_POS;
    case System::kMobileApp:
      return common::v1::CHANNEL_MOBILE_APP;
    case System::kCallCenter:
      return common::v1::CHANNEL_CALL_CENTER;
    case System::kMarketplace:
      return common::v1::CHANNEL_MARKETPLACE;
    case System::kOnlineRetail:
      return common::v1::CHANNEL_ONLINE_SHOP;
    case System::kCount:
      break;
  }
  return common::v1::CHANNEL_OTHER;
}

System RandomSystem(Rng& rng) {
  const double u = rng.Uniform();
  if (u < 0.35) return System::kWebShop;
  if (u < 0.60) return System::kPos;
  if (u < 0.80) return System::kMobileApp;
  if (u < 0.90) return System::kCallCenter;
  return System::kMarketplace;
}

std::string RecordId(System system, int64_t person_index, int ordinal, uint64_t seed) {
  const uint64_t key = static_cast<uint64_t>(person_index) * 16 + static_cast<uint64_t>(ordinal);
  switch (system) {
    case System::kWebShop:
      return Cat("WS", Digits(Scramble(key, 10000000000ULL, seed % 10000000000ULL), 10));
    case System::kPos:
      return Cat("POS", Digits(Scramble(key, 1000000000ULL, (seed >> 5) % 1000000000ULL), 9));
    case System::kMobileApp: {
      // MixSeed is a bijection of its second argument.
      const uint64_t x = MixSeed(seed, key, 5);
      static constexpr char kHex[] = "0123456789abcdef";
      std::string id(16, '0');
      for (int i = 0; i < 16; ++i) id[15 - i] = kHex[(x >> (4 * i)) & 0xF];
      return id;
    }
    case System::kCallCenter:
      return Cat("CC", Digits(Scramble(key, 1000000000ULL, (seed >> 9) % 1000000000ULL), 9));
    case System::kMarketplace:
      return Cat("MP-", Digits(Scramble(key, 10000000000ULL, (seed >> 13) % 10000000000ULL), 10));
    case System::kOnlineRetail:
    case System::kCount:
      break;
  }
  return Cat("X", key);
}

void RenderCustomer(const Person& person, System system, double noise, std::string_view relay_id,
                    Rng& rng, common::v1::CustomerUpsert* out, NoiseCounts* counts) {
  const Habits& h = kHabits[static_cast<int>(system)];
  const LocalePools& pools = PoolsFor(person.locale);

  // Names.
  if (rng.Bernoulli(h.name)) {
    std::string given = person.given_name, family = person.family_name;
    NoiseKind kind;
    if (rng.Bernoulli(h.typo * noise)) {
      given = Typo(given, rng, &kind);
      if (kind != NoiseKind::kCount) Count(kind, counts);
    }
    if (rng.Bernoulli(h.typo * noise)) {
      family = Typo(family, rng, &kind);
      if (kind != NoiseKind::kCount) Count(kind, counts);
    }
    if (person.locale == Locale::kTurkish && rng.Bernoulli(h.transliteration * noise) &&
        (HasTurkishLetters(given) || HasTurkishLetters(family))) {
      given = AsciiFold(given);
      family = AsciiFold(family);
      Count(NoiseKind::kTransliteration, counts);
    }
    if (rng.Bernoulli(h.upper_case * noise)) {
      given = UpperCase(given, person.locale);
      family = UpperCase(family, person.locale);
      Count(NoiseKind::kUpperCase, counts);
    }
    if (rng.Bernoulli(h.swap * noise)) {
      std::swap(given, family);
      Count(NoiseKind::kNameSwap, counts);
    }
    if (rng.Bernoulli(h.full_name_only)) {
      out->set_full_name(Cat(given, " ", family));
      Count(NoiseKind::kFullNameOnly, counts);
    } else {
      out->set_given_name(std::move(given));
      out->set_family_name(std::move(family));
    }
  } else if (h.name >= 0.9) {
    Count(NoiseKind::kMissingField, counts);
  }

  // E-mail.
  const bool has_any_email = !person.email.empty() || !person.family_email.empty();
  if (has_any_email && rng.Bernoulli(h.email)) {
    std::string email;
    if (rng.Bernoulli(h.relay_email)) {
      email = Cat(relay_id, "@relay.marketplace.example");
    } else if (person.email.empty() ||
               (!person.family_email.empty() && rng.Bernoulli(h.shared_email))) {
      email = person.family_email;
      Count(NoiseKind::kSharedEmail, counts);
    } else {
      email = person.email;
    }
    if (h.plus_tag > 0 && rng.Bernoulli(h.plus_tag * noise)) {
      const size_t at = email.find('@');
      email.insert(at, Cat("+", rng.Pick(kPlusTags)));
      Count(NoiseKind::kEmailPlusTag, counts);
    }
    if (rng.Bernoulli(h.email_case * noise)) {
      email = EmailCase(email, rng);
      Count(NoiseKind::kEmailCase, counts);
    }
    out->set_email(std::move(email));
  } else if (has_any_email && h.email >= 0.9) {
    Count(NoiseKind::kMissingField, counts);
  }

  // Phone.
  const bool has_any_phone = !person.mobile.empty() || !person.landline.empty();
  const bool want_phone = rng.Bernoulli(h.phone);
  // A record with no e-mail, phone or loyalty id could only match on name and address:
  // channels that identify customers ask for a phone then.
  const bool need_phone = out->email().empty() && person.loyalty_id.empty();
  if (has_any_phone && (want_phone || need_phone)) {
    std::string_view e164;
    if (person.mobile.empty() || (!person.landline.empty() && rng.Bernoulli(h.shared_landline))) {
      e164 = person.landline;
      Count(NoiseKind::kSharedLandline, counts);
    } else {
      e164 = person.mobile;
    }
    bool reformatted = false;
    out->set_phone(FormatPhone(e164, person.locale, rng, &reformatted));
    if (reformatted) Count(NoiseKind::kPhoneFormat, counts);
  } else if (has_any_phone && h.phone >= 0.9) {
    Count(NoiseKind::kMissingField, counts);
  }

  // Loyalty card.
  if (!person.loyalty_id.empty() &&
      (rng.Bernoulli(h.loyalty) || (out->email().empty() && out->phone().empty()))) {
    out->set_loyalty_id(person.loyalty_id);
  }

  // A record needs something to be found by: fall back on the e-mail.
  if (out->email().empty() && out->phone().empty() && out->loyalty_id().empty() && has_any_email) {
    out->set_email(person.email.empty() ? person.family_email : person.email);
    if (person.email.empty()) Count(NoiseKind::kSharedEmail, counts);
  }

  // Address. Every system knows its market's country.
  common::v1::Address* address = out->mutable_address();
  address->set_country_code(std::string(pools.country_code));
  if (rng.Bernoulli(h.address)) {
    if (!h.partial_address) {
      std::string line = person.street_line;
      if (rng.Bernoulli(0.3 * noise)) {
        std::string abbreviated = AbbreviateAddress(line);
        if (abbreviated != line) Count(NoiseKind::kAddressAbbreviation, counts);
        line = std::move(abbreviated);
      }
      address->add_lines(std::move(line));
      if (rng.Bernoulli(0.85)) address->set_postal_code(person.postal_code);
      if (rng.Bernoulli(0.5)) address->set_region(person.region);
    }
    address->set_district(person.district);
    address->set_city(person.city);
    if (person.locale == Locale::kTurkish) {
      address->set_country(rng.Bernoulli(0.6) ? "Türkiye" : "Turkey");
    } else {
      address->set_country(rng.Bernoulli(0.8) ? "United Kingdom" : "UK");
    }
  }

  // Birth date and gender.
  if (rng.Bernoulli(h.birth)) {
    common::v1::Date* date = out->mutable_birth_date();
    date->set_year(person.birth_date.year);
    date->set_month(person.birth_date.month);
    date->set_day(person.birth_date.day);
    if (person.birth_date.day <= 12 && person.birth_date.day != person.birth_date.month &&
        rng.Bernoulli(0.03 * noise)) {
      date->set_month(person.birth_date.day);
      date->set_day(person.birth_date.month);
      Count(NoiseKind::kBirthDateSwap, counts);
    }
  } else if (h.birth >= 0.3) {
    Count(NoiseKind::kBirthDateMissing, counts);
  }
  if (rng.Bernoulli(h.gender)) out->set_gender(person.gender);
}

}  // namespace clientele::identity::scenario
