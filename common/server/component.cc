#include "common/server/component.h"

namespace clientele::server {

std::vector<uint32_t> ComponentEnvironment::OwnedOrAllPartitions() const {
  return owned_partitions.empty() ? AllPartitions() : owned_partitions;
}

std::vector<uint32_t> ComponentEnvironment::AllPartitions() const {
  std::vector<uint32_t> out;
  for (uint32_t p = 0; p < partition_count; ++p) out.push_back(p);
  return out;
}

}  // namespace clientele::server
