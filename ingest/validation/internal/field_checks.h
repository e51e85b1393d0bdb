// Building blocks of ValidateEvent: lazily rendered field paths and the checks shared by
// several payloads (strings, source keys, money, dates, timestamps). Internal to
// clientele::event_validation; include event_validator.h instead.
//
// Every check returns std::nullopt when the value is fine, without allocating; the path and
// reason strings are built only for a rejection.
#ifndef CLIENTELE_INGEST_VALIDATION_INTERNAL_FIELD_CHECKS_H_
#define CLIENTELE_INGEST_VALIDATION_INTERNAL_FIELD_CHECKS_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/base/optimization.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "clientele/common/v1/event.pb.h"
#include "clientele/common/v1/types.pb.h"
#include "common/money/money.h"
#include "common/text/utf8.h"
#include "google/protobuf/timestamp.pb.h"
#include "ingest/validation/event_validator.h"

namespace clientele::ingest::internal {

// A field path kept as a chain of stack-allocated nodes, rendered only when a check fails:
//
//   FieldPath order("order");
//   FieldPath line(order, "lines", 2);
//   FieldPath price(line, "unit_price");
//   FieldPath(price, "currency_code").ToString();  // "order.lines[2].unit_price.currency_code"
//
// A node refers to its parent and to the viewed names: all must outlive it.
class FieldPath {
 public:
  // A top-level field of Event.
  explicit FieldPath(std::string_view name) : name_(name) {}
  // A sub-field of `parent`.
  FieldPath(const FieldPath& parent, std::string_view name) : parent_(&parent), name_(name) {}
  // Element `index` of the repeated field `name` of `parent`: "name[index]".
  FieldPath(const FieldPath& parent, std::string_view name, size_t index)
      : parent_(&parent), name_(name), index_(index), has_index_(true) {}
  // Entry `key` of the map field `name` of `parent`: "name[\"key\"]", the key C-escaped and
  // cut to 64 bytes.
  static FieldPath MapEntry(const FieldPath& parent, std::string_view name, std::string_view key) {
    FieldPath path(parent, name);
    path.key_ = key;
    path.has_key_ = true;
    return path;
  }

  std::string ToString() const;

 private:
  void AppendTo(std::string* out) const;

