// Validation of incoming clientele.common.v1.Event messages, run on every event of the ingest
// path before it is appended to the log. Pure: no I/O, no clock (the caller passes `now`), no
// gRPC. Valid events are checked without heap allocation; only a rejection builds strings.
//
//   std::optional<Rejection> rejection = ValidateEvent(event, absl::Now());
//   if (rejection) {
//     // rejection->field == "order.lines[2].unit_price.currency_code"
//     // rejection->code  == "invalid_currency"
//     return absl::InvalidArgumentError(rejection->reason);
//   }
#ifndef CLIENTELE_INGEST_VALIDATION_EVENT_VALIDATOR_H_
#define CLIENTELE_INGEST_VALIDATION_EVENT_VALIDATOR_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "absl/time/time.h"
#include "clientele/common/v1/event.pb.h"
#include "clientele/common/v1/types.pb.h"

namespace clientele::ingest {

// Why an event was rejected: the first problem found, in the order ValidateEvent documents.
struct Rejection {
  // Path of the offending field, in proto field names: "event_id", "occurred_at",
  // "order.lines[2].unit_price.currency_code", "customer_upsert.attributes[\"income\"]".
  std::string field;
  // Machine-readable code, one of:
  //   "required"          the field is unset, empty or zero where a value is needed;
  //   "too_long"          a string exceeds its byte bound;
  //   "invalid_utf8"      a string is not well-formed UTF-8;
  //   "invalid_format"    a string breaks its syntax (charset, control characters, email ...);
  //   "out_of_range"      a number, time or date is outside its bounds;
  //   "invalid_currency"  not an active ISO 4217 code, or a second currency within one order;
  //   "invalid_enum"      an enum holds a number the schema does not define;
  //   "too_many"          a repeated or map field has more entries than allowed.
  std::string code;
  // A human sentence naming the field and the bound it breaks, e.g.
  // "order.lines[2].quantity is 20000000, outside [-10000000, 10000000]". Never contains the
  // value of a personal-data field (email, phone, names, ids), so it is safe to log.
  std::string reason;
};

// Bounds that ValidateEvent enforces. The defaults are the production limits.
struct ValidationLimits {
  // event_id, SourceKey.id, order_id, store_id, sku, loyalty_id, national_id_hash, session_id.
  size_t max_id_bytes = 128;
  // SourceKey.system, which must also match [a-z0-9_.-]+.
  size_t max_system_bytes = 64;
  // Free text: names, descriptions, categories, consent evidence, address parts, string
  // attribute values, Origin.source_name, Order.country.
  size_t max_text_bytes = 1024;
  // Order lines per order.
  size_t max_lines = 10000;
  // CustomerUpsert.attributes entries.
  size_t max_attributes = 200;
  // |OrderLine.quantity|.
  int64_t max_abs_quantity = 10'000'000;
  // Largest unit price (and money attribute) in whole minor units of its currency: an amount
  // {minor_units, extra_decimals} passes iff minor_units / 10^extra_decimals <= this bound,
  // compared exactly (a sub-minor-unit excess is rejected).
  int64_t max_unit_price_minor = 100'000'000'000;
  // Largest |quantity| x unit price of one order line, in minor units of its currency
  // (compared exactly, fractions of a minor unit included).
  int64_t max_line_total_minor = 10'000'000'000;
  // Largest sum over an order's lines of |quantity| x unit price, in minor units. With the
  // default (10^10, i.e. 100,000,000.00 of a two-decimal currency) an order's total, even
  // expressed in 10^-6 minor units (the finest Money scale, which analytics sums at once a
  // customer has a price with extra_decimals), is at most 10^16; so a customer's totals fit
  // in int64 (9.2 * 10^18) for at least 922 orders at this bound at that scale, and for
  // 922,337,203 such orders when all prices are whole minor units. See docs/ingest.md.
  int64_t max_order_total_minor = 10'000'000'000;
  // How far after `now` occurred_at may lie (clock skew of senders).
  absl::Duration max_future = absl::Hours(24);
};

// Returns std::nullopt if `event` is valid at time `now`, otherwise the first problem found.
// Thread-safe. Allocates nothing when the event is valid, except that the first lookup of a
// currency on a thread fills money::CurrencyExponent's per-thread cache.
//
// Checks run in this fixed order, each field's own checks in the order listed:
//  1. event_id: required, <= max_id_bytes, printable ASCII 0x21..0x7E.
//  2. occurred_at: required; seconds >= 0 (not before 1970); nanos in [0, 1e9);
//     not after now + max_future.
//  3. channel: CHANNEL_UNSPECIFIED is "required"; undefined numbers are "invalid_enum".
//  4. source, when set: system required, <= max_system_bytes, [a-z0-9_.-]; id required,
//     <= max_id_bytes, UTF-8, no control characters.
//  5. origin, when set: source_name text; row >= 0.
//  6. payload: one must be set ("payload", "required"). Then per payload, in proto field order:
//     - customer_upsert: source required; email (<= 254 bytes, no spaces, control or hidden
//       characters, exactly one '@' with non-empty local and domain parts); phone (<= 32 bytes of
//       digits, spaces and + ( ) - ., with 6..15 digits); loyalty_id, national_id_hash (ids); names
//       (text); birth_date (a real date, year >= 1900, not after today in the earliest time zone,
//       UTC+14); gender (defined value); address (lines and parts are text, country_code is two
//       letters A-Z); attributes (<= max_attributes entries; keys [a-z0-9_]{1,64}; a value kind
//       set; string values are text, doubles finite, times and dates valid, money valid like a unit
//       price). Of several bad attributes the smallest key is reported.
//     - order: source required; order_id required; store_id (id); country (text); customer
//       (a valid SourceKey when set; unset means a guest order); lines: at least one, at most
//       max_lines; per line: sku required; description (text); quantity != 0 ("required") and
//       |quantity| <= max_abs_quantity, and < 0 in a cancellation order; unit_price required
//       with an active ISO 4217 currency (money::CurrencyExponent), the same currency as
//       line 0, extra_decimals <= 6, minor_units >= 0 and within max_unit_price_minor;
//       |quantity| x unit price <= max_line_total_minor (on the line: "order.lines[i]",
//       "out_of_range"); category (text); source_row >= 0. After each line, the running sum
//       of line totals <= max_order_total_minor ("order.lines", "out_of_range").
//     - consent_change: source required; purpose and status defined and not UNSPECIFIED;
//       channel defined (UNSPECIFIED means the event's channel); evidence (text).
//     - product_upsert: sku required; name, description, category (text); price, when set,
//       valid like a unit price.
//     - interaction: source required; type defined and not UNSPECIFIED; sku required;
//       session_id (id).
// "id" strings: <= max_id_bytes, UTF-8, no control characters (C0 or DEL), no bidi controls
// (U+202A..U+202E, U+2066..U+2069) and no invisible characters (U+200B..U+200D, U+2060,
// U+FEFF). "text" strings: <= max_text_bytes, UTF-8, no C0 control characters except tab, LF
// and CR, no bidi controls, no U+200B, U+2060, U+FEFF (the joiners U+200C and U+200D are
// allowed in text: Persian, Indic scripts and emoji need them). E-mails: as ids, and no
// spaces (U+0020, U+00A0). Such characters are rejected ("invalid_format"), never stripped.
std::optional<Rejection> ValidateEvent(const common::v1::Event& event, absl::Time now,
                                       const ValidationLimits& limits = {});

}  // namespace clientele::ingest

#endif  // CLIENTELE_INGEST_VALIDATION_EVENT_VALIDATOR_H_
