#include "common/server/component_registry.h"

#include <utility>

namespace clientele::server {

absl::Status ComponentRegistry::Register(ComponentInfo info) {
  if (info.name.empty() || info.name == "all" || info.name.find(',') != std::string::npos ||
      !info.create) {
    return absl::InvalidArgumentError("component '" + info.name +
                                      "': the name must be set, not 'all', without a comma, "
                                      "and create must be set");
  }
  for (const ComponentInfo& known : components_) {
    if (known.name == info.name) {
      return absl::AlreadyExistsError("component '" + info.name + "' is already registered");
    }
  }
  components_.push_back(std::move(info));
  return absl::OkStatus();
}

}  // namespace clientele::server
