// Routing of events to log partitions: partition p of N by a stable hash of the customer's
// source key, or of the event id for events without a customer (guest orders, products).
// The hash is FNV-1a 64 over "system" 0x1f "id" (or the event id); it is part of the
// on-disk contract and must never change, or events would move between partitions.
#ifndef CLIENTELE_COMMON_LOG_PARTITIONING_H_
#define CLIENTELE_COMMON_LOG_PARTITIONING_H_

#include <cstdint>
#include <string_view>

#include "clientele/common/v1/event.pb.h"

namespace clientele::log {

// The customer's source key of an event: Order -> order.customer (if set);
// CustomerUpsert, ConsentChange, Interaction -> event.source; otherwise nullptr.
const common::v1::SourceKey* CustomerKeyOf(const common::v1::Event& event);

uint64_t StableHash(std::string_view bytes, uint64_t seed = 1469598103934665603ULL);
uint64_t StableHash(const common::v1::SourceKey& key);

// REQUIRES: partition_count >= 1.
uint32_t PartitionOf(const common::v1::Event& event, uint32_t partition_count);
uint32_t PartitionOf(const common::v1::SourceKey& customer, uint32_t partition_count);

}  // namespace clientele::log

#endif  // CLIENTELE_COMMON_LOG_PARTITIONING_H_
