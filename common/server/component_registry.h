// The components clienteled can run, by name, the way clientele-load registers its call kinds.
// Adding a component is its own folder plus one Register call in the server's list
// (cmd/clienteled/components.cc):
//
//   registry.Register(ingest::IngestComponent::Info());
//
// where Info() is {"ingest", "the event log", "<help of --ingest_addr>",
// [] { return std::make_unique<IngestComponent>(); }}.
#ifndef CLIENTELE_COMMON_SERVER_COMPONENT_REGISTRY_H_
#define CLIENTELE_COMMON_SERVER_COMPONENT_REGISTRY_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "common/server/component.h"

namespace clientele::server {

struct ComponentInfo {
  // The value in --services, the store directory data_dir/<name>, the prefix of its
  // health and log lines. Lowercase, no comma.
  std::string name;
  std::string description;  // One line for --help.
  // Help of --<name>_addr, the address other components use when this one runs in another
  // process ("{partition}" in it is replaced by a partition number); empty: no such flag.
  std::string address_help;
  // A new, unopened component: cheap, no I/O (every registered one is created to add its
  // flags).
  std::function<std::unique_ptr<Component>()> create;
  // Whether --services=all selects it (false: only when named, e.g. recommender-serving).
  bool in_all = true;
};

// Not thread-safe for Register.
class ComponentRegistry {
 public:
  // AlreadyExists if the name is taken; InvalidArgument if it is empty, "all", holds a comma,
  // or `create` is empty.
  absl::Status Register(ComponentInfo info);

  // In registration order, which is the order of the lifecycle (component.h).
  const std::vector<ComponentInfo>& components() const { return components_; }

 private:
  std::vector<ComponentInfo> components_;
};

}  // namespace clientele::server

#endif  // CLIENTELE_COMMON_SERVER_COMPONENT_REGISTRY_H_
