// Checks of the CustomerUpsert payload (contact data, birth date, address, attributes).
// Internal to clientele::event_validation.
#ifndef CLIENTELE_INGEST_VALIDATION_INTERNAL_CUSTOMER_CHECKS_H_
#define CLIENTELE_INGEST_VALIDATION_INTERNAL_CUSTOMER_CHECKS_H_

#include <optional>
#include <string_view>

#include "absl/time/time.h"
#include "clientele/common/v1/event.pb.h"
#include "ingest/validation/event_validator.h"
#include "ingest/validation/internal/field_checks.h"

namespace clientele::ingest::internal {

inline constexpr size_t kMaxEmailBytes = 254;
inline constexpr size_t kMaxPhoneBytes = 32;
inline constexpr int kMinPhoneDigits = 6;
inline constexpr int kMaxPhoneDigits = 15;
inline constexpr int kMinBirthYear = 1900;
inline constexpr size_t kMaxAttributeKeyBytes = 64;

// A light email check (identity normalizes): <= 254 bytes, UTF-8, no control characters, no
// spaces (U+0020, U+00A0), no hidden characters (text::FindHiddenChar with joiners), exactly
// one '@' with non-empty local and domain parts.
std::optional<Rejection> CheckEmail(std::string_view email, const FieldPath& path);

// <= 32 bytes of digits, spaces and + ( ) - ., holding 6..15 digits.
std::optional<Rejection> CheckPhone(std::string_view phone, const FieldPath& path);

// All fields of `upsert` (path "customer_upsert"), except the event's source.
std::optional<Rejection> CheckCustomerUpsert(const common::v1::CustomerUpsert& upsert,
                                             absl::Time now, const ValidationLimits& limits);

}  // namespace clientele::ingest::internal

#endif  // CLIENTELE_INGEST_VALIDATION_INTERNAL_CUSTOMER_CHECKS_H_
