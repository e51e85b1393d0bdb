// Drives one CallKind against a server, closed loop or open loop, and measures every call.
//
// Closed loop (rate == 0): `concurrency` workers, each with exactly one call in flight; a worker
// starts its next call from the completion of the previous one. Throughput is whatever the
// server sustains; latency is from a call's start to its completion.
//
// Open loop (rate > 0): call i is due at start + i / rate (rate_schedule.h) whatever happened to
// earlier calls, and its latency runs from that *scheduled* time, not from when the runner got
// round to starting it. A server (or client) stall therefore shows up in the latency of every
// call that was due during it instead of silently thinning the load ("coordinated omission").
// `concurrency` caps the calls in flight; a capped call waits, and the wait counts.
//
// Threads: calls run on `threads` gRPC completion queues, each drained by a thread of the runner
// that blocks in CompletionQueue::Next and completes what it takes off (records the latency,
// frees the call; closed loop: starts the worker's next call on the same queue), so a completion
// is handled by the thread that polled it, with no hand-over between threads. Open loop: the
// thread that called RunLoad issues every call at its due time (an absolute clock_nanosleep with
// a 1 us timer slack; it never waits in the queues, whose pollers time out with millisecond
// granularity), call i on queue i % threads. Closed loop: worker w lives on queue w % threads.
// Every queue is shut down and drained to the end, and every thread joined, before RunLoad
// returns.
#ifndef CLIENTELE_CMD_CLIENTELE_LOAD_LOAD_RUNNER_H_
#define CLIENTELE_CMD_CLIENTELE_LOAD_LOAD_RUNNER_H_

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "cmd/clientele-load/call_kind.h"
#include "cmd/clientele-load/latency_histogram.h"
#include "grpcpp/channel.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/support/status_code_enum.h"

namespace clientele::load {

struct LoadOptions {
  // Closed loop: calls in flight. Open loop: the most calls in flight. At least 1.
  int concurrency = 16;
  // Calls per second; 0 (the default) means closed loop.
  double rate = 0;
  // Length of the measured window (calls started, or due, in it are measured).
  absl::Duration duration = absl::Seconds(10);
  // Calls started (due) before the measured window are made but not measured.
  absl::Duration warmup = absl::ZeroDuration();
  // If > 0, the run ends after this many measured calls even if `duration` has not passed:
  // a deterministic number of calls for tests.
  int64_t max_calls = 0;
  // Deadline of each call.
  absl::Duration call_timeout = absl::Seconds(5);
  // Completion queues, each with a thread that drains it (see the top of this file). In
  // [1, kMaxThreads].
  int threads = 1;
  static constexpr int kMaxThreads = 64;
};

struct LoadResult {
  static constexpr int kNumCodes = grpc::StatusCode::UNAUTHENTICATED + 1;

  int64_t calls = 0;  // Measured calls, all completed.
  int64_t ok = 0;
  int64_t errors = 0;
  std::array<int64_t, kNumCodes> errors_by_code{};  // Index: grpc::StatusCode.
  // The message of the first measured error of each code that occurred (to tell, e.g., a
  // refused connection from a server's own UNAVAILABLE). Key: grpc::StatusCode.
  std::map<int, std::string> first_error_message;
  int64_t warmup_calls = 0;
  // Latency of every measured call, failed ones included, in nanoseconds.
  LatencyHistogram latency;
  // From the start of the measured window to the completion of its last call.
  absl::Duration elapsed;
  // Open loop: how late the runner started calls after their due time (client-side lag, part of
  // the latency), at most; and the most calls in flight at once.
  absl::Duration max_start_lag;
  int64_t max_in_flight = 0;

  double rps() const;
};

// Canonical name of a gRPC code, e.g. "NOT_FOUND" (GrpcCodeName of common/status).
std::string StatusCodeName(int code);

// `channels` distinct HTTP/2 connections to `address` (each with its own subchannel), with
// `credentials` (null: plaintext). With an `api_key`, every call carries
// "authorization: Bearer <api_key>".
std::vector<std::shared_ptr<grpc::Channel>> MakeChannels(
    const std::string& address, int channels,
    std::shared_ptr<grpc::ChannelCredentials> credentials = nullptr,
    const std::string& api_key = "");

// Runs `kind` (prepared; not owned, must stay alive until RunLoad returns). Errors:
// InvalidArgument for bad options, naming the option. Returns only when every call made has
// completed and the runner's threads have exited.
absl::StatusOr<LoadResult> RunLoad(CallKind* kind, const LoadOptions& options);

}  // namespace clientele::load

#endif  // CLIENTELE_CMD_CLIENTELE_LOAD_LOAD_RUNNER_H_
