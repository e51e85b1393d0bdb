// Bounds what streaming calls can hold on a server. The sync gRPC API gives every call in
// flight a thread (and its stack) until the handler returns, so a client that opens streams
// and then sends nothing, or stops reading, holds a thread each for as long as it likes.
// StreamGuard, installed through its interceptor factory (GrpcServer does this), enforces:
//
//   - a cap on streaming calls in flight (client-, server- and bidi-streaming; unary calls are
//     not counted): the call beyond it ends at once with RESOURCE_EXHAUSTED;
//   - an idle timeout: a stream whose handler has waited for the client for longer than the
//     timeout, either for the next message (client and bidi streams) or for room to write
//     (the client stopped reading, so flow control blocks the write), ends with
//     DEADLINE_EXCEEDED. A handler that is busy, or a server stream with nothing to send (a
//     log subscription tailing an idle log), is never idle;
//   - a limit on the messages a client may send on one stream: the message beyond it ends the
//     call with RESOURCE_EXHAUSTED (the handler may still have received that message).
//
// Metrics: clientele_grpc_streams_active (gauge) and clientele_grpc_streams_ended_total
// {reason="over_cap"|"idle"|"too_long"} (counter).
//
// Every status message names the limit and its command-line flag of clienteled. Ending a call
// works as ServerContext::TryCancel does (the handler's reads and writes fail, IsCancelled()
// turns true), but with the status above instead of CANCELLED.
#ifndef CLIENTELE_COMMON_SERVER_STREAM_GUARD_H_
#define CLIENTELE_COMMON_SERVER_STREAM_GUARD_H_

#include <cstdint>
#include <memory>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_set.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/metrics/registry.h"
#include "grpcpp/support/server_interceptor.h"

namespace clientele::server {

struct StreamLimits {
  // Most streaming calls in flight at once; 0: no cap.
  int max_concurrent_streams = 0;
  // How long a stream may wait for its client (see above); zero: forever.
  absl::Duration idle_timeout = absl::ZeroDuration();
  // Most messages a client may send on one stream; 0: no limit.
  int64_t max_stream_messages = 0;
};

// Thread-safe. Must outlive every server that uses its interceptors (destroy the
// grpc::Server first).
class StreamGuard {
 public:
  // Starts a watchdog thread when limits.idle_timeout is positive. `registry` (not owned;
  // may be null: no metrics) must outlive the guard.
  explicit StreamGuard(const StreamLimits& limits, metrics::Registry* registry = nullptr);
  ~StreamGuard();

  StreamGuard(const StreamGuard&) = delete;
  StreamGuard& operator=(const StreamGuard&) = delete;

  // A factory for grpc::ServerBuilder::experimental().SetInterceptorCreators.
  std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface> NewInterceptorFactory();

  // Streaming calls in flight (those over the cap are not counted).
  int active_streams() const;
  // Calls ended so far by each limit.
  int64_t rejected_over_cap() const;
  int64_t ended_idle() const;
  int64_t ended_too_long() const;

  // One streaming call's state, owned by its interceptor.
  struct Call;
  // For the interceptor: admission (false: over the cap), tracking and release.
  bool Admit();
  void Track(Call* call);
  void Release(Call* call, bool admitted);
  void CountTooLong();
  const StreamLimits& limits() const { return limits_; }

 private:
  void WatchdogLoop();

  const StreamLimits limits_;
  // Null without a registry.
  metrics::Gauge* const active_gauge_;
  metrics::Counter* const over_cap_counter_;
  metrics::Counter* const idle_counter_;
  metrics::Counter* const too_long_counter_;
  mutable absl::Mutex mu_;
  int active_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t rejected_over_cap_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t ended_idle_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t ended_too_long_ ABSL_GUARDED_BY(mu_) = 0;
  absl::flat_hash_set<Call*> calls_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread watchdog_;
};

}  // namespace clientele::server

#endif  // CLIENTELE_COMMON_SERVER_STREAM_GUARD_H_
