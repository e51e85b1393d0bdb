// The order history analytics keeps per source key: one CustomerOrder per Order event (its
// lines, time, channel and total), the answer of AnalyticsService.ListCustomerOrders.
//
//   std::optional<v1::CustomerOrder> order = CustomerOrderOf(event);  // nullopt: not an order
//   if (order) store.PutOrder(batch, *order);
//
// Pure functions; thread-safe.
#ifndef CLIENTELE_ANALYTICS_ORDERS_CUSTOMER_ORDER_H_
#define CLIENTELE_ANALYTICS_ORDERS_CUSTOMER_ORDER_H_

#include <optional>
#include <vector>

#include "clientele/analytics/v1/analytics.pb.h"
#include "clientele/common/v1/event.pb.h"

namespace clientele::analytics {

// The order of an Order event with a customer; nullopt for other events and guest orders.
// The total is the exact sum of quantity x unit price over the lines, at the finest
// extra_decimals of any line; it is left unset when no line has a price, the lines disagree on
// the currency, or the sum overflows int64. Lines keep everything but their import row.
std::optional<v1::CustomerOrder> CustomerOrderOf(const common::v1::Event& event);

// Merges per-key lists (each newest first) into the newest `limit` orders overall, newest
// first; orders of the same time by order id, then customer.
std::vector<v1::CustomerOrder> NewestOrders(std::vector<v1::CustomerOrder> orders, int limit);

}  // namespace clientele::analytics

#endif  // CLIENTELE_ANALYTICS_ORDERS_CUSTOMER_ORDER_H_
