#include "identity/normalize/phone.h"

#include <cstddef>

#include "absl/strings/ascii.h"
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

}  // namespace clientele::identity
