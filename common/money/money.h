// Money helpers: ISO 4217 currencies (through ICU) and exact decimal parsing into
// clientele.common.v1.Money (minor units, never floating point).
//
//   absl::StatusOr<common::v1::Money> m = ParseDecimalMoney("2.55", "GBP");  // {255, "GBP"}
//   ParseDecimalMoney("0.001", "GBP");  // {1, "GBP", extra_decimals: 1}
#ifndef CLIENTELE_COMMON_MONEY_MONEY_H_
#define CLIENTELE_COMMON_MONEY_MONEY_H_

#include <cstdint>
#include <optional>
#include <string_view>

#include "absl/status/statusor.h"
#include "clientele/common/v1/types.pb.h"

namespace clientele::money {

inline constexpr uint32_t kMaxExtraDecimals = 6;

// The number of minor-unit digits of an active ISO 4217 code (GBP 2, JPY 0, BHD 3),
// or std::nullopt if `code` is not an active ISO 4217 alphabetic code. Thread-safe.
std::optional<int> CurrencyExponent(std::string_view code);

// Parses a plain decimal ("12", "-3.5", "0.001", "+7.25") exactly. Digits beyond the
// currency's exponent go to extra_decimals (trailing zeros dropped). Errors name no field:
// callers add it. InvalidArgument on bad syntax, unknown currency, more than
// kMaxExtraDecimals extra digits, or overflow of int64.
absl::StatusOr<common::v1::Money> ParseDecimalMoney(std::string_view text,
                                                    std::string_view currency_code);

// The amount as a (lossy) double in major units, for analytics and display.
double ToDouble(const common::v1::Money& money);

}  // namespace clientele::money

#endif  // CLIENTELE_COMMON_MONEY_MONEY_H_
