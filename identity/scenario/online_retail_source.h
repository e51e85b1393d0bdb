// The customers and invoices of a UCI Online Retail file, read with the online-retail
// importer (ingest/import), for attaching generated people to real purchases.
//
//   CLT_ASSIGN_OR_RETURN(RetailData retail, LoadOnlineRetail("online_retail.csv"));
//   // retail.customers[i].orders: Order events exactly as `clientele import` would send them.
#ifndef CLIENTELE_IDENTITY_SCENARIO_ONLINE_RETAIL_SOURCE_H_
#define CLIENTELE_IDENTITY_SCENARIO_ONLINE_RETAIL_SOURCE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "clientele/common/v1/event.pb.h"

namespace clientele::identity::scenario {

struct RetailCustomer {
  std::string customer_id;  // "17850": the id part of source key online_retail/17850.
  std::string country;      // Of the customer's first invoice.
  // The importer's CustomerUpsert events of this customer (one per country it bought from).
  std::vector<common::v1::Event> upserts;
  // The customer's Order events, in file order.
  std::vector<common::v1::Event> orders;
};

struct RetailData {
  std::string system;                     // SourceKey.system the importer uses: "online_retail".
  std::vector<RetailCustomer> customers;  // In order of first appearance in the file.
  std::vector<common::v1::Event> guest_orders;  // Invoices without a CustomerID.
  int64_t rows = 0;                             // Data rows of the file.
  int64_t rejected_rows = 0;                    // Rows the importer rejected (left out).
};

// Reads the file at `path`; errors are the importer's (NotFound, InvalidArgument for a bad
// header ...), naming the path.
absl::StatusOr<RetailData> LoadOnlineRetail(const std::string& path);

// As LoadOnlineRetail, over the file's contents.
absl::StatusOr<RetailData> LoadOnlineRetailContents(std::string contents);

}  // namespace clientele::identity::scenario

#endif  // CLIENTELE_IDENTITY_SCENARIO_ONLINE_RETAIL_SOURCE_H_
