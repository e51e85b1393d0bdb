#include "ingest/validation/internal/customer_checks.h"

#include <cmath>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "common/text/utf8.h"

namespace clientele::ingest::internal {
namespace {

using common::v1::Address;
using common::v1::AttributeValue;
using common::v1::CustomerUpsert;

// Birth dates have no time zone: accept any date that has begun somewhere (UTC+14).
constexpr absl::Duration kEarliestZoneOffset = absl::Hours(14);

std::optional<Rejection> CheckBirthDate(const common::v1::Date& date, const FieldPath& path,
                                        absl::Time now) {
  if (auto r = CheckDate(date, path, kMinBirthYear)) return r;
  const absl::CivilDay today = absl::ToCivilDay(now + kEarliestZoneOffset, absl::UTCTimeZone());
  if (std::make_tuple(date.year(), date.month(), date.day()) >
      std::make_tuple(today.year(), today.month(), today.day())) {
    return Reject(path, "out_of_range", "is in the future");
  }
  return std::nullopt;
}

std::optional<Rejection> CheckAddress(const Address& address, const FieldPath& path,
                                      const ValidationLimits& limits) {
  for (int i = 0; i < address.lines_size(); ++i) {
    FieldPath line(path, "lines", static_cast<size_t>(i));
    if (auto r = CheckText(address.lines(i), line, limits.max_text_bytes)) return r;
  }
  const size_t max = limits.max_text_bytes;
  if (auto r = CheckText(address.district(), FieldPath(path, "district"), max)) return r;
  if (auto r = CheckText(address.city(), FieldPath(path, "city"), max)) return r;
  if (auto r = CheckText(address.region(), FieldPath(path, "region"), max)) return r;
  if (auto r = CheckText(address.postal_code(), FieldPath(path, "postal_code"), max)) return r;
  if (auto r = CheckText(address.country(), FieldPath(path, "country"), max)) return r;
  const std::string& code = address.country_code();
  if (!code.empty() &&
      (code.size() != 2 || code[0] < 'A' || code[0] > 'Z' || code[1] < 'A' || code[1] > 'Z')) {
    return Reject(FieldPath(path, "country_code"), "invalid_format",
                  absl::StrCat("is ", Quote(code), ", not an ISO 3166-1 alpha-2 code [A-Z]{2}"));
  }
  return std::nullopt;
}

// `path` is the map entry, so key problems are reported on it.
std::optional<Rejection> CheckAttributeKey(std::string_view key, const FieldPath& path) {
  if (key.size() > kMaxAttributeKeyBytes) {
    return Reject(path, "too_long",
                  absl::StrCat("has a key of ", key.size(), " bytes, longer than the maximum ",
                               kMaxAttributeKeyBytes));
  }
  bool ok = !key.empty();
  for (char c : key) ok &= (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  if (!ok) return Reject(path, "invalid_format", "has a key that does not match [a-z0-9_]{1,64}");
  return std::nullopt;
}

std::optional<Rejection> CheckAttributeValue(const AttributeValue& value, const FieldPath& path,
                                             const ValidationLimits& limits) {
  switch (value.kind_case()) {
    case AttributeValue::KIND_NOT_SET:
      return Reject(path, "required", "has no value: one kind must be set");
    case AttributeValue::kStringValue:
      return CheckText(value.string_value(), FieldPath(path, "string_value"),
                       limits.max_text_bytes);
    case AttributeValue::kDoubleValue:
      if (!std::isfinite(value.double_value())) {
        return Reject(FieldPath(path, "double_value"), "out_of_range", "is not a finite number");
      }
      return std::nullopt;
    case AttributeValue::kTimeValue:
      return CheckTimestamp(value.time_value(), FieldPath(path, "time_value"));
    case AttributeValue::kDateValue:
      return CheckDate(value.date_value(), FieldPath(path, "date_value"), /*min_year=*/1);
    case AttributeValue::kMoneyValue:
      return CheckMoney(value.money_value(), FieldPath(path, "money_value"), limits,
                        AmountKind{"money value", /*personal=*/true});
    case AttributeValue::kIntValue:
    case AttributeValue::kBoolValue:
      return std::nullopt;
  }
  return std::nullopt;
}

// Map iteration order is unspecified, so of several bad entries the smallest key is reported,
// which keeps "the first problem" deterministic.
std::optional<Rejection> CheckAttributes(const CustomerUpsert& upsert, const FieldPath& path,
                                         const ValidationLimits& limits) {
  const auto& attributes = upsert.attributes();
  if (attributes.size() > limits.max_attributes) {
    return Reject(FieldPath(path, "attributes"), "too_many",
                  absl::StrCat("has ", attributes.size(), " entries, more than the maximum ",
                               limits.max_attributes));
  }
  std::optional<Rejection> first;
  std::string_view first_key;
  for (const auto& [key, value] : attributes) {
    if (first && key >= first_key) continue;
    FieldPath entry = FieldPath::MapEntry(path, "attributes", key);
    std::optional<Rejection> r = CheckAttributeKey(key, entry);
    if (!r) r = CheckAttributeValue(value, entry, limits);
    if (r) {
      first = std::move(r);
      first_key = key;
    }
  }
  return first;
}

}  // namespace

std::optional<Rejection> CheckEmail(std::string_view email, const FieldPath& path) {
  if (email.size() > kMaxEmailBytes) {
    return Reject(
        path, "too_long",
        absl::StrCat("is ", email.size(), " bytes, longer than the maximum ", kMaxEmailBytes));
  }
  if (!text::IsValidUtf8(email)) return Reject(path, "invalid_utf8", "is not valid UTF-8");
  if (text::HasAnyControlChars(email)) {
    return Reject(path, "invalid_format", "contains control characters");
  }
  if (email.find(' ') != std::string_view::npos ||
      email.find("\xC2\xA0") != std::string_view::npos) {
    return Reject(path, "invalid_format", "contains a space");
  }
  if (const char32_t c = text::FindHiddenChar(email, true); c != 0) {
    return Reject(path, "invalid_format", HiddenCharDetail(c));
  }
  const size_t at = email.find('@');
  if (at == std::string_view::npos || at == 0 || at + 1 == email.size() ||
      email.find('@', at + 1) != std::string_view::npos) {
    return Reject(path, "invalid_format",
                  "must contain exactly one '@' with non-empty local and domain parts");
  }
  return std::nullopt;
}

std::optional<Rejection> CheckPhone(std::string_view phone, const FieldPath& path) {
  if (phone.size() > kMaxPhoneBytes) {
    return Reject(
        path, "too_long",
        absl::StrCat("is ", phone.size(), " bytes, longer than the maximum ", kMaxPhoneBytes));
  }
  int digits = 0;
  for (char c : phone) {
    if (c >= '0' && c <= '9') {
      ++digits;
    } else if (c != ' ' && c != '+' && c != '(' && c != ')' && c != '-' && c != '.') {
      return Reject(path, "invalid_format",
                    "may contain only digits, spaces and the characters + ( ) - .");
    }
  }
  if (digits < kMinPhoneDigits || digits > kMaxPhoneDigits) {
    return Reject(path, "invalid_format",
                  absl::StrCat("has ", digits, " digits, outside [", kMinPhoneDigits, ", ",
                               kMaxPhoneDigits, "]"));
  }
  return std::nullopt;
}

std::optional<Rejection> CheckCustomerUpsert(const CustomerUpsert& upsert, absl::Time now,
                                             const ValidationLimits& limits) {
  const FieldPath path("customer_upsert");
  const size_t max_id = limits.max_id_bytes;
  const size_t max_text = limits.max_text_bytes;
  if (!upsert.email().empty()) {
    if (auto r = CheckEmail(upsert.email(), FieldPath(path, "email"))) return r;
  }
  if (!upsert.phone().empty()) {
    if (auto r = CheckPhone(upsert.phone(), FieldPath(path, "phone"))) return r;
  }
  if (auto r = CheckId(upsert.loyalty_id(), FieldPath(path, "loyalty_id"), max_id, false)) {
    return r;
  }
  if (auto r =
          CheckId(upsert.national_id_hash(), FieldPath(path, "national_id_hash"), max_id, false)) {
    return r;
  }
  if (auto r = CheckText(upsert.given_name(), FieldPath(path, "given_name"), max_text)) return r;
  if (auto r = CheckText(upsert.family_name(), FieldPath(path, "family_name"), max_text)) {
    return r;
  }
  if (auto r = CheckText(upsert.full_name(), FieldPath(path, "full_name"), max_text)) return r;
  if (upsert.has_birth_date()) {
    if (auto r = CheckBirthDate(upsert.birth_date(), FieldPath(path, "birth_date"), now)) {
      return r;
    }
  }
  if (auto r = CheckEnum(upsert.gender(), common::v1::Gender_IsValid, FieldPath(path, "gender"),
                         /*unspecified_is_required=*/false)) {
    return r;
  }
  if (upsert.has_address()) {
    if (auto r = CheckAddress(upsert.address(), FieldPath(path, "address"), limits)) return r;
  }
  return CheckAttributes(upsert, path, limits);
}

}  // namespace clientele::ingest::internal
