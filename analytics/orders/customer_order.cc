#include "analytics/orders/customer_order.h"

#include <algorithm>
#include <cstdint>
#include <string>
#include <tuple>
#include <utility>

namespace clientele::analytics {
namespace {

int64_t Pow10(uint32_t n) {
  int64_t v = 1;
  while (n-- > 0) v *= 10;
  return v;
}

// The exact total of the lines, or nullopt (see CustomerOrderOf).
std::optional<common::v1::Money> Total(const common::v1::Order& order) {
  std::string currency;
  uint32_t scale = 0;
  for (const common::v1::OrderLine& line : order.lines()) {
    if (!line.has_unit_price()) continue;
    const common::v1::Money& price = line.unit_price();
    if (currency.empty()) currency = price.currency_code();
    if (price.currency_code() != currency) return std::nullopt;
    // Extra decimals are at most 6 once validated; a larger value is not an amount to trust.
    if (price.extra_decimals() > 6) return std::nullopt;
    scale = std::max(scale, price.extra_decimals());
  }
  if (currency.empty()) return std::nullopt;
  int64_t sum = 0;
  for (const common::v1::OrderLine& line : order.lines()) {
    if (!line.has_unit_price()) continue;
    const common::v1::Money& price = line.unit_price();
    int64_t units = 0, amount = 0;
    if (__builtin_mul_overflow(price.minor_units(), Pow10(scale - price.extra_decimals()),
                               &units) ||
        __builtin_mul_overflow(units, line.quantity(), &amount) ||
        __builtin_add_overflow(sum, amount, &sum)) {
      return std::nullopt;
    }
  }
  common::v1::Money total;
  total.set_minor_units(sum);
  total.set_currency_code(currency);
  total.set_extra_decimals(scale);
  return total;
}

int64_t Micros(const v1::CustomerOrder& order) {
  return order.occurred_at().seconds() * 1000000 + order.occurred_at().nanos() / 1000;
}

}  // namespace

std::optional<v1::CustomerOrder> CustomerOrderOf(const common::v1::Event& event) {
  if (!event.has_order()) return std::nullopt;
  const common::v1::Order& in = event.order();
  if (in.customer().system().empty() && in.customer().id().empty()) return std::nullopt;
  v1::CustomerOrder order;
  order.set_order_id(in.order_id());
  *order.mutable_customer() = in.customer();
  *order.mutable_occurred_at() = event.occurred_at();
  order.set_channel(event.channel());
  order.set_cancellation(in.cancellation());
  if (std::optional<common::v1::Money> total = Total(in)) *order.mutable_total() = *total;
  int64_t units = 0;
  for (const common::v1::OrderLine& line : in.lines()) {
    units += line.quantity();
    common::v1::OrderLine* out = order.add_lines();
    *out = line;
    out->clear_source_row();
  }
  order.set_units(units);
  order.set_store_id(in.store_id());
  order.set_country(in.country());
  return order;
}

std::vector<v1::CustomerOrder> NewestOrders(std::vector<v1::CustomerOrder> orders, int limit) {
  auto newer = [](const v1::CustomerOrder& a, const v1::CustomerOrder& b) {
    const int64_t ta = Micros(a), tb = Micros(b);
    if (ta != tb) return ta > tb;
    return std::tie(a.order_id(), a.customer().system(), a.customer().id()) <
           std::tie(b.order_id(), b.customer().system(), b.customer().id());
  };
  const size_t keep = std::min(orders.size(), static_cast<size_t>(std::max(limit, 0)));
  std::partial_sort(orders.begin(), orders.begin() + keep, orders.end(), newer);
  orders.resize(keep);
  return orders;
}

}  // namespace clientele::analytics
