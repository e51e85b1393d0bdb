#include "common/server/queue_health.h"

#include <optional>
#include <string>
#include <vector>

namespace clientele::server {

using grpc::health::v1::HealthCheckRequest;
using grpc::health::v1::HealthCheckResponse;

// One Check call: answered at once. Owns itself; only its queue's thread touches it.
class QueueHealth::CheckCall {
 public:
  CheckCall(QueueHealth* health, grpc::ServerCompletionQueue* queue)
      : health_(health), queue_(queue), responder_(&context_) {
    health_->service_.RequestCheck(&context_, &request_, &responder_, queue_, queue_, &accepted_);
  }

 private:
  void OnAccepted(bool ok) {
    if (!ok) {  // The server is shutting down.
      delete this;
      return;
    }
    health_->RequestCheck(queue_);
    Status status;
    if (!health_->Lookup(request_.service(), &status)) {
      responder_.FinishWithError(grpc::Status(grpc::StatusCode::NOT_FOUND, "service name unknown"),
                                 &finished_);
      return;
    }
    response_.set_status(status);
    responder_.Finish(response_, grpc::Status::OK, &finished_);
  }

  void OnFinished(bool /*ok*/) { delete this; }

  QueueHealth* const health_;
  grpc::ServerCompletionQueue* const queue_;
  AsyncServerContext context_;
  HealthCheckRequest request_;
  HealthCheckResponse response_;
  grpc::ServerAsyncResponseWriter<HealthCheckResponse> responder_;
  MemberTag<CheckCall> accepted_{this, &CheckCall::OnAccepted};
  MemberTag<CheckCall> finished_{this, &CheckCall::OnFinished};
};

// One Watch call: the current status, then every change, until the client goes away or the
// server cancels it. Owns itself: deleted once the call is done and no write is in flight.
// Status changes come from any thread (Send); events from its queue's thread.
class QueueHealth::WatchCall {
 public:
  WatchCall(QueueHealth* health, grpc::ServerCompletionQueue* queue)
      : health_(health), queue_(queue), writer_(&context_) {
    context_.AsyncNotifyWhenDone(&done_tag_);
    health_->service_.RequestWatch(&context_, &request_, &writer_, queue_, queue_, &accepted_);
  }

  // Sends `status` once the write in flight, if any, is done (only the latest is sent).
  void Send(Status status) {
    absl::MutexLock lock(&mu_);
    if (done_) return;
    if (writing_) {
      pending_ = status;
      return;
    }
    WriteLocked(status);
  }

 private:
  void OnAccepted(bool ok) {
    if (!ok) {  // The server is shutting down: the done tag never comes.
      delete this;
      return;
    }
    health_->calls_->Begin();
    health_->RequestWatch(queue_);
    health_->Watch(request_.service(), this);
  }

  void WriteLocked(Status status) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    writing_ = true;
    response_.set_status(status);
    writer_.Write(response_, &written_);
  }

  void OnWritten(bool ok) {
    bool end = false;
    {
      absl::MutexLock lock(&mu_);
      writing_ = false;
      if (ok && !done_ && pending_.has_value()) {
        WriteLocked(*pending_);
        pending_.reset();
        return;
      }
      end = done_;
    }
    if (end) End();
  }

  // The call is over (the client went away, or the server cancelled it).
  void OnDone(bool /*ok*/) {
    health_->Unwatch(request_.service(), this);  // No Send after this.
    bool end = false;
    {
      absl::MutexLock lock(&mu_);
      done_ = true;
      end = !writing_;
    }
    if (end) End();
  }

  void End() {
    QueueCalls* calls = health_->calls_;
    delete this;
    calls->End();
  }

  QueueHealth* const health_;
  grpc::ServerCompletionQueue* const queue_;
  AsyncServerContext context_;
  HealthCheckRequest request_;
  HealthCheckResponse response_;
  grpc::ServerAsyncWriter<HealthCheckResponse> writer_;
  absl::Mutex mu_;
  bool writing_ ABSL_GUARDED_BY(mu_) = false;
  bool done_ ABSL_GUARDED_BY(mu_) = false;
  std::optional<Status> pending_ ABSL_GUARDED_BY(mu_);
  MemberTag<WatchCall> accepted_{this, &WatchCall::OnAccepted};
  MemberTag<WatchCall> written_{this, &WatchCall::OnWritten};
  MemberTag<WatchCall> done_tag_{this, &WatchCall::OnDone};
};

void QueueHealth::SetServingStatus(const std::string& service_name, bool serving) {
  absl::MutexLock lock(&mu_);
  if (shut_down_) return;
  Set(service_name, serving ? HealthCheckResponse::SERVING : HealthCheckResponse::NOT_SERVING);
}

void QueueHealth::SetServingStatus(bool serving) {
  absl::MutexLock lock(&mu_);
  if (shut_down_) return;
  std::vector<std::string> names;
  for (const auto& [name, status] : statuses_) names.push_back(name);
  for (const std::string& name : names) {
    Set(name, serving ? HealthCheckResponse::SERVING : HealthCheckResponse::NOT_SERVING);
  }
}

void QueueHealth::Shutdown() {
  absl::MutexLock lock(&mu_);
  if (shut_down_) return;
  std::vector<std::string> names;
  for (const auto& [name, status] : statuses_) names.push_back(name);
  for (const std::string& name : names) Set(name, HealthCheckResponse::NOT_SERVING);
  shut_down_ = true;
}

void QueueHealth::Set(const std::string& name, Status status) {
  Status& slot = statuses_[name];
  const bool changed = slot != status;
  slot = status;
  if (!changed) return;
  if (auto it = watches_.find(name); it != watches_.end()) {
    for (WatchCall* watch : it->second) watch->Send(status);
  }
}

bool QueueHealth::Lookup(const std::string& name, Status* status) {
  absl::MutexLock lock(&mu_);
  auto it = statuses_.find(name);
  if (it == statuses_.end()) return false;
  *status = it->second;
  return true;
}

void QueueHealth::Watch(const std::string& name, WatchCall* watch) {
  absl::MutexLock lock(&mu_);
  watches_[name].insert(watch);
  auto it = statuses_.find(name);
  watch->Send(it == statuses_.end() ? HealthCheckResponse::SERVICE_UNKNOWN : it->second);
}

void QueueHealth::Unwatch(const std::string& name, WatchCall* watch) {
  absl::MutexLock lock(&mu_);
  auto it = watches_.find(name);
  if (it == watches_.end()) return;
  it->second.erase(watch);
  if (it->second.empty()) watches_.erase(it);
}

void QueueHealth::Serve(grpc::ServerCompletionQueue* queue) {
  RequestCheck(queue);
  RequestWatch(queue);
}

void QueueHealth::StopRequesting() {
  absl::MutexLock lock(&stop_mu_);
  stopping_ = true;
}

void QueueHealth::RequestCheck(grpc::ServerCompletionQueue* queue) {
  absl::ReaderMutexLock lock(&stop_mu_);
  if (!stopping_) new CheckCall(this, queue);
}

void QueueHealth::RequestWatch(grpc::ServerCompletionQueue* queue) {
  absl::ReaderMutexLock lock(&stop_mu_);
  if (!stopping_) new WatchCall(this, queue);
}

}  // namespace clientele::server
