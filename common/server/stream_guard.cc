#include "common/server/stream_guard.h"

#include <algorithm>
#include <atomic>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "grpc/grpc.h"
#include "grpcpp/generic/async_generic_service.h"
#include "grpcpp/server_context.h"
#include "grpcpp/support/interceptor.h"
#include "spdlog/spdlog.h"

namespace clientele::server {

using grpc::experimental::InterceptionHookPoints;
using grpc::experimental::ServerRpcInfo;

struct StreamGuard::Call {
  grpc_call* call = nullptr;  // Set (with a reference held) while tracked.
  // Unix nanos since which the handler waits for the client; 0: not waiting.
  std::atomic<int64_t> waiting_since{0};
  // True while that wait is a write (the client does not read), false for a read.
  std::atomic<bool> writing{false};
  // Set once a limit has ended the call, so that it is ended only once.
  std::atomic<bool> ended{false};
};

namespace {

constexpr char kEndedName[] = "clientele_grpc_streams_ended_total";
constexpr char kEndedHelp[] = "Streaming calls ended by a server limit, by limit.";

metrics::Counter* EndedCounter(metrics::Registry* registry, const std::string& reason) {
  return registry == nullptr ? nullptr
                             : registry->GetCounter(kEndedName, kEndedHelp, {{"reason", reason}});
}

std::string Seconds(absl::Duration d) { return absl::StrCat(absl::ToDoubleSeconds(d), " s"); }

// The core call of a sync or callback handler's context; null for others.
grpc_call* CoreCall(grpc::ServerContextBase* context) {
  if (auto* sync = dynamic_cast<grpc::ServerContext*>(context)) return sync->c_call();
  if (auto* callback = dynamic_cast<grpc::CallbackServerContext*>(context)) {
    return callback->c_call();
  }
  return nullptr;
}

class StreamGuardInterceptor final : public grpc::experimental::Interceptor {
 public:
  StreamGuardInterceptor(StreamGuard* guard, grpc::ServerContextBase* context, bool admitted)
      : guard_(guard), context_(context), admitted_(admitted) {}

  ~StreamGuardInterceptor() override {
    guard_->Release(tracked_ ? &call_ : nullptr, admitted_);
    if (tracked_) grpc_call_unref(call_.call);
  }

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (!started_) Start();
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::POST_RECV_MESSAGE)) {
      call_.waiting_since.store(0, std::memory_order_relaxed);
      const int64_t max = guard_->limits().max_stream_messages;
      if (methods->GetRecvMessage() != nullptr && ++messages_ > max && max > 0 &&
          !call_.ended.exchange(true)) {
        guard_->CountTooLong();
        End(GRPC_STATUS_RESOURCE_EXHAUSTED,
            absl::StrCat("stream too long: more than ", max,
                         " messages on one stream (--max_stream_messages); send the rest on a "
                         "new stream"));
      }
    } else if (methods->GetRecvMessage() != nullptr) {
      // A batch with a receive op on its way down: the handler starts waiting for a message.
      call_.writing.store(false, std::memory_order_relaxed);
      call_.waiting_since.store(absl::ToUnixNanos(absl::Now()), std::memory_order_relaxed);
    }
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_MESSAGE)) {
      call_.writing.store(true, std::memory_order_relaxed);
      call_.waiting_since.store(absl::ToUnixNanos(absl::Now()), std::memory_order_relaxed);
    }
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::POST_SEND_MESSAGE)) {
      call_.waiting_since.store(0, std::memory_order_relaxed);
    }
    methods->Proceed();
  }

 private:
  // On the call's first batch, when its core call exists.
  void Start() {
    grpc_call* call = CoreCall(context_);
    if (call == nullptr) return;
    started_ = true;
    if (!admitted_) {
      call_.ended.store(true);
      End(GRPC_STATUS_RESOURCE_EXHAUSTED,
          absl::StrCat("too many streams: ", guard_->limits().max_concurrent_streams,
                       " streaming calls are in flight on this server "
                       "(--max_concurrent_streams); retry later"),
          call);
      return;
    }
    grpc_call_ref(call);
    call_.call = call;
    tracked_ = true;
    guard_->Track(&call_);
  }

  void End(grpc_status_code code, const std::string& message, grpc_call* call = nullptr) {
    spdlog::debug("ending stream: {}", message);
    grpc_call_cancel_with_status(call != nullptr ? call : call_.call, code, message.c_str(),
                                 nullptr);
  }

  StreamGuard* const guard_;
  grpc::ServerContextBase* const context_;
  const bool admitted_;
  bool started_ = false;  // Batches of one call never run concurrently.
  bool tracked_ = false;
  int64_t messages_ = 0;
  StreamGuard::Call call_;
};

