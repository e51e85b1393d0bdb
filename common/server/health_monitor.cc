#include "common/server/health_monitor.h"

#include "spdlog/spdlog.h"

namespace clientele::server {

HealthMonitor::HealthMonitor(GrpcServer* server, std::vector<Check> checks, absl::Duration interval)
    : server_(server),
      checks_(std::move(checks)),
      interval_(interval),
      serving_(checks_.size(), true),
      thread_([this] { Loop(); }) {}

HealthMonitor::~HealthMonitor() {
  {
    absl::MutexLock l(&mu_);
    stop_ = true;
  }
  thread_.join();
}

absl::Status HealthMonitor::CheckNow() {
  absl::Status first;
  std::vector<absl::Status> results;
  results.reserve(checks_.size());
  for (const Check& c : checks_) results.push_back(c.check());
  absl::MutexLock l(&mu_);
  bool all_serving = true;
  bool changed = false;
  for (size_t i = 0; i < checks_.size(); ++i) {
    const bool serving = results[i].ok();
    all_serving = all_serving && serving;
    if (!serving && first.ok()) first = results[i];
    if (serving == serving_[i]) continue;
    changed = true;
    serving_[i] = serving;
    server_->SetServing(checks_[i].service_name, serving);
    if (serving) {
      spdlog::warn("{} is SERVING again", checks_[i].service_name);
    } else {
      spdlog::error("{} is NOT_SERVING: {}", checks_[i].service_name, results[i].ToString());
    }
  }
  if (changed) server_->SetServing("", all_serving);
  return first;
}

void HealthMonitor::Loop() {
  while (true) {
    (void)CheckNow();
    absl::MutexLock l(&mu_);
    mu_.AwaitWithTimeout(absl::Condition(&stop_), interval_);
    if (stop_) return;
  }
}

}  // namespace clientele::server
