// Phone number normalization to E.164 with libphonenumber.
//
//   NormalizePhoneE164("0532 123 45 67")        // "+905321234567" (default region TR)
//   NormalizePhoneE164("+90 (532) 123-4567")    // "+905321234567"
//   NormalizePhoneE164("020 7946 0958", "GB")   // "+442079460958"
//   NormalizePhoneE164("call me")               // std::nullopt
//
// Thread-safe (libphonenumber's PhoneNumberUtil singleton is). CMake target:
// clientele::identity_normalize.
#ifndef CLIENTELE_IDENTITY_NORMALIZE_PHONE_H_
#define CLIENTELE_IDENTITY_NORMALIZE_PHONE_H_

#include <optional>
#include <string>
#include <string_view>

namespace clientele::identity {

// Parses `raw` as a phone number and returns it in E.164 form ("+" country code, national
// number, no spaces), or std::nullopt if it cannot be parsed or is not a valid number for its
// region per libphonenumber's metadata (length and prefix rules; it does not check that the
// number is assigned). `default_region` is a CLDR region code ("TR", "GB", "US"; case-
// insensitive) used when `raw` has no "+" or international prefix. Extensions are dropped.
// Invalid UTF-8 yields std::nullopt.
std::optional<std::string> NormalizePhoneE164(std::string_view raw,
                                              std::string_view default_region = "TR");

// One spelling for the many ways of writing a number, for keying a cache of
// NormalizePhoneE164: NormalizePhoneE164(CanonicalPhoneInput(raw, r), r) equals
// NormalizePhoneE164(raw, r). When `raw` holds only digits, the separators ' ', '-', '.', '('
// and ')', and at most a leading '+', the separators are dropped; in region TR a national
// number ("0532 123 45 67", "532 123 4567") becomes "+90" and its ten digits, the spelling of
// "+90 532 123 45 67" (for other regions the national prefix rules are not this simple). Any
// other input is returned as it is. A result that starts with '+' means the same in every
// region.
std::string CanonicalPhoneInput(std::string_view raw, std::string_view default_region = "TR");

}  // namespace clientele::identity

#endif  // CLIENTELE_IDENTITY_NORMALIZE_PHONE_H_
