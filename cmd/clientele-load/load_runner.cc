#include "cmd/clientele-load/load_runner.h"

#include <sys/prctl.h>
#include <time.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <limits>
#include <memory>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "cmd/clientele-load/rate_schedule.h"
#include "common/client/api_key_channel.h"
#include "common/status/grpc_status.h"
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

// One call in flight.
struct Call {
  grpc::ClientContext context;
  int64_t start_nanos = 0;  // Closed loop: when it started; open loop: when it was due.
  bool measured = false;
};

// The state of one RunLoad. Shared with every call's completion callback, so it lives until
// the last callback has returned, even after RunLoad has.
class Run : public std::enable_shared_from_this<Run> {
 public:
  Run(CallKind* kind, const LoadOptions& options) : kind_(kind), options_(options) {}

  LoadResult Closed() {
    begin_nanos_ = NowNanos();
    measure_nanos_ = begin_nanos_ + absl::ToInt64Nanoseconds(options_.warmup);
    // No time limit when only max_calls bounds the run.
    end_nanos_ = options_.duration > absl::ZeroDuration()
                     ? measure_nanos_ + absl::ToInt64Nanoseconds(options_.duration)
                     : std::numeric_limits<int64_t>::max();
    workers_.store(options_.concurrency);
    for (int i = 0; i < options_.concurrency; ++i) Issue();
    absl::MutexLock lock(&mu_);
    mu_.Await(absl::Condition(
        +[](Run* run) ABSL_EXCLUSIVE_LOCKS_REQUIRED(run->mu_) { return run->workers_done_; },
        this));
    return Finish();
  }

  LoadResult Open(const RateSchedule& schedule) {
    // The issuing thread sleeps until each due time: ask for a precise wake-up instead of the
    // default 50 us timer slack, which would add up to 50 us of client lag to every call.
    prctl(PR_SET_TIMERSLACK, 1000UL, 0, 0, 0);
    begin_nanos_ = NowNanos();
    const int64_t warmup_calls = schedule.CallsBefore(options_.warmup);
    int64_t last = options_.duration > absl::ZeroDuration()
                       ? schedule.CallsBefore(options_.warmup + options_.duration)
                       : std::numeric_limits<int64_t>::max();
    if (options_.max_calls > 0) last = std::min(last, warmup_calls + options_.max_calls);
    measure_nanos_ = begin_nanos_ + schedule.OffsetNanos(warmup_calls);
    for (int64_t i = 0; i < last; ++i) {
      const int64_t due = begin_nanos_ + schedule.OffsetNanos(i);
      if (NowNanos() < due) SleepUntilNanos(due);
      {
        absl::MutexLock lock(&mu_);
        mu_.Await(absl::Condition(
            +[](Run* run) ABSL_EXCLUSIVE_LOCKS_REQUIRED(run->mu_) {
              return run->in_flight_ < run->options_.concurrency;
            },
            this));
        ++in_flight_;
        max_in_flight_ = std::max(max_in_flight_, in_flight_);
        max_lag_nanos_ = std::max(max_lag_nanos_, NowNanos() - due);
      }
      StartCall(static_cast<uint64_t>(i), due, i >= warmup_calls);
    }
    absl::MutexLock lock(&mu_);
    mu_.Await(absl::Condition(
        +[](Run* run) ABSL_EXCLUSIVE_LOCKS_REQUIRED(run->mu_) { return run->in_flight_ == 0; },
        this));
    return Finish();
  }

 private:
  // Closed loop: starts the next call of a worker, or retires the worker when the run is over.
  // Completion callbacks call it too; if gRPC runs a callback inline on a thread that is already
  // inside Issue (it may for calls that fail at once), the call is queued on that thread and
  // started by the outer Issue, so failing calls cannot recurse without bound.
  void Issue() {
    thread_local bool in_issue = false;
    thread_local int pending = 0;
    if (in_issue) {
      ++pending;
      return;
    }
    in_issue = true;
    pending = 1;
    while (pending > 0) {
      --pending;
      IssueOne();
    }
    in_issue = false;
  }

  void IssueOne() {
    const int64_t now = NowNanos();
    bool measured = now >= measure_nanos_;
    bool stop = now >= end_nanos_;
    if (!stop && measured && options_.max_calls > 0) {
      stop = measured_started_.fetch_add(1) >= options_.max_calls;
    }
    if (stop) {
      if (workers_.fetch_sub(1) == 1) {
        absl::MutexLock lock(&mu_);
        workers_done_ = true;
      }
      return;
    }
    {
      absl::MutexLock lock(&mu_);
      ++in_flight_;
      max_in_flight_ = std::max(max_in_flight_, in_flight_);
    }
    StartCall(next_index_.fetch_add(1), now, measured);
  }

  void StartCall(uint64_t index, int64_t start_nanos, bool measured) {
    auto* call = new Call;
    call->start_nanos = start_nanos;
    call->measured = measured;
    call->context.set_deadline(std::chrono::system_clock::now() +
                               absl::ToChronoNanoseconds(options_.call_timeout));
    kind_->Start(index, &call->context,
                 [self = shared_from_this(), call](const grpc::Status& status) {
                   self->OnDone(call, status);
                 });
  }

  void OnDone(Call* call, const grpc::Status& status) {
    const int64_t end = NowNanos();
    const bool closed = options_.rate <= 0;
    const int64_t start_nanos = call->start_nanos;
    const bool measured = call->measured;
    // The context holds a reference to the channel. It goes before the call counts as done:
    // once the run is seen finished the caller may drop its channels, and the last reference
    // must never be released here, on a gRPC callback thread (grpc++ 1.51 then shuts down and
    // deletes its callback completion queue from one of that queue's own threads: a crash).
    delete call;
    {
      absl::MutexLock lock(&mu_);
      if (measured) {
        result_.latency.Record(end - start_nanos);
        ++result_.calls;
        if (status.ok()) {
          ++result_.ok;
        } else {
          ++result_.errors;
          const int code = static_cast<int>(status.error_code());
          if (code >= 0 && code < LoadResult::kNumCodes) ++result_.errors_by_code[code];
          result_.first_error_message.emplace(code, status.error_message());
        }
        last_end_nanos_ = std::max(last_end_nanos_, end);
      } else {
        ++result_.warmup_calls;
      }
      --in_flight_;
    }
    if (closed) Issue();
  }

  LoadResult Finish() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    result_.elapsed = absl::Nanoseconds(std::max<int64_t>(0, last_end_nanos_ - measure_nanos_));
    result_.max_start_lag = absl::Nanoseconds(max_lag_nanos_);
    result_.max_in_flight = max_in_flight_;
    return std::move(result_);
  }

  CallKind* const kind_;
  const LoadOptions options_;
  int64_t begin_nanos_ = 0;
  int64_t measure_nanos_ = 0;
  int64_t end_nanos_ = 0;  // Closed loop only.
  std::atomic<uint64_t> next_index_{0};
  std::atomic<int64_t> measured_started_{0};
  std::atomic<int> workers_{0};

  absl::Mutex mu_;
  LoadResult result_ ABSL_GUARDED_BY(mu_);
  int64_t in_flight_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t max_in_flight_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t max_lag_nanos_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t last_end_nanos_ ABSL_GUARDED_BY(mu_) = 0;
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
  auto run = std::make_shared<Run>(kind, options);
  if (options.rate == 0) return run->Closed();
  absl::StatusOr<RateSchedule> schedule = RateSchedule::Create(options.rate);
  if (!schedule.ok()) return schedule.status();
  return run->Open(*schedule);
}

}  // namespace clientele::load
