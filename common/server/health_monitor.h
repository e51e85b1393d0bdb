// Keeps the gRPC health status of each component in line with its own health checks: a
// component whose store reports damage, whose log partition refuses to serve, or whose
// consumer stopped on DATA_LOSS is NOT_SERVING (and so is the server as a whole, ""), until
// its check passes again.
//
//   HealthMonitor monitor(server.get(), {{"clientele.ingest.v1.IngestService",
//                                         [&] { return ingest->Health(); }}});
//
// Thread-safe. Polls on its own thread every `interval`; the destructor stops it.
#ifndef CLIENTELE_COMMON_SERVER_HEALTH_MONITOR_H_
#define CLIENTELE_COMMON_SERVER_HEALTH_MONITOR_H_

#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/server/grpc_server.h"

namespace clientele::server {

class HealthMonitor {
 public:
  struct Check {
    std::string service_name;  // The gRPC health name it sets.
    std::function<absl::Status()> check;
  };

  // `server` (not owned) must outlive the monitor.
  HealthMonitor(GrpcServer* server, std::vector<Check> checks,
                absl::Duration interval = absl::Seconds(1));
  ~HealthMonitor();

  // Runs every check once now and updates the health statuses; the first failure, if any.
  absl::Status CheckNow();

 private:
  void Loop();

  GrpcServer* const server_;
  const std::vector<Check> checks_;
  const absl::Duration interval_;
  absl::Mutex mu_;
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<bool> serving_ ABSL_GUARDED_BY(mu_);  // Last status set, per check.
  std::thread thread_;                              // Last: starts after the members it reads.
};

}  // namespace clientele::server

#endif  // CLIENTELE_COMMON_SERVER_HEALTH_MONITOR_H_
