#include "ingest/validation/event_validator.h"

#include <algorithm>
#include <cstdint>

#include "absl/base/attributes.h"
#include "absl/base/optimization.h"
#include "absl/strings/str_cat.h"
#include "common/money/money.h"
#include "common/time/proto_time.h"
#include "ingest/validation/internal/customer_checks.h"
#include "ingest/validation/internal/field_checks.h"

namespace clientele::ingest {
namespace {

using common::v1::ConsentChange;
using common::v1::Event;
using common::v1::Interaction;
using common::v1::Order;
using common::v1::OrderLine;
using common::v1::ProductUpsert;
using internal::AbslView;
using internal::AmountKind;
using internal::CheckAmount;
using internal::CheckCurrency;
using internal::CheckEnum;
using internal::CheckId;
using internal::CheckMoney;
using internal::CheckSourceKey;
using internal::CheckText;
using internal::FieldPath;
using internal::Quote;
using internal::Reject;

constexpr AmountKind kUnitPrice{"unit price", /*personal=*/false};
constexpr AmountKind kPrice{"price", /*personal=*/false};

std::optional<Rejection> CheckEventId(const std::string& id, const ValidationLimits& limits) {
  const FieldPath path("event_id");
  if (id.empty()) return Reject(path, "required", "is required");
  if (id.size() > limits.max_id_bytes) {
    return Reject(
        path, "too_long",
        absl::StrCat("is ", id.size(), " bytes, longer than the maximum ", limits.max_id_bytes));
  }
  for (char c : id) {
    if (c < 0x21 || c > 0x7e) {
      return Reject(path, "invalid_format", "must be printable ASCII without spaces (0x21..0x7e)");
    }
  }
  return std::nullopt;
}

std::optional<Rejection> CheckOccurredAt(const Event& event, absl::Time now,
                                         const ValidationLimits& limits) {
  const FieldPath path("occurred_at");
  if (!event.has_occurred_at()) return Reject(path, "required", "is required");
  const google::protobuf::Timestamp& ts = event.occurred_at();
  if (ts.seconds() < 0) {
    return Reject(path, "out_of_range",
                  absl::StrCat("is ", ts.seconds(),
                               " seconds, before 1970-01-01T00:00:00Z (seconds must be >= 0)"));
  }
  if (ts.nanos() < 0 || ts.nanos() > 999'999'999) {
    return Reject(FieldPath(path, "nanos"), "out_of_range",
                  absl::StrCat("is ", ts.nanos(), ", outside [0, 999999999]"));
  }
  const absl::Time t = FromProtoTimestamp(ts);
  if (t > now + limits.max_future) {
    const absl::TimeZone utc = absl::UTCTimeZone();
    return Reject(path, "out_of_range",
                  absl::StrCat("is ", absl::FormatTime(absl::RFC3339_full, t, utc), ", more than ",
                               absl::FormatDuration(limits.max_future), " after now (",
                               absl::FormatTime(absl::RFC3339_full, now, utc), ")"));
  }
  return std::nullopt;
}

std::optional<Rejection> RequireSource(const Event& event, std::string_view payload) {
  if (event.has_source()) return std::nullopt;
  return Reject(FieldPath("source"), "required",
                absl::StrCat("is required for ", AbslView(payload), " events"));
}

// Out of line so that CheckLine's valid path builds no strings.
ABSL_ATTRIBUTE_NOINLINE Rejection RejectQuantity(int64_t quantity, bool cancellation,
                                                 const FieldPath& line,
                                                 const ValidationLimits& limits) {
  const FieldPath path(line, "quantity");
  const int64_t max = limits.max_abs_quantity;
  if (quantity == 0) return Reject(path, "required", "is required and must not be 0");
  if (quantity < -max || quantity > max) {
    return Reject(path, "out_of_range",
                  absl::StrCat("is ", quantity, ", outside [", -max, ", ", max, "]"));
  }
  (void)cancellation;  // The only remaining reason.
  return Reject(path, "out_of_range",
                absl::StrCat("is ", quantity,
                             ", but every quantity of a cancellation order must be negative"));
}

ABSL_ATTRIBUTE_NOINLINE Rejection RejectCurrencyMismatch(const std::string& currency,
                                                         const std::string& order_currency,
                                                         const FieldPath& price) {
  return Reject(
      FieldPath(price, "currency_code"), "invalid_currency",
      absl::StrCat("is ", Quote(currency), ", but order.lines[0] is in ", Quote(order_currency),
                   ": all lines of an order must use one currency"));
}

// Amounts in the finest unit any Money can express: 10^-kMaxExtraDecimals minor units.
using Micros = unsigned __int128;
constexpr int64_t kMicrosPerMinor = 1'000'000;
static_assert(money::kMaxExtraDecimals == 6, "kMicrosPerMinor is 10^kMaxExtraDecimals");

// |quantity| x unit price in Micros, or `saturate` when that exceeds `bound`. The price was
// checked (minor_units >= 0, extra_decimals <= 6).
inline Micros LineTotalMicros(uint64_t abs_quantity, const common::v1::Money& price, Micros bound,
                              Micros saturate) {
  static constexpr int64_t kPow10[] = {1, 10, 100, 1000, 10'000, 100'000, 1'000'000};
  const Micros unit = static_cast<Micros>(static_cast<uint64_t>(price.minor_units())) *
                      static_cast<uint64_t>(kPow10[6 - price.extra_decimals()]);
  if (ABSL_PREDICT_TRUE((unit >> 64) == 0)) {  // Two 64-bit factors: the product fits.
    const Micros total = static_cast<Micros>(abs_quantity) * static_cast<uint64_t>(unit);
    return total > bound ? saturate : total;
  }
  return unit > bound / abs_quantity ? saturate : unit * abs_quantity;
}

ABSL_ATTRIBUTE_NOINLINE Rejection RejectLineTotal(const OrderLine& line, const FieldPath& path,
                                                  const ValidationLimits& limits) {
  return Reject(
      path, "out_of_range",
      absl::StrCat("totals more than ", limits.max_line_total_minor,
                   " minor units: |quantity| x unit price = |", line.quantity(), "| x ",
                   line.unit_price().minor_units(), " / 10^", line.unit_price().extra_decimals()));
}

ABSL_ATTRIBUTE_NOINLINE Rejection RejectOrderTotal(size_t index, const FieldPath& order_path,
                                                   const ValidationLimits& limits) {
  return Reject(FieldPath(order_path, "lines"), "out_of_range",
                absl::StrCat("total more than ", limits.max_order_total_minor,
                             " minor units (the sum of |quantity| x unit price passes it at "
                             "order.lines[",
                             index, "])"));
}

ABSL_ATTRIBUTE_NOINLINE Rejection RejectNegative(const FieldPath& path, int64_t value) {
  return Reject(path, "out_of_range", absl::StrCat("is ", value, ", but must be >= 0"));
}

// `first` is line 0, whose currency CheckLine(0) validated before any later line is checked.
// Adds the line's |quantity| x unit price to *order_total (in Micros); `line_bound` is
// limits.max_line_total_minor in Micros.
std::optional<Rejection> CheckLine(const OrderLine& line, size_t index, const OrderLine& first,
                                   bool cancellation, const FieldPath& order_path,
                                   const ValidationLimits& limits, Micros line_bound,
                                   Micros* order_total) {
  const FieldPath path(order_path, "lines", index);
  if (auto r = CheckId(line.sku(), FieldPath(path, "sku"), limits.max_id_bytes, true)) return r;
  if (auto r =
          CheckText(line.description(), FieldPath(path, "description"), limits.max_text_bytes)) {
    return r;
  }
  const int64_t quantity = line.quantity();
  const int64_t max_quantity = limits.max_abs_quantity;
  if (ABSL_PREDICT_FALSE(quantity == 0 || quantity < -max_quantity || quantity > max_quantity ||
                         (cancellation && quantity > 0))) {
    return RejectQuantity(quantity, cancellation, path, limits);
  }
  if (ABSL_PREDICT_FALSE(!line.has_unit_price())) {
    return Reject(FieldPath(path, "unit_price"), "required", "is required");
  }
  const FieldPath price(path, "unit_price");
  const std::string& currency = line.unit_price().currency_code();
  if (index == 0) {
    if (auto r = CheckCurrency(currency, FieldPath(price, "currency_code"))) return r;
  } else if (ABSL_PREDICT_FALSE(currency != first.unit_price().currency_code())) {
    // Equal to line 0's valid currency implies valid, so later lines skip the lookup.
    return RejectCurrencyMismatch(currency, first.unit_price().currency_code(), price);
  }
  if (auto r = CheckAmount(line.unit_price(), price, limits, kUnitPrice)) return r;
  // Quantity and price are within bounds, so |quantity| fits and nothing below overflows.
  const Micros line_total = LineTotalMicros(
      quantity < 0 ? 0 - static_cast<uint64_t>(quantity) : static_cast<uint64_t>(quantity),
      line.unit_price(), line_bound, line_bound + 1);
  if (ABSL_PREDICT_FALSE(line_total > line_bound)) return RejectLineTotal(line, path, limits);
  *order_total += line_total;
  if (auto r = CheckText(line.category(), FieldPath(path, "category"), limits.max_text_bytes)) {
    return r;
  }
  if (ABSL_PREDICT_FALSE(line.source_row() < 0)) {
    return RejectNegative(FieldPath(path, "source_row"), line.source_row());
  }
  return std::nullopt;
}

std::optional<Rejection> CheckOrder(const Event& event, const ValidationLimits& limits) {
  if (auto r = RequireSource(event, "order")) return r;
  const Order& order = event.order();
  const FieldPath path("order");
  if (auto r = CheckId(order.order_id(), FieldPath(path, "order_id"), limits.max_id_bytes, true)) {
    return r;
  }
  if (auto r = CheckId(order.store_id(), FieldPath(path, "store_id"), limits.max_id_bytes, false)) {
    return r;
  }
  if (auto r = CheckText(order.country(), FieldPath(path, "country"), limits.max_text_bytes)) {
    return r;
  }
  if (order.has_customer()) {
    if (auto r = CheckSourceKey(order.customer(), FieldPath(path, "customer"), limits)) return r;
  }
  const size_t line_count = static_cast<size_t>(order.lines_size());
  if (line_count == 0) {
    return Reject(FieldPath(path, "lines"), "required", "must have at least one line");
  }
  if (line_count > limits.max_lines) {
    return Reject(
        FieldPath(path, "lines"), "too_many",
        absl::StrCat("has ", line_count, " lines, more than the maximum ", limits.max_lines));
  }
  const OrderLine& first = order.lines(0);
  const Micros order_bound = static_cast<Micros>(static_cast<uint64_t>(
                                 std::max<int64_t>(limits.max_order_total_minor, 0))) *
                             kMicrosPerMinor;
  const Micros line_bound = static_cast<Micros>(static_cast<uint64_t>(
                                std::max<int64_t>(limits.max_line_total_minor, 0))) *
                            kMicrosPerMinor;
  Micros order_total = 0;  // At most order_bound + one line's bound: no overflow.
  for (size_t i = 0; i < line_count; ++i) {
    if (auto r = CheckLine(order.lines(static_cast<int>(i)), i, first, order.cancellation(), path,
                           limits, line_bound, &order_total)) {
      return r;
    }
    if (ABSL_PREDICT_FALSE(order_total > order_bound)) return RejectOrderTotal(i, path, limits);
  }
  return std::nullopt;
}

std::optional<Rejection> CheckConsentChange(const Event& event, const ValidationLimits& limits) {
  if (auto r = RequireSource(event, "consent_change")) return r;
  const ConsentChange& consent = event.consent_change();
  const FieldPath path("consent_change");
  if (auto r = CheckEnum(consent.purpose(), common::v1::ConsentPurpose_IsValid,
                         FieldPath(path, "purpose"), /*unspecified_is_required=*/true)) {
    return r;
  }
  if (auto r = CheckEnum(consent.status(), common::v1::ConsentStatus_IsValid,
                         FieldPath(path, "status"), /*unspecified_is_required=*/true)) {
    return r;
  }
  if (auto r = CheckEnum(consent.channel(), common::v1::Channel_IsValid, FieldPath(path, "channel"),
                         /*unspecified_is_required=*/false)) {
    return r;
  }
  return CheckText(consent.evidence(), FieldPath(path, "evidence"), limits.max_text_bytes);
}

std::optional<Rejection> CheckProductUpsert(const Event& event, const ValidationLimits& limits) {
  const ProductUpsert& product = event.product_upsert();
  const FieldPath path("product_upsert");
  const size_t max_text = limits.max_text_bytes;
  if (auto r = CheckId(product.sku(), FieldPath(path, "sku"), limits.max_id_bytes, true)) {
    return r;
  }
  if (auto r = CheckText(product.name(), FieldPath(path, "name"), max_text)) return r;
  if (auto r = CheckText(product.description(), FieldPath(path, "description"), max_text)) {
    return r;
  }
  if (auto r = CheckText(product.category(), FieldPath(path, "category"), max_text)) return r;
  if (product.has_price()) {
    return CheckMoney(product.price(), FieldPath(path, "price"), limits, kPrice);
  }
  return std::nullopt;
}

std::optional<Rejection> CheckInteraction(const Event& event, const ValidationLimits& limits) {
  if (auto r = RequireSource(event, "interaction")) return r;
  const Interaction& interaction = event.interaction();
  const FieldPath path("interaction");
  if (auto r = CheckEnum(interaction.type(), common::v1::InteractionType_IsValid,
                         FieldPath(path, "type"), /*unspecified_is_required=*/true)) {
    return r;
  }
  if (auto r = CheckId(interaction.sku(), FieldPath(path, "sku"), limits.max_id_bytes, true)) {
    return r;
  }
  // A rating is finite, 0 < rating <= 100, and given with (and only with) type RATING.
  const double rating = interaction.rating();
  if (interaction.type() == common::v1::INTERACTION_TYPE_RATING) {
    if (!(rating > 0 && rating <= 100)) {
      return Reject(FieldPath(path, "rating"), "out_of_range",
                    absl::StrCat("is ", rating, ", but a rating must be > 0 and <= 100"));
    }
  } else if (rating != 0) {
    return Reject(FieldPath(path, "rating"), "invalid_argument",
                  "is set, but only INTERACTION_TYPE_RATING carries a rating");
  }
  return CheckId(interaction.session_id(), FieldPath(path, "session_id"), limits.max_id_bytes,
                 false);
}

}  // namespace

std::optional<Rejection> ValidateEvent(const Event& event, absl::Time now,
                                       const ValidationLimits& limits) {
  if (auto r = CheckEventId(event.event_id(), limits)) return r;
  if (auto r = CheckOccurredAt(event, now, limits)) return r;
  if (auto r = CheckEnum(event.channel(), common::v1::Channel_IsValid, FieldPath("channel"),
                         /*unspecified_is_required=*/true)) {
    return r;
  }
  if (event.has_source()) {
    if (auto r = CheckSourceKey(event.source(), FieldPath("source"), limits)) return r;
  }
  if (event.has_origin()) {
    const FieldPath origin("origin");
    if (auto r = CheckText(event.origin().source_name(), FieldPath(origin, "source_name"),
                           limits.max_text_bytes)) {
      return r;
    }
    if (event.origin().row() < 0)
      return RejectNegative(FieldPath(origin, "row"), event.origin().row());
  }
  switch (event.payload_case()) {
    case Event::kCustomerUpsert:
      if (auto r = RequireSource(event, "customer_upsert")) return r;
      return internal::CheckCustomerUpsert(event.customer_upsert(), now, limits);
    case Event::kOrder:
      return CheckOrder(event, limits);
    case Event::kConsentChange:
      return CheckConsentChange(event, limits);
    case Event::kProductUpsert:
      return CheckProductUpsert(event, limits);
    case Event::kInteraction:
      return CheckInteraction(event, limits);
    case Event::PAYLOAD_NOT_SET:
      break;
  }
  return Reject(FieldPath("payload"), "required",
                "is required: set one of customer_upsert, order, consent_change, "
                "product_upsert, interaction");
}

}  // namespace clientele::ingest
