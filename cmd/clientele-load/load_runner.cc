#include "cmd/clientele-load/load_runner.h"

#include <sys/prctl.h>
#include <time.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <limits>
#include <memory>
#include <thread>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "cmd/clientele-load/rate_schedule.h"
#include "common/client/api_key_channel.h"
#include "common/status/grpc_status.h"
#include "grpcpp/completion_queue.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/support/channel_arguments.h"

namespace clientele::load {
namespace {

int64_t NowNanos() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// Sleeps until the steady clock reads `nanos` (absolute; CLOCK_MONOTONIC is steady_clock's clock
// on Linux).
void SleepUntilNanos(int64_t nanos) {
  timespec ts;
  ts.tv_sec = nanos / 1000000000;
  ts.tv_nsec = nanos % 1000000000;
  while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nullptr) == EINTR) {
  }
}

// Raises `max` to `value` if it is lower.
void RaiseTo(std::atomic<int64_t>& max, int64_t value) {
  int64_t seen = max.load(std::memory_order_relaxed);
  while (seen < value && !max.compare_exchange_weak(seen, value, std::memory_order_relaxed)) {
  }
}

// One call in flight: created by the thread that starts it, deleted by its queue's drainer.
struct Call {
  grpc::ClientContext context;
  int64_t start_nanos = 0;  // Closed loop: when it started; open loop: when it was due.
  int queue = 0;
  bool measured = false;
};

// What the calls of one queue measured. Written only by that queue's drainer; read after it has
// been joined. Aligned to keep the drainers' counters off each other's cache lines.
struct alignas(64) QueueTally {
  LatencyHistogram latency;
  int64_t calls = 0;
  int64_t ok = 0;
  int64_t errors = 0;
  int64_t warmup_calls = 0;
  std::array<int64_t, LoadResult::kNumCodes> errors_by_code{};
  // Per code: when its first error completed, and its message.
  std::map<int, std::pair<int64_t, std::string>> first_error;
  int64_t last_end_nanos = 0;
};

// The state of one RunLoad, alive until every call has completed and every thread has exited.
class Run {
 public:
  Run(CallKind* kind, const LoadOptions& options)
      : kind_(kind), options_(options), tallies_(options.threads) {
    for (int q = 0; q < options_.threads; ++q) {
      queues_.push_back(std::make_unique<grpc::CompletionQueue>());
    }
  }

  LoadResult Closed() {
    begin_nanos_ = NowNanos();
    measure_nanos_ = begin_nanos_ + absl::ToInt64Nanoseconds(options_.warmup);
    // No time limit when only max_calls bounds the run.
    end_nanos_ = options_.duration > absl::ZeroDuration()
                     ? measure_nanos_ + absl::ToInt64Nanoseconds(options_.duration)
                     : std::numeric_limits<int64_t>::max();
    workers_.store(options_.concurrency);
    StartDrainers();  // After the times above: the drainers read them.
    for (int w = 0; w < options_.concurrency; ++w) IssueNext(w % options_.threads);
    {
      // A worker retires from the completion of its last call: once all have, none is in flight.
      absl::MutexLock lock(&mu_);
      mu_.Await(absl::Condition(&workers_done_));
    }
    ShutDownAndJoin();
    return Finish();
  }

  LoadResult Open(const RateSchedule& schedule) {
    // This thread sleeps until each due time: ask for a precise wake-up instead of the default
    // 50 us timer slack, which would add up to 50 us of client lag to every call.
    prctl(PR_SET_TIMERSLACK, 1000UL, 0, 0, 0);
    StartDrainers();
    begin_nanos_ = NowNanos();
    const int64_t warmup_calls = schedule.CallsBefore(options_.warmup);
    int64_t last = options_.duration > absl::ZeroDuration()
                       ? schedule.CallsBefore(options_.warmup + options_.duration)
                       : std::numeric_limits<int64_t>::max();
    if (options_.max_calls > 0) last = std::min(last, warmup_calls + options_.max_calls);
    measure_nanos_ = begin_nanos_ + schedule.OffsetNanos(warmup_calls);
    int64_t max_lag_nanos = 0;
    for (int64_t i = 0; i < last; ++i) {
      const int64_t due = begin_nanos_ + schedule.OffsetNanos(i);
      if (NowNanos() < due) SleepUntilNanos(due);
      // Only this thread adds to in_flight_, and only below the cap.
      if (in_flight_.load(std::memory_order_acquire) >= options_.concurrency) {
        absl::MutexLock lock(&mu_);
        while (in_flight_.load(std::memory_order_acquire) >= options_.concurrency) {
          below_cap_.Wait(&mu_);
        }
      }
      RaiseTo(max_in_flight_, in_flight_.fetch_add(1, std::memory_order_relaxed) + 1);
      max_lag_nanos = std::max(max_lag_nanos, NowNanos() - due);
      StartCall(static_cast<uint64_t>(i), static_cast<int>(i % options_.threads), due,
                i >= warmup_calls);
    }
    max_lag_nanos_ = max_lag_nanos;
    // Shutting a queue down lets the calls on it finish: its drainer's Next returns false only
    // after their completions.
    ShutDownAndJoin();
    return Finish();
  }

