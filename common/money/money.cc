#include "common/money/money.h"

#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "unicode/ucal.h"
#include "unicode/ucurr.h"
#include "unicode/uenum.h"

namespace clientele::money {

namespace {

// ICU keeps one validity period per code and for some active codes (GBP, INR, DKK ...)
// that period looks ended, so ucurr_isAvailable cannot be trusted; the list of common,
// non-deprecated ISO codes is right.
const absl::flat_hash_set<std::string>& ActiveIsoCurrencies() {
  static const auto* codes = [] {
    auto* set = new absl::flat_hash_set<std::string>();
    UErrorCode err = U_ZERO_ERROR;
    UEnumeration* it = ucurr_openISOCurrencies(UCURR_COMMON | UCURR_NON_DEPRECATED, &err);
    if (U_SUCCESS(err)) {
      int32_t length = 0;
      while (const char* code = uenum_next(it, &length, &err)) {
        if (U_FAILURE(err)) break;
        set->emplace(code, static_cast<size_t>(length));
      }
    }
    uenum_close(it);
    return set;
  }();
  return *codes;
}

std::optional<int> LookUpCurrencyExponent(std::string_view code) {
  if (!ActiveIsoCurrencies().contains(absl::string_view(code.data(), code.size()))) {
    return std::nullopt;
  }
  UChar uc[4] = {static_cast<UChar>(code[0]), static_cast<UChar>(code[1]),
                 static_cast<UChar>(code[2]), 0};
  UErrorCode err = U_ZERO_ERROR;
  int32_t digits = ucurr_getDefaultFractionDigits(uc, &err);
  if (U_FAILURE(err) || digits < 0) return std::nullopt;
  return digits;
}

}  // namespace

std::optional<int> CurrencyExponent(std::string_view code) {
  if (code.size() != 3) return std::nullopt;
  // ICU lookups cost microseconds; validation asks once per order line.
  thread_local absl::flat_hash_map<std::string, std::optional<int>> cache;
  auto it = cache.find(absl::string_view(code.data(), code.size()));
  if (it != cache.end()) return it->second;
  std::optional<int> exponent = LookUpCurrencyExponent(code);
  if (cache.size() < 1024) cache.emplace(std::string(code), exponent);
  return exponent;
}

absl::StatusOr<common::v1::Money> ParseDecimalMoney(std::string_view text,
                                                    std::string_view currency_code) {
  std::optional<int> exponent = CurrencyExponent(currency_code);
  if (!exponent) {
    return absl::InvalidArgumentError(
        absl::StrCat("unknown ISO 4217 currency '", std::string(currency_code), "'"));
  }
  std::string_view s = text;
  bool negative = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  size_t dot = s.find('.');
  std::string_view int_part = s.substr(0, dot);
  std::string_view frac_part = dot == std::string_view::npos ? "" : s.substr(dot + 1);
  if (int_part.empty() && frac_part.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("not a decimal number: '", std::string(text), "'"));
  }
  for (std::string_view part : {int_part, frac_part}) {
    for (char c : part) {
      if (c < '0' || c > '9') {
        return absl::InvalidArgumentError(
            absl::StrCat("not a decimal number: '", std::string(text), "'"));
      }
    }
  }
  while (!frac_part.empty() && frac_part.back() == '0' &&
         frac_part.size() > static_cast<size_t>(*exponent)) {
    frac_part.remove_suffix(1);
  }
  uint32_t extra = frac_part.size() > static_cast<size_t>(*exponent)
                       ? static_cast<uint32_t>(frac_part.size() - *exponent)
                       : 0;
  if (extra > kMaxExtraDecimals) {
    return absl::InvalidArgumentError(absl::StrCat("more than ", kMaxExtraDecimals,
                                                   " decimals below the minor unit: '",
                                                   std::string(text), "'"));
  }
  const int scale = *exponent + static_cast<int>(extra);
  unsigned __int128 value = 0;
  const unsigned __int128 limit = static_cast<unsigned __int128>(INT64_MAX);
  auto push = [&](char c) {
    value = value * 10 + static_cast<unsigned>(c - '0');
    return value <= limit;
  };
  bool ok = true;
  for (char c : int_part) ok = ok && push(c);
  for (int i = 0; i < scale && ok; ++i) {
    ok = push(i < static_cast<int>(frac_part.size()) ? frac_part[i] : '0');
  }
  if (!ok) {
    return absl::InvalidArgumentError(
        absl::StrCat("amount out of range: '", std::string(text), "'"));
  }
  common::v1::Money money;
  money.set_minor_units(negative ? -static_cast<int64_t>(value) : static_cast<int64_t>(value));
  money.set_currency_code(std::string(currency_code));
  money.set_extra_decimals(extra);
  return money;
}

double ToDouble(const common::v1::Money& money) {
  int scale = CurrencyExponent(money.currency_code()).value_or(2) +
              static_cast<int>(money.extra_decimals());
  double d = static_cast<double>(money.minor_units());
  for (int i = 0; i < scale; ++i) d /= 10.0;
  return d;
}

}  // namespace clientele::money
