// The components of one clienteled process and their lifecycle (component.h): one instance
// of every registered component gets its flags on the command line, Select keeps the ones
// --services names, and each step is one loop over them. Each component's step runs with its
// name as the thread's log component (logging::ScopedComponent), so its JSON log lines name it.
//
//   ComponentSet components(registry);
//   components.AddFlags(app);                   // before parsing
//   ... parse ...
//   CLT_RETURN_IF_ERROR(components.Select(flags.services));
//   CLT_RETURN_IF_ERROR(components.Open(env));
//   ... GrpcServer::Start(options, components.services(), components.health_names(), ...)
//   CLT_RETURN_IF_ERROR(components.Start(server.get(), max_message_bytes));
//   ... signal ...
//   components.Drain(); server->Shutdown(); components.Stop(); components.Flush();
//
// Not thread-safe: one thread drives the lifecycle (health checks run on the monitor's).
#ifndef CLIENTELE_COMMON_SERVER_COMPONENT_SET_H_
#define CLIENTELE_COMMON_SERVER_COMPONENT_SET_H_

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "common/server/component.h"
#include "common/server/component_registry.h"
#include "common/server/health_monitor.h"

namespace clientele::server {

class ComponentSet {
 public:
  // Creates (does not open) one instance of every component of `registry`, in its order.
  explicit ComponentSet(const ComponentRegistry& registry);
  // Destroys the components in reverse order (a component's destructor stops what it runs).
  ~ComponentSet();

  ComponentSet(const ComponentSet&) = delete;
  ComponentSet& operator=(const ComponentSet&) = delete;

  // Adds each component's own flags and the --<name>_addr flag of each component that
  // declares one (ComponentInfo::address_help). Before Select.
  void AddFlags(CLI::App& app);

  // Keeps the components `services` names: "all", or a comma-separated list of names (in
  // any order, whitespace ignored); they run in registration order. InvalidArgument naming
  // --services, the unknown name and every known one, or when nothing is named. Once.
  absl::Status Select(std::string_view services);

  // The selected components' names, in order.
  std::vector<std::string> names() const;
  // The selected components, and the addresses given for any component.
  Deployment deployment() const;
  // The store directories of the selected components (valid before Open), for --check.
  std::vector<std::string> stores() const;

  // Opens each selected component in order; the first error, prefixed with its name (those
  // opened before it are closed when the set is destroyed). env.metrics must outlive the set.
  absl::Status Open(const ComponentEnvironment& env);
  // What the gRPC server serves: every selected component's services and health names.
  std::vector<grpc::Service*> services() const;
  std::vector<std::string> health_names() const;
  // Every selected component's job managers (for the process's JobService).
  std::vector<jobs::JobManager*> job_managers() const;
  // One check per health name, calling its component's Health().
  std::vector<HealthMonitor::Check> health_checks() const;

  // Starts each component in order, giving each its own ComponentChannels over `server`
  // (not owned; may be null when no component calls another in-process), whose remote
  // channels use `remote_credentials` (null: plaintext). On an error, the component that
  // failed and those started before it are drained and stopped (reverse order) and the
  // error, prefixed with the component's name, returned.
  absl::Status Start(GrpcServer* server, int max_message_bytes,
                     std::shared_ptr<grpc::ChannelCredentials> remote_credentials = nullptr);

  // Drain() of every component, in reverse order.
  void Drain();
  // Stop() of every component, in reverse order.
  void Stop();
  // Flush() of every component, in reverse order; all are flushed, the first error (prefixed
  // with the component's name) returned.
  absl::Status Flush();

 private:
  struct Entry {
    ComponentInfo info;
    std::unique_ptr<Component> component;
  };

  std::vector<Entry> entries_;  // Every registered component until Select, then the selected.
  std::map<std::string, std::string, std::less<>> addresses_;  // --<name>_addr values.
  Deployment deployment_;  // Set by Open: the one the components were opened with.
  size_t started_ = 0;     // How many entries (a prefix) Start has started.
};

}  // namespace clientele::server

#endif  // CLIENTELE_COMMON_SERVER_COMPONENT_SET_H_