 private:
  void StartDrainers() {
    for (int q = 0; q < options_.threads; ++q) {
      drainers_.emplace_back([queue = queues_[q].get()] {
        void* tag = nullptr;
        bool ok = false;
        while (queue->Next(&tag, &ok)) {
          auto* call = static_cast<QueuedCall*>(tag);
          call->TakenFromQueue();
          call->Complete(ok);
        }
      });
    }
  }

  // Called once no call can be started any more (open loop: the issuer is done; closed loop:
  // every worker has retired).
  void ShutDownAndJoin() {
    for (auto& queue : queues_) queue->Shutdown();
    for (std::thread& drainer : drainers_) drainer.join();
  }

  // Closed loop: starts the next call of a worker that lives on `queue`, or retires the worker
  // when the run is over. Runs on the RunLoad thread for each worker's first call, then on the
  // queue's drainer.
  void IssueNext(int queue) {
    const int64_t now = NowNanos();
    const bool measured = now >= measure_nanos_;
    bool stop = now >= end_nanos_;
    if (!stop && measured && options_.max_calls > 0) {
      stop = measured_started_.fetch_add(1, std::memory_order_relaxed) >= options_.max_calls;
    }
    if (stop) {
      if (workers_.fetch_sub(1, std::memory_order_acq_rel) == 1) {
        absl::MutexLock lock(&mu_);
        workers_done_ = true;
      }
      return;
    }
    RaiseTo(max_in_flight_, in_flight_.fetch_add(1, std::memory_order_relaxed) + 1);
    StartCall(next_index_.fetch_add(1, std::memory_order_relaxed), queue, now, measured);
  }

  void StartCall(uint64_t index, int queue, int64_t start_nanos, bool measured) {
    auto* call = new Call;
    call->start_nanos = start_nanos;
    call->queue = queue;
    call->measured = measured;
    call->context.set_deadline(std::chrono::system_clock::now() +
                               absl::ToChronoNanoseconds(options_.call_timeout));
    // Two pointers: std::function keeps them without an allocation.
    kind_->Start(index, &call->context, queues_[queue].get(),
                 [this, call](const grpc::Status& status) { OnDone(call, status); });
  }

  // Runs on the drainer of the call's queue.
  void OnDone(Call* call, const grpc::Status& status) {
    const int64_t end = NowNanos();
    const int queue = call->queue;
    QueueTally& tally = tallies_[queue];
    if (call->measured) {
      tally.latency.Record(end - call->start_nanos);
      ++tally.calls;
      if (status.ok()) {
        ++tally.ok;
      } else {
        ++tally.errors;
        const int code = static_cast<int>(status.error_code());
        if (code >= 0 && code < LoadResult::kNumCodes) ++tally.errors_by_code[code];
        tally.first_error.try_emplace(code, end, status.error_message());
      }
      tally.last_end_nanos = std::max(tally.last_end_nanos, end);
    } else {
      ++tally.warmup_calls;
    }
    // The channels outlive the run (the call kind's stubs hold them), so this never releases
    // the last reference to one; and it runs on our thread, not one of gRPC's.
    delete call;
    if (options_.rate <= 0) {
      in_flight_.fetch_sub(1, std::memory_order_relaxed);
      IssueNext(queue);
    } else if (in_flight_.fetch_sub(1, std::memory_order_acq_rel) == options_.concurrency) {
      // The issuer may be waiting for a call to finish (it waits only at the cap).
      absl::MutexLock lock(&mu_);
      below_cap_.Signal();
    }
  }

