#include "identity/normalize/phone.h"

#include <cstddef>

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
}  // namespace

std::optional<std::string> NormalizePhoneE164(std::string_view raw,
                                              std::string_view default_region) {
  using ::i18n::phonenumbers::PhoneNumber;
  using ::i18n::phonenumbers::PhoneNumberUtil;
  if (raw.empty() || raw.size() > kMaxInputBytes || !text::IsValidUtf8(raw)) return std::nullopt;

  const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
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
