// The gateway's RocksDB store, <data_dir>/gateway: its column-family registry. Column family
// 0 holds the API keys (auth/key_store.h); other parts of the gateway (the PII audit log)
// declare theirs after it and find them at the index they were declared at (1, 2, ...).
//
//   CLT_ASSIGN_OR_RETURN(std::unique_ptr<storage::KvStore> store,
//                        OpenGatewayStore(data_dir, {{"pii_audit"}}));  // pii_audit: cf 1
#ifndef CLIENTELE_GATEWAY_GATEWAY_STORE_H_
#define CLIENTELE_GATEWAY_GATEWAY_STORE_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/storage/kv_store.h"

namespace clientele::gateway {

inline constexpr char kGatewayStoreDir[] = "gateway";
inline constexpr storage::ColumnFamilyId kKeysColumnFamily = 0;

// Opens (creating it if needed) <data_dir>/gateway with the "keys" column family and then
// `more`. Writes are synced: a created or revoked key survives power loss.
absl::StatusOr<std::unique_ptr<storage::KvStore>> OpenGatewayStore(
    const std::string& data_dir, std::vector<storage::ColumnFamilySpec> more = {});

}  // namespace clientele::gateway

#endif  // CLIENTELE_GATEWAY_GATEWAY_STORE_H_
