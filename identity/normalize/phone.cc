#include "identity/normalize/phone.h"

#include <cstddef>
#include <cstdint>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/string_view.h"
#include "common/text/utf8.h"
#include "phonenumbers/phonenumber.pb.h"
#include "phonenumbers/phonenumberutil.h"

namespace clientele::identity {

namespace {
// Far longer than any phone number with formatting; libphonenumber itself rejects input over
// 250 characters.
constexpr size_t kMaxInputBytes = 256;

// "+90" and ten digits, the first not 0: the E.164 spelling CanonicalPhoneInput gives a
// Turkish number.
bool IsPlusTurkishNationalNumber(std::string_view raw) {
  if (raw.size() != 13 || raw.substr(0, 3) != "+90" || raw[3] == '0') return false;
  for (char c : raw.substr(3)) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}
}  // namespace

std::optional<std::string> NormalizePhoneE164(std::string_view raw,
                                              std::string_view default_region) {
  using ::i18n::phonenumbers::PhoneNumber;
  using ::i18n::phonenumbers::PhoneNumberUtil;
  if (raw.empty() || raw.size() > kMaxInputBytes || !text::IsValidUtf8(raw)) return std::nullopt;

  const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
  if (IsPlusTurkishNationalNumber(raw)) {
    // Parse (two thirds of the cost) would give exactly country code 90 and these ten digits:
    // they hold no extension, no leading zero and no national prefix (0 in Turkey).
    PhoneNumber number;
    number.set_country_code(90);
    uint64_t national = 0;
    for (char c : raw.substr(3)) national = national * 10 + static_cast<uint64_t>(c - '0');
    number.set_national_number(national);
    if (!util.IsValidNumber(number)) return std::nullopt;
    return std::string(raw);
  }
  const std::string region =
      absl::AsciiStrToUpper(absl::string_view(default_region.data(), default_region.size()));
  PhoneNumber number;
  if (util.Parse(std::string(raw), region, &number) != PhoneNumberUtil::NO_PARSING_ERROR) {
    return std::nullopt;
  }
  if (!util.IsValidNumber(number)) return std::nullopt;
  std::string e164;
  util.Format(number, PhoneNumberUtil::E164, &e164);
  return e164;
}

std::string CanonicalPhoneInput(std::string_view raw, std::string_view default_region) {
  // NormalizePhoneE164 rejects over-long input; dropping separators must not make it pass.
  if (raw.size() > kMaxInputBytes) return std::string(raw);
  std::string digits;
  digits.reserve(raw.size());
  bool plus = false;
  for (size_t i = 0; i < raw.size(); ++i) {
    const char c = raw[i];
    if (c >= '0' && c <= '9') {
      digits.push_back(c);
    } else if (c == '+' && i == 0) {
      plus = true;
    } else if (c != ' ' && c != '-' && c != '.' && c != '(' && c != ')') {
      return std::string(raw);
    }
  }
  if (plus) return "+" + digits;
  if (absl::EqualsIgnoreCase(absl::string_view(default_region.data(), default_region.size()),
                             "TR")) {
    // A Turkish national significant number has ten digits and never starts with 0. Numbers
    // starting with 90 are left alone: libphonenumber may read those as "90" + a country code.
    std::string_view national = digits;
    if (national.size() == 11 && national[0] == '0') national.remove_prefix(1);
    if (national.size() == 10 && national[0] != '0' && national.substr(0, 2) != "90") {
      return std::string("+90").append(national);
    }
  }
  return digits;
}

}  // namespace clientele::identity
