// The per-customer order aggregate that the analytics service keeps for every source key and
// updates with each Order event; the input of RFM scoring and of the clustering features.
//
//   CustomerOrderAggregate agg;                          // or Decode(stored_bytes)
//   absl::Status s = agg.AddOrder(event.order(), occurred_at);
//   std::string bytes = agg.Encode();                    // store it
//   std::optional<CustomerAggregate> rfm = agg.ToRfmInput(RfmConvention::kNotebook);
//
// Two conventions are kept side by side, because analyses disagree on what counts:
//
//  * kNotebook -- the usual RFM notebook on a cleaned frame: cancellation orders and every line
//    with quantity <= 0 or unit price <= 0 are left out. An order counts (frequency, first/last
//    purchase) when it has at least one kept line; monetary = sum of quantity x unit price over
//    the kept lines.
//  * kNet -- everything that happened to the money: monetary = sum of quantity x unit price over
//    all lines of all orders, so cancellations (negative quantities) subtract; frequency, first
//    and last purchase count the non-cancelled orders.
//
// Orders may arrive in any order (all updates commute). Applying the same order twice counts it
// twice: de-duplication is the caller's job (the log's sequence numbers make it so).
//
// Money is kept exact: every amount is an int64 in units of 10^-(currency exponent + scale),
// where `scale` is the largest Money.extra_decimals seen (sums are rescaled when a finer price
// arrives). All lines of one customer must share one currency. Doubles appear only in
// ToRfmInput / MajorUnits, for scoring.
//
// Thread-compatible: const methods may run concurrently; AddOrder needs exclusive access.
#ifndef CLIENTELE_ANALYTICS_AGGREGATES_CUSTOMER_AGGREGATE_H_
#define CLIENTELE_ANALYTICS_AGGREGATES_CUSTOMER_AGGREGATE_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "analytics/rfm/rfm.h"
#include "clientele/common/v1/event.pb.h"

namespace clientele::analytics {

enum class RfmConvention { kNotebook, kNet };

// "notebook" / "net" and back (for flags and job parameters).
std::string_view RfmConventionName(RfmConvention convention);
// InvalidArgument naming the accepted values for anything else.
absl::StatusOr<RfmConvention> ParseRfmConvention(std::string_view name);

// Counters of one convention. Times are absl::InfinitePast() while orders == 0.
struct ConventionTotals {
  int64_t orders = 0;  // The frequency: counted orders (see the conventions above).
  absl::Time first_purchase = absl::InfinitePast();
  absl::Time last_purchase = absl::InfinitePast();
  int64_t monetary = 0;  // Scaled units (see CustomerOrderAggregate::scale()).
};
bool operator==(const ConventionTotals& a, const ConventionTotals& b);

class CustomerOrderAggregate {
 public:
  // Adds one order that happened at `occurred_at`. On error the aggregate is unchanged:
  //  InvalidArgument naming the line and field: a unit price that is negative, has
  //    extra_decimals > 6, or a currency that is unknown or differs from earlier lines;
  //  OutOfRange if a sum would overflow int64.
  // An order without lines changes nothing but the count of orders seen.
  absl::Status AddOrder(const common::v1::Order& order, absl::Time occurred_at);

  const ConventionTotals& totals(RfmConvention convention) const {
    return convention == RfmConvention::kNotebook ? notebook_ : net_;
  }

  // The RFM input (key, first/last purchase, frequency, monetary in major units) under a
  // convention, or nullopt when the customer has no counted order under it (pandas would have
  // no row for them).
  std::optional<CustomerAggregate> ToRfmInput(std::string_view key, RfmConvention convention) const;

  // Scaled units -> major currency units (double), e.g. 1234 at GBP scale 0 -> 12.34.
  double MajorUnits(int64_t scaled) const;

  // Bytes for storage; Decode(Encode()) restores an equal aggregate.
  std::string Encode() const;
  // DataLoss for bytes that Encode did not produce (truncated, unknown version, trailing data).
  static absl::StatusOr<CustomerOrderAggregate> Decode(std::string_view bytes);

  // --- Accessors (scaled amounts use the same units as ConventionTotals::monetary). ---
  const std::string& currency() const { return currency_; }  // "" before the first priced line.
  int currency_exponent() const { return exponent_; }
  uint32_t scale() const { return scale_; }             // Extra decimals of every scaled amount.
  int64_t orders_seen() const { return orders_seen_; }  // Every AddOrder that succeeded.
  int64_t cancellation_orders() const { return cancellation_orders_; }
  // Sum of quantity x price over the kept lines (= notebook monetary).
  int64_t gross_revenue() const { return notebook_.monetary; }
  // What cancellation orders took back: -(sum of their quantity x price), usually >= 0.
  int64_t cancelled_revenue() const { return cancelled_revenue_; }
  // Revenue net of cancellations and returns (= net monetary).
  int64_t net_revenue() const { return net_.monetary; }
  int64_t units_purchased() const { return units_purchased_; }  // Positive quantities, kept lines.
  int64_t units_returned() const { return units_returned_; }    // -quantity of negative lines.
  int64_t kept_lines() const { return kept_lines_; }
  int64_t return_lines() const { return return_lines_; }  // Lines with quantity < 0.
  // Scaled spend of the kept lines per non-empty OrderLine.category.
  const std::map<std::string, int64_t>& spend_by_category() const { return spend_by_category_; }

  friend bool operator==(const CustomerOrderAggregate& a, const CustomerOrderAggregate& b);

 private:
  // Multiplies every scaled amount by 10^(new_scale - scale_). OutOfRange on overflow.
  absl::Status Rescale(uint32_t new_scale);

  std::string currency_;
  int exponent_ = 0;
  uint32_t scale_ = 0;
  ConventionTotals notebook_;
  ConventionTotals net_;
  int64_t orders_seen_ = 0;
  int64_t cancellation_orders_ = 0;
  int64_t cancelled_revenue_ = 0;
  int64_t units_purchased_ = 0;
  int64_t units_returned_ = 0;
  int64_t kept_lines_ = 0;
  int64_t return_lines_ = 0;
  std::map<std::string, int64_t> spend_by_category_;
};

}  // namespace clientele::analytics

#endif  // CLIENTELE_ANALYTICS_AGGREGATES_CUSTOMER_AGGREGATE_H_
