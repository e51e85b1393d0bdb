#include "gateway/gateway_store.h"

#include <filesystem>
#include <utility>

#include "common/storage/rocksdb_store.h"

namespace clientele::gateway {

absl::StatusOr<std::unique_ptr<storage::KvStore>> OpenGatewayStore(
    const std::string& data_dir, std::vector<storage::ColumnFamilySpec> more) {
  storage::RocksDbOptions options;
  options.path = (std::filesystem::path(data_dir) / kGatewayStoreDir).string();
  options.name = "gateway";
  options.column_families.push_back({"keys", /*bloom_filter=*/false});
  for (storage::ColumnFamilySpec& spec : more) options.column_families.push_back(std::move(spec));
  options.sync_writes = true;
  options.write_buffer_bytes = 4 << 20;
  return storage::OpenRocksDbStore(options);
}

}  // namespace clientele::gateway