  const FieldPath* parent_ = nullptr;
  std::string_view name_;
  size_t index_ = 0;
  bool has_index_ = false;
  std::string_view key_;
  bool has_key_ = false;
};

// std::string_view -> absl::string_view (distinct types in abseil 20220623).
inline absl::string_view AbslView(std::string_view s) {
  return absl::string_view(s.data(), s.size());
}

// `value` C-escaped and cut to 32 bytes, in single quotes, for reasons. Only for non-personal
// values (codes, keys).
std::string Quote(std::string_view value);

// A rejection of `path`; its reason is "<path> <detail>".
Rejection Reject(const FieldPath& path, std::string_view code, std::string_view detail);

// The checks that run per order line come in two halves: an inline test that accepts the
// common valid case without a call frame or string temporaries, and an out-of-line *Slow
// function that runs the full check (and builds the rejection). Call the inline ones.
std::optional<Rejection> CheckIdSlow(std::string_view value, const FieldPath& path,
                                     size_t max_bytes, bool required);
std::optional<Rejection> CheckTextSlow(std::string_view value, const FieldPath& path,
                                       size_t max_bytes);
std::optional<Rejection> CheckCurrencySlow(std::string_view code, const FieldPath& path);

// "contains U+202E (a bidi control)" for a code point of text::FindHiddenChar.
std::string HiddenCharDetail(char32_t c);

// An identifier: `required` means non-empty; then <= max_bytes, UTF-8, no control characters,
// no hidden characters (text::FindHiddenChar with joiners).
inline std::optional<Rejection> CheckId(std::string_view value, const FieldPath& path,
                                        size_t max_bytes, bool required) {
  if (ABSL_PREDICT_TRUE(value.empty() ? !required
                                      : value.size() <= max_bytes &&
                                            text::IsValidUtf8WithoutHiddenChars(value, true) &&
                                            !text::HasAnyControlChars(value))) {
    return std::nullopt;
  }
  return CheckIdSlow(value, path, max_bytes, required);
}

// Optional free text: <= max_bytes, UTF-8, no control characters except tab, LF and CR, no
// bidi controls or invisible characters (text::FindHiddenChar without joiners: ZWJ and ZWNJ
// belong to Persian, Indic and emoji text). Nothing is stripped: such text is rejected.
inline std::optional<Rejection> CheckText(std::string_view value, const FieldPath& path,
                                          size_t max_bytes) {
  if (ABSL_PREDICT_TRUE(value.size() <= max_bytes &&
                        text::IsValidUtf8WithoutHiddenChars(value, false) &&
                        !text::HasControlChars(value))) {
    return std::nullopt;
  }
  return CheckTextSlow(value, path, max_bytes);
}

// A SourceKey: system required, <= max_system_bytes, [a-z0-9_.-]; id required (CheckId).
std::optional<Rejection> CheckSourceKey(const common::v1::SourceKey& key, const FieldPath& path,
                                        const ValidationLimits& limits);

// An active ISO 4217 code (money::CurrencyExponent); "required" when empty.
inline std::optional<Rejection> CheckCurrency(std::string_view code, const FieldPath& path) {
  if (ABSL_PREDICT_TRUE(money::CurrencyExponent(code).has_value())) return std::nullopt;
  return CheckCurrencySlow(code, path);
}

// How a reason may describe an amount.
struct AmountKind {
  std::string_view noun;  // "unit price", "price", "money value".
  bool personal;          // If true, the reason does not show the amount.
};

std::optional<Rejection> CheckAmountSlow(const common::v1::Money& money, const FieldPath& path,
                                         const ValidationLimits& limits, AmountKind kind);

// The amount of a Money whose currency was already checked: extra_decimals <= 6,
// 0 <= minor_units / 10^extra_decimals <= limits.max_unit_price_minor.
inline std::optional<Rejection> CheckAmount(const common::v1::Money& money, const FieldPath& path,
                                            const ValidationLimits& limits, AmountKind kind) {
  // A whole number of minor units within bounds; anything else takes the exact path.
  if (ABSL_PREDICT_TRUE(money.extra_decimals() == 0 && money.minor_units() >= 0 &&
                        money.minor_units() <= limits.max_unit_price_minor)) {
    return std::nullopt;
  }
  return CheckAmountSlow(money, path, limits, kind);
}

// CheckCurrency of money.currency_code, then CheckAmount.
std::optional<Rejection> CheckMoney(const common::v1::Money& money, const FieldPath& path,
                                    const ValidationLimits& limits, AmountKind kind);

// A date that exists in the proleptic Gregorian calendar with a year in [min_year, 9999]
// ("out_of_range" for the year, "invalid_format" for month and day). Dates here are customer
// data, so reasons do not show them.
std::optional<Rejection> CheckDate(const common::v1::Date& date, const FieldPath& path,
                                   int min_year);

// A Timestamp within the proto range 0001-01-01..9999-12-31 with nanos in [0, 1e9). Reasons do
// not show the value.
std::optional<Rejection> CheckTimestamp(const google::protobuf::Timestamp& ts,
                                        const FieldPath& path);

// `value` is a defined enum number (is_valid is a generated *_IsValid); when
// `unspecified_is_required`, 0 is rejected as "required".
std::optional<Rejection> CheckEnum(int value, bool (*is_valid)(int), const FieldPath& path,
                                   bool unspecified_is_required);

}  // namespace clientele::ingest::internal

#endif  // CLIENTELE_INGEST_VALIDATION_INTERNAL_FIELD_CHECKS_H_