class StreamGuardInterceptorFactory final
    : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit StreamGuardInterceptorFactory(StreamGuard* guard) : guard_(guard) {}

  grpc::experimental::Interceptor* CreateServerInterceptor(ServerRpcInfo* info) override {
    if (info->type() == ServerRpcInfo::Type::UNARY) return nullptr;
    // gRPC answers unregistered methods through a generic bidi handler at once.
    grpc::ServerContextBase* context = info->server_context();
    if (dynamic_cast<grpc::GenericServerContext*>(context) != nullptr ||
        dynamic_cast<grpc::GenericCallbackServerContext*>(context) != nullptr) {
      return nullptr;
    }
    return new StreamGuardInterceptor(guard_, context, guard_->Admit());
  }

 private:
  StreamGuard* const guard_;
};

}  // namespace

StreamGuard::StreamGuard(const StreamLimits& limits, metrics::Registry* registry)
    : limits_(limits),
      active_gauge_(registry == nullptr
                        ? nullptr
                        : registry->GetGauge("clientele_grpc_streams_active",
                                             "Streaming calls in flight (each holds a thread).")),
      over_cap_counter_(EndedCounter(registry, "over_cap")),
      idle_counter_(EndedCounter(registry, "idle")),
      too_long_counter_(EndedCounter(registry, "too_long")) {
  if (limits_.idle_timeout > absl::ZeroDuration()) {
    watchdog_ = std::thread([this] { WatchdogLoop(); });
  }
}

StreamGuard::~StreamGuard() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  if (watchdog_.joinable()) watchdog_.join();
}

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
StreamGuard::NewInterceptorFactory() {
  return std::make_unique<StreamGuardInterceptorFactory>(this);
}

bool StreamGuard::Admit() {
  absl::MutexLock lock(&mu_);
  if (limits_.max_concurrent_streams > 0 && active_ >= limits_.max_concurrent_streams) {
    ++rejected_over_cap_;
    if (over_cap_counter_ != nullptr) over_cap_counter_->Increment();
    return false;
  }
  ++active_;
  if (active_gauge_ != nullptr) active_gauge_->Set(active_);
  return true;
}

void StreamGuard::Track(Call* call) {
  absl::MutexLock lock(&mu_);
  calls_.insert(call);
}

void StreamGuard::Release(Call* call, bool admitted) {
  absl::MutexLock lock(&mu_);
  if (call != nullptr) calls_.erase(call);
  if (admitted) {
    --active_;
    if (active_gauge_ != nullptr) active_gauge_->Set(active_);
  }
}

void StreamGuard::CountTooLong() {
  absl::MutexLock lock(&mu_);
  ++ended_too_long_;
  if (too_long_counter_ != nullptr) too_long_counter_->Increment();
}

int StreamGuard::active_streams() const {
  absl::MutexLock lock(&mu_);
  return active_;
}

int64_t StreamGuard::rejected_over_cap() const {
  absl::MutexLock lock(&mu_);
  return rejected_over_cap_;
}

int64_t StreamGuard::ended_idle() const {
  absl::MutexLock lock(&mu_);
  return ended_idle_;
}

int64_t StreamGuard::ended_too_long() const {
  absl::MutexLock lock(&mu_);
  return ended_too_long_;
}

void StreamGuard::WatchdogLoop() {
  const absl::Duration timeout = limits_.idle_timeout;
  const absl::Duration period = std::clamp(timeout / 4, absl::Milliseconds(5), absl::Seconds(1));
  const std::string seconds = Seconds(timeout);
  struct Expired {
    grpc_call* call;
    bool writing;
  };
  while (true) {
    std::vector<Expired> expired;
    {
      absl::MutexLock lock(&mu_);
      if (mu_.AwaitWithTimeout(absl::Condition(&stopping_), period)) return;
      const int64_t limit = absl::ToUnixNanos(absl::Now() - timeout);
      for (Call* call : calls_) {
        const int64_t since = call->waiting_since.load(std::memory_order_relaxed);
        if (since == 0 || since > limit || call->ended.exchange(true)) continue;
        grpc_call_ref(call->call);  // Cancelled below, outside the lock.
        expired.push_back({call->call, call->writing.load(std::memory_order_relaxed)});
        ++ended_idle_;
        if (idle_counter_ != nullptr) idle_counter_->Increment();
      }
    }
    // Outside the lock: cancelling may finish the call, whose interceptor then calls Release.
    for (const Expired& e : expired) {
      const std::string message = e.writing
                                      ? absl::StrCat("stream stalled: the client read nothing for ",
                                                     seconds, " (--stream_idle_timeout_seconds)")
                                      : absl::StrCat("stream idle: the client sent nothing for ",
                                                     seconds, " (--stream_idle_timeout_seconds)");
      spdlog::info("ending stream: {}", message);
      grpc_call_cancel_with_status(e.call, GRPC_STATUS_DEADLINE_EXCEEDED, message.c_str(), nullptr);
      grpc_call_unref(e.call);
    }
  }
}

}  // namespace clientele::server
