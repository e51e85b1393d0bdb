// Name, street and place pools of the scenario generator: Turkish (with its own letters
// Ş ş Ğ ğ İ ı Ç ç Ö ö Ü ü) and English. Static data, safe to read from any thread.
#ifndef CLIENTELE_IDENTITY_SCENARIO_POOLS_H_
#define CLIENTELE_IDENTITY_SCENARIO_POOLS_H_

#include <string_view>

#include "absl/types/span.h"

namespace clientele::identity::scenario {

enum class Locale { kTurkish, kEnglish };

// A district (or town area) where people live.
struct District {
  std::string_view name;         // "Kadıköy", "Islington".
  std::string_view postal_code;  // TR: 5 digits; GB: the outward code ("N1").
};

struct City {
  std::string_view name;  // "İstanbul", "London".
  std::string_view region;
  // National trunk code of landlines without the leading 0 ("216", "20").
  std::string_view landline_area;
  // Digits of a landline's subscriber number after the area code.
  int landline_digits;
  // Digits a subscriber number may start with (libphonenumber's valid ranges).
  std::string_view landline_leads;
  absl::Span<const District> districts;
};

struct LocalePools {
  Locale locale;
  std::string_view country;             // As a person writes it: "Türkiye", "United Kingdom".
  std::string_view country_code;        // ISO 3166-1 alpha-2.
  std::string_view phone_country_code;  // "90", "44".
  absl::Span<const std::string_view> female_given;
  absl::Span<const std::string_view> male_given;
  absl::Span<const std::string_view> family;
  absl::Span<const std::string_view> streets;         // Street names without the type.
  absl::Span<const std::string_view> street_types;    // "Caddesi", "Road" ...
  absl::Span<const std::string_view> neighbourhoods;  // TR "mahalle"; empty for GB.
  absl::Span<const std::string_view> email_domains;
  absl::Span<const std::string_view> mobile_prefixes;  // National, without trunk 0: "532".
  absl::Span<const City> cities;
};

const LocalePools& PoolsFor(Locale locale);

}  // namespace clientele::identity::scenario

#endif  // CLIENTELE_IDENTITY_SCENARIO_POOLS_H_
