#include "identity/scenario/online_retail_source.h"

#include <memory>
#include <string>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "ingest/import/importer.h"

namespace clientele::identity::scenario {
namespace {

absl::StatusOr<RetailData> Collect(absl::StatusOr<std::unique_ptr<ingest::Importer>> opened) {
  if (!opened.ok()) return opened.status();
  ingest::Importer& importer = **opened;
  RetailData data;
  absl::flat_hash_map<std::string, size_t> customer_index;
  auto customer_for = [&](const common::v1::SourceKey& key) -> RetailCustomer& {
    if (data.system.empty()) data.system = key.system();
    auto [it, inserted] = customer_index.emplace(key.id(), data.customers.size());
    if (inserted) data.customers.emplace_back().customer_id = key.id();
    return data.customers[it->second];
  };
  ingest::ImportBatch batch;
  for (;;) {
    absl::StatusOr<bool> more = importer.Next(1000, &batch);
    if (!more.ok()) return more.status();
    if (!*more) break;
    data.rows += batch.rows;
    data.rejected_rows += static_cast<int64_t>(batch.rejections.size());
    for (common::v1::Event& event : batch.events) {
      if (event.has_customer_upsert()) {
        RetailCustomer& customer = customer_for(event.source());
        if (customer.country.empty())
          customer.country = event.customer_upsert().address().country();
        customer.upserts.push_back(std::move(event));
      } else if (event.has_order() && event.order().has_customer()) {
        RetailCustomer& customer = customer_for(event.order().customer());
        if (customer.country.empty()) customer.country = event.order().country();
        customer.orders.push_back(std::move(event));
      } else {
        data.guest_orders.push_back(std::move(event));
      }
    }
  }
  if (data.system.empty()) data.system = "online_retail";
  return data;
}

}  // namespace

absl::StatusOr<RetailData> LoadOnlineRetail(const std::string& path) {
  return Collect(
      ingest::OpenImporter(ingest::ImportFormat::kOnlineRetail, path, ingest::ImportOptions()));
}

absl::StatusOr<RetailData> LoadOnlineRetailContents(std::string contents) {
  return Collect(ingest::OpenImporterForContents(ingest::ImportFormat::kOnlineRetail,
                                                 std::move(contents), ingest::ImportOptions()));
}

}  // namespace clientele::identity::scenario
