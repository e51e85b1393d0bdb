#include "ingest/validation/internal/field_checks.h"

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

namespace clientele::ingest::internal {
namespace {

constexpr size_t kMaxQuotedBytes = 32;
constexpr size_t kMaxKeyBytesInPath = 64;
// google.protobuf.Timestamp's range: 0001-01-01T00:00:00Z .. 9999-12-31T23:59:59Z.
constexpr int64_t kMinTimestampSeconds = -62135596800;
constexpr int64_t kMaxTimestampSeconds = 253402300799;

std::string TooLongDetail(size_t size, size_t max_bytes) {
  return absl::StrCat("is ", size, " bytes, longer than the maximum ", max_bytes);
}

// Shared by CheckId and CheckText once the string is known to be non-empty or optional.
std::optional<Rejection> CheckLengthAndUtf8(std::string_view value, const FieldPath& path,
                                            size_t max_bytes) {
  if (value.size() > max_bytes)
    return Reject(path, "too_long", TooLongDetail(value.size(), max_bytes));
  if (!text::IsValidUtf8(value)) return Reject(path, "invalid_utf8", "is not valid UTF-8");
  return std::nullopt;
}

bool IsLeapYear(int64_t year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

int DaysInMonth(int64_t year, int month) {
  static constexpr int kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && IsLeapYear(year) ? 29 : kDays[month - 1];
}

}  // namespace

void FieldPath::AppendTo(std::string* out) const {
  if (parent_ != nullptr) {
    parent_->AppendTo(out);
    out->push_back('.');
  }
  out->append(name_.data(), name_.size());
  if (has_index_) absl::StrAppend(out, "[", index_, "]");
  if (has_key_) {
    std::string_view key = key_.substr(0, kMaxKeyBytesInPath);
    absl::StrAppend(out, "[\"", absl::CHexEscape(AbslView(key)),
                    key.size() < key_.size() ? "...\"]" : "\"]");
  }
}

std::string FieldPath::ToString() const {
  std::string out;
  AppendTo(&out);
  return out;
}

std::string Quote(std::string_view value) {
  std::string_view head = value.substr(0, kMaxQuotedBytes);
  return absl::StrCat("'", absl::CHexEscape(AbslView(head)),
                      head.size() < value.size() ? "...'" : "'");
}

std::string HiddenCharDetail(char32_t c) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string code = "U+";
  for (int shift = 12; shift >= 0; shift -= 4) code.push_back(kHex[(c >> shift) & 0xF]);
  return absl::StrCat("contains ", code, " (", text::HiddenCharKind(c),
                      "), which shows nothing but changes how the text reads or compares");
}

Rejection Reject(const FieldPath& path, std::string_view code, std::string_view detail) {
  Rejection rejection;
  rejection.field = path.ToString();
  rejection.code = std::string(code);
  rejection.reason = absl::StrCat(rejection.field, " ", AbslView(detail));
  return rejection;
}

std::optional<Rejection> CheckIdSlow(std::string_view value, const FieldPath& path,
                                     size_t max_bytes, bool required) {
  if (value.empty()) {
    if (required) return Reject(path, "required", "is required");
    return std::nullopt;
  }
  if (auto r = CheckLengthAndUtf8(value, path, max_bytes)) return r;
  if (text::HasAnyControlChars(value)) {
    return Reject(path, "invalid_format", "contains control characters");
  }
  if (const char32_t c = text::FindHiddenChar(value, true); c != 0) {
    return Reject(path, "invalid_format", HiddenCharDetail(c));
  }
  return std::nullopt;
}

std::optional<Rejection> CheckTextSlow(std::string_view value, const FieldPath& path,
                                       size_t max_bytes) {
  if (value.empty()) return std::nullopt;
  if (auto r = CheckLengthAndUtf8(value, path, max_bytes)) return r;
  if (text::HasControlChars(value)) {
    return Reject(path, "invalid_format",
                  "contains control characters other than tab and line breaks");
  }
  if (const char32_t c = text::FindHiddenChar(value, false); c != 0) {
    return Reject(path, "invalid_format", HiddenCharDetail(c));
  }
  return std::nullopt;
}

std::optional<Rejection> CheckSourceKey(const common::v1::SourceKey& key, const FieldPath& path,
                                        const ValidationLimits& limits) {
  const std::string& system = key.system();
  if (system.empty()) return Reject(FieldPath(path, "system"), "required", "is required");
  if (system.size() > limits.max_system_bytes) {
    return Reject(FieldPath(path, "system"), "too_long",
                  TooLongDetail(system.size(), limits.max_system_bytes));
  }
  for (char c : system) {
    const bool ok =
        (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
    if (!ok) return Reject(FieldPath(path, "system"), "invalid_format", "must match [a-z0-9_.-]+");
  }
  return CheckId(key.id(), FieldPath(path, "id"), limits.max_id_bytes, /*required=*/true);
}

std::optional<Rejection> CheckCurrencySlow(std::string_view code, const FieldPath& path) {
  if (code.empty()) return Reject(path, "required", "is required");
  if (!money::CurrencyExponent(code).has_value()) {
    return Reject(path, "invalid_currency",
                  absl::StrCat(Quote(code), " is not an active ISO 4217 currency code"));
  }
  return std::nullopt;
}

std::optional<Rejection> CheckAmountSlow(const common::v1::Money& money, const FieldPath& path,
                                         const ValidationLimits& limits, AmountKind kind) {
  if (money.extra_decimals() > money::kMaxExtraDecimals) {
    return Reject(FieldPath(path, "extra_decimals"), "out_of_range",
                  absl::StrCat("is ", money.extra_decimals(), ", outside [0, ",
                               money::kMaxExtraDecimals, "]"));
  }
  const int64_t minor = money.minor_units();
  // Built only on rejection: the success path must not allocate.
  auto shown = [&] { return kind.personal ? std::string() : absl::StrCat(" (", minor, ")"); };
  if (minor < 0) {
    return Reject(FieldPath(path, "minor_units"), "out_of_range",
                  absl::StrCat("is negative", shown(), ", but a ", AbslView(kind.noun),
                               " must not be negative"));
  }
  int64_t scale = 1;
  for (uint32_t i = 0; i < money.extra_decimals(); ++i) scale *= 10;
  const int64_t whole = minor / scale;
  const int64_t max = limits.max_unit_price_minor;
  if (whole > max || (whole == max && minor % scale != 0)) {
    return Reject(
        FieldPath(path, "minor_units"), "out_of_range",
        absl::StrCat("is too large", shown(), ": a ", AbslView(kind.noun), " may be at most ", max,
                     " minor units (extra_decimals ", money.extra_decimals(),
                     " divides minor_units by 10^", money.extra_decimals(), ")"));
  }
  return std::nullopt;
}

std::optional<Rejection> CheckMoney(const common::v1::Money& money, const FieldPath& path,
                                    const ValidationLimits& limits, AmountKind kind) {
  if (auto r = CheckCurrency(money.currency_code(), FieldPath(path, "currency_code"))) return r;
  return CheckAmount(money, path, limits, kind);
}

std::optional<Rejection> CheckDate(const common::v1::Date& date, const FieldPath& path,
                                   int min_year) {
  if (date.year() < min_year || date.year() > 9999) {
    return Reject(FieldPath(path, "year"), "out_of_range",
                  absl::StrCat("is outside [", min_year, ", 9999]"));
  }
  if (date.month() < 1 || date.month() > 12) {
    return Reject(FieldPath(path, "month"), "invalid_format", "is not a month 1..12");
  }
  if (date.day() < 1 || date.day() > DaysInMonth(date.year(), date.month())) {
    return Reject(FieldPath(path, "day"), "invalid_format", "is not a day of its month");
  }
  return std::nullopt;
}

std::optional<Rejection> CheckTimestamp(const google::protobuf::Timestamp& ts,
                                        const FieldPath& path) {
  if (ts.seconds() < kMinTimestampSeconds || ts.seconds() > kMaxTimestampSeconds) {
    return Reject(FieldPath(path, "seconds"), "out_of_range",
                  "is outside the Timestamp range 0001-01-01T00:00:00Z..9999-12-31T23:59:59Z");
  }
  if (ts.nanos() < 0 || ts.nanos() > 999'999'999) {
    return Reject(FieldPath(path, "nanos"), "out_of_range", "is outside [0, 999999999]");
  }
  return std::nullopt;
}

std::optional<Rejection> CheckEnum(int value, bool (*is_valid)(int), const FieldPath& path,
                                   bool unspecified_is_required) {
  if (value == 0 && unspecified_is_required) return Reject(path, "required", "is required");
  if (!is_valid(value)) {
    return Reject(path, "invalid_enum", absl::StrCat("has the undefined value ", value));
  }
  return std::nullopt;
}

}  // namespace clientele::ingest::internal
