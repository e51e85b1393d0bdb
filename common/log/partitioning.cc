#include "common/log/partitioning.h"

namespace clientele::log {

const common::v1::SourceKey* CustomerKeyOf(const common::v1::Event& event) {
  switch (event.payload_case()) {
    case common::v1::Event::kOrder:
      return event.order().has_customer() ? &event.order().customer() : nullptr;
    case common::v1::Event::kCustomerUpsert:
    case common::v1::Event::kConsentChange:
    case common::v1::Event::kInteraction:
      return event.has_source() ? &event.source() : nullptr;
    default:
      return nullptr;
  }
}

uint64_t StableHash(std::string_view bytes, uint64_t seed) {
  uint64_t h = seed;
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

uint64_t StableHash(const common::v1::SourceKey& key) {
  uint64_t h = StableHash(key.system());
  h = StableHash("\x1f", h);
  return StableHash(key.id(), h);
}

uint32_t PartitionOf(const common::v1::SourceKey& customer, uint32_t partition_count) {
  return static_cast<uint32_t>(StableHash(customer) % partition_count);
}

uint32_t PartitionOf(const common::v1::Event& event, uint32_t partition_count) {
  if (partition_count <= 1) return 0;
  if (const common::v1::SourceKey* key = CustomerKeyOf(event)) {
    return PartitionOf(*key, partition_count);
  }
  return static_cast<uint32_t>(StableHash(event.event_id()) % partition_count);
}

}  // namespace clientele::log
