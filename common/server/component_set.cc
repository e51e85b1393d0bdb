#include "common/server/component_set.h"

#include <algorithm>
#include <set>
#include <utility>

#include "CLI/CLI.hpp"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/logging/log_context.h"

namespace clientele::server {
namespace {

absl::Status Prefixed(const std::string& name, const absl::Status& status) {
  return absl::Status(status.code(), name + ": " + std::string(status.message()));
}

}  // namespace

ComponentSet::ComponentSet(const ComponentRegistry& registry) {
  for (const ComponentInfo& info : registry.components()) {
    entries_.push_back({info, info.create()});
  }
}

ComponentSet::~ComponentSet() {
  while (!entries_.empty()) entries_.pop_back();
}

void ComponentSet::AddFlags(CLI::App& app) {
  for (Entry& entry : entries_) {
    entry.component->AddFlags(app);
    if (!entry.info.address_help.empty()) {
      const std::string name = entry.info.name;  // Copied: entries_ changes in Select.
      app.add_option_function<std::string>(
          "--" + name + "_addr", [this, name](const std::string& v) { addresses_[name] = v; },
          entry.info.address_help);
    }
  }
}

absl::Status ComponentSet::Select(std::string_view services) {
  std::vector<std::string> known;
  std::vector<std::string> in_all;
  for (const Entry& entry : entries_) {
    known.push_back(entry.info.name);
    if (entry.info.in_all) in_all.push_back(entry.info.name);
  }
  std::set<std::string, std::less<>> selected;
  for (absl::string_view s : absl::StrSplit(absl::string_view(services.data(), services.size()),
                                            ',', absl::SkipWhitespace())) {
    s = absl::StripAsciiWhitespace(s);
    if (s == "all") {
      selected.insert(in_all.begin(), in_all.end());
    } else if (std::find(known.begin(), known.end(), s) != known.end()) {
      selected.insert(std::string(s));
    } else {
      return absl::InvalidArgumentError("--services: unknown service '" + std::string(s) +
                                        "' (known: all, " + absl::StrJoin(known, ", ") + ")");
    }
  }
  if (selected.empty()) return absl::InvalidArgumentError("--services: no service named");
  std::vector<Entry> kept;
  for (Entry& entry : entries_) {
    if (selected.count(entry.info.name)) kept.push_back(std::move(entry));
  }
  while (!entries_.empty()) entries_.pop_back();  // The unselected, in reverse order.
  entries_ = std::move(kept);
  return absl::OkStatus();
}

std::vector<std::string> ComponentSet::names() const {
  std::vector<std::string> out;
  for (const Entry& entry : entries_) out.push_back(entry.info.name);
  return out;
}

Component* ComponentSet::Find(std::string_view name) const {
  for (const Entry& entry : entries_) {
    if (entry.info.name == name) return entry.component.get();
  }
  return nullptr;
}

Deployment ComponentSet::deployment() const {
  Deployment deployment;
  for (const Entry& entry : entries_) deployment.local.insert(entry.info.name);
  for (const auto& [name, address] : addresses_) {
    if (!address.empty()) deployment.addresses.emplace(name, address);
  }
  return deployment;
}

std::vector<std::string> ComponentSet::stores() const {
  std::vector<std::string> out;
  for (const Entry& entry : entries_) {
    for (std::string& store : entry.component->stores()) out.push_back(std::move(store));
  }
  return out;
}

absl::Status ComponentSet::Open(const ComponentEnvironment& env) {
  deployment_ = env.deployment;
  for (Entry& entry : entries_) {
    const logging::ScopedComponent log_as(entry.info.name);  // Its log lines name it.
    if (absl::Status s = entry.component->Open(env); !s.ok()) return Prefixed(entry.info.name, s);
  }
  return absl::OkStatus();
}

std::vector<grpc::Service*> ComponentSet::services() const {
  std::vector<grpc::Service*> out;
  for (const Entry& entry : entries_) {
    for (grpc::Service* service : entry.component->services()) out.push_back(service);
  }
  return out;
}

std::vector<std::string> ComponentSet::health_names() const {
  std::vector<std::string> out;
  for (const Entry& entry : entries_) {
    for (std::string& name : entry.component->health_names()) out.push_back(std::move(name));
  }
  return out;
}

std::vector<jobs::JobManager*> ComponentSet::job_managers() const {
  std::vector<jobs::JobManager*> out;
  for (const Entry& entry : entries_) {
    for (jobs::JobManager* manager : entry.component->job_managers()) out.push_back(manager);
  }
  return out;
}

std::vector<HealthMonitor::Check> ComponentSet::health_checks() const {
  std::vector<HealthMonitor::Check> out;
  for (const Entry& entry : entries_) {
    const Component* component = entry.component.get();
    for (std::string& name : component->health_names()) {
      out.push_back({std::move(name), [component] { return component->Health(); }});
    }
  }
  return out;
}

absl::Status ComponentSet::Start(GrpcServer* server, int max_message_bytes,
                                 std::shared_ptr<grpc::ChannelCredentials> remote_credentials) {
  for (; started_ < entries_.size(); ++started_) {
    Entry& entry = entries_[started_];
    const logging::ScopedComponent log_as(entry.info.name);
    auto channels = std::make_shared<const ComponentChannels>(
        server, deployment_, max_message_bytes, remote_credentials);
    if (absl::Status s = entry.component->Start(std::move(channels)); !s.ok()) {
      // The component that failed is drained and stopped too: it may have started a part.
      for (size_t i = started_ + 1; i-- > 0;) entries_[i].component->Drain();
      for (size_t i = started_ + 1; i-- > 0;) entries_[i].component->Stop();
      return Prefixed(entry.info.name, s);
    }
  }
  return absl::OkStatus();
}

void ComponentSet::Drain() {
  for (auto it = entries_.rbegin(); it != entries_.rend(); ++it) {
    const logging::ScopedComponent log_as(it->info.name);
    it->component->Drain();
  }
}

void ComponentSet::Stop() {
  for (auto it = entries_.rbegin(); it != entries_.rend(); ++it) {
    const logging::ScopedComponent log_as(it->info.name);
    it->component->Stop();
  }
}

absl::Status ComponentSet::Flush() {
  absl::Status first;
  for (auto it = entries_.rbegin(); it != entries_.rend(); ++it) {
    const logging::ScopedComponent log_as(it->info.name);
    if (absl::Status s = it->component->Flush(); !s.ok() && first.ok()) {
      first = Prefixed(it->info.name, s);
    }
  }
  return first;
}

}  // namespace clientele::server