  // After ShutDownAndJoin: merges the queues' tallies.
  LoadResult Finish() {
    LoadResult result;
    std::map<int, std::pair<int64_t, std::string>> first_error;
    int64_t last_end_nanos = 0;
    for (const QueueTally& tally : tallies_) {
      result.latency.Merge(tally.latency);
      result.calls += tally.calls;
      result.ok += tally.ok;
      result.errors += tally.errors;
      result.warmup_calls += tally.warmup_calls;
      for (int code = 0; code < LoadResult::kNumCodes; ++code) {
        result.errors_by_code[code] += tally.errors_by_code[code];
      }
      for (const auto& [code, first] : tally.first_error) {
        auto [it, inserted] = first_error.emplace(code, first);
        if (!inserted && first.first < it->second.first) it->second = first;
      }
      last_end_nanos = std::max(last_end_nanos, tally.last_end_nanos);
    }
    for (auto& [code, first] : first_error) {
      result.first_error_message.emplace(code, std::move(first.second));
    }
    result.elapsed = absl::Nanoseconds(std::max<int64_t>(0, last_end_nanos - measure_nanos_));
    result.max_start_lag = absl::Nanoseconds(max_lag_nanos_);
    result.max_in_flight = max_in_flight_.load();
    return result;
  }

  CallKind* const kind_;
  const LoadOptions options_;
  std::vector<std::unique_ptr<grpc::CompletionQueue>> queues_;
  std::vector<QueueTally> tallies_;    // One per queue.
  std::vector<std::thread> drainers_;  // One per queue.
  int64_t begin_nanos_ = 0;
  int64_t measure_nanos_ = 0;
  int64_t end_nanos_ = 0;      // Closed loop only.
  int64_t max_lag_nanos_ = 0;  // Open loop only; written by the issuer.
  std::atomic<uint64_t> next_index_{0};
  std::atomic<int64_t> measured_started_{0};
  std::atomic<int> workers_{0};
  std::atomic<int64_t> in_flight_{0};
  std::atomic<int64_t> max_in_flight_{0};

  absl::Mutex mu_;
  absl::CondVar below_cap_;  // Open loop: in_flight_ dropped below the cap.
  bool workers_done_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace

double LoadResult::rps() const {
  const double seconds = absl::ToDoubleSeconds(elapsed);
  return seconds > 0 ? static_cast<double>(calls) / seconds : 0;
}

std::string StatusCodeName(int code) { return GrpcCodeName(static_cast<grpc::StatusCode>(code)); }

std::vector<std::shared_ptr<grpc::Channel>> MakeChannels(
    const std::string& address, int channels, std::shared_ptr<grpc::ChannelCredentials> credentials,
    const std::string& api_key) {
  if (credentials == nullptr) credentials = grpc::InsecureChannelCredentials();
  std::vector<std::shared_ptr<grpc::Channel>> out;
  for (int i = 0; i < std::max(1, channels); ++i) {
    grpc::ChannelArguments args;
    args.SetMaxReceiveMessageSize(64 << 20);
    // A private subchannel pool: otherwise channels with equal arguments share one connection.
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    args.SetInt("clientele.load.channel", i);
    out.push_back(CreateChannelWithApiKey(address, credentials, args, api_key));
  }
  return out;
}

absl::StatusOr<LoadResult> RunLoad(CallKind* kind, const LoadOptions& options) {
  if (kind == nullptr) return absl::InvalidArgumentError("no call kind");
  if (options.concurrency < 1) {
    return absl::InvalidArgumentError("concurrency: must be at least 1, got " +
                                      std::to_string(options.concurrency));
  }
  if (options.duration <= absl::ZeroDuration() && options.max_calls <= 0) {
    return absl::InvalidArgumentError("duration: must be positive");
  }
  if (options.warmup < absl::ZeroDuration()) {
    return absl::InvalidArgumentError("warmup: must not be negative");
  }
  if (options.max_calls < 0) return absl::InvalidArgumentError("max_calls: must not be negative");
  if (options.call_timeout <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("timeout: must be positive");
  }
  if (options.rate < 0) return absl::InvalidArgumentError("rate: must not be negative");
  if (options.threads < 1 || options.threads > LoadOptions::kMaxThreads) {
    return absl::InvalidArgumentError("threads: must be between 1 and " +
                                      std::to_string(LoadOptions::kMaxThreads) + ", got " +
                                      std::to_string(options.threads));
  }
  if (options.rate == 0) return Run(kind, options).Closed();
  absl::StatusOr<RateSchedule> schedule = RateSchedule::Create(options.rate);
  if (!schedule.ok()) return schedule.status();
  return Run(kind, options).Open(*schedule);
}

}  // namespace clientele::load
