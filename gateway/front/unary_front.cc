#include "gateway/front/unary_front.h"

#include <utility>

#include "common/server/queue_health.h"
#include "gateway/front/forwarding.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/support/async_unary_call.h"

namespace clientele::gateway::front {

// One call of a registered method, from the server's request for it to the status sent. It
// owns itself: deleted once its status is sent or the request fails (the server is shutting
// down). Only the thread that polls its queue touches it, one event at a time.
class UnaryFront::Call {
 public:
  Call(UnaryFront* front, int index, grpc::ServerCompletionQueue* queue)
      : front_(front), index_(index), queue_(queue), responder_(&context_) {}

  void Request() {
    front_->service_.RequestAsyncUnary(index_, &context_, &request_, &responder_, queue_, queue_,
                                       &accepted_);
  }

 private:
  // A call arrived with its request (ok), or the server is shutting down (!ok).
  void OnAccepted(bool ok) {
    if (!ok) {
      delete this;
      return;
    }
    front_->Request(index_, queue_);  // Ready for the method's next call.
    const UnaryMethod& method = front_->methods_[index_];
    absl::StatusOr<Caller> caller = AdmitCall(*front_->policy_, context_, method.name);
    if (!caller.ok()) {
      Finish(ToFrontStatus(caller.status()));
      return;
    }
    BackendRouter* router = front_->router_;
    absl::StatusOr<std::shared_ptr<grpc::Channel>> channel =
        router->Route(method.name, router->NeedsRequest(method.name) ? &request_ : nullptr);
    if (!channel.ok()) {
      Finish(ToFrontStatus(channel.status()));
      return;
    }
    backend_context_ = NewBackendContext(context_);
    AddCallerMetadata(*caller, backend_context_.get());
    if (method.response_prototype != nullptr &&
        front_->policy_->InspectsResponses(*caller, method.name)) {
      inspected_ = std::make_unique<ForwardedCall>();
      inspected_->policy = front_->policy_;
      inspected_->method = method.name;
      inspected_->inspected_response = method.response_prototype;
      inspected_->caller = *std::move(caller);
    }
    grpc::GenericStub stub(*std::move(channel));
    backend_ = stub.PrepareUnaryCall(backend_context_.get(), method.name, request_, queue_);
    backend_->StartCall();
    backend_->Finish(&response_, &backend_status_, &backend_done_);
  }

  void OnBackendDone(bool /*ok: always true for Finish*/) {
    PassTrailingMetadata(*backend_context_, &context_);
    if (!backend_status_.ok()) {
      Finish(backend_status_);
      return;
    }
    if (inspected_ != nullptr) {
      if (grpc::Status filtered = FilterResponse(*inspected_, &response_); !filtered.ok()) {
        Finish(filtered);
        return;
      }
    }
    responder_.Finish(response_, grpc::Status::OK, &finished_);
  }

  // The status was sent, or the client is gone (!ok): nothing more happens to the call.
  void OnFinished(bool /*ok*/) { delete this; }

  void Finish(const grpc::Status& error) { responder_.FinishWithError(error, &finished_); }

  UnaryFront* const front_;
  const int index_;
  grpc::ServerCompletionQueue* const queue_;
  server::AsyncServerContext context_;
  grpc::ByteBuffer request_;
  grpc::ServerAsyncResponseWriter<grpc::ByteBuffer> responder_;
  std::unique_ptr<ForwardedCall> inspected_;  // Set when the policy filters the response.
  std::unique_ptr<grpc::ClientContext> backend_context_;
  std::unique_ptr<grpc::GenericClientAsyncResponseReader> backend_;
  grpc::ByteBuffer response_;
  grpc::Status backend_status_;
  server::MemberTag<Call> accepted_{this, &Call::OnAccepted};
  server::MemberTag<Call> backend_done_{this, &Call::OnBackendDone};
  server::MemberTag<Call> finished_{this, &Call::OnFinished};
};

UnaryFront::RawService::RawService(const std::vector<UnaryMethod>& methods) {
  for (size_t i = 0; i < methods.size(); ++i) {
    AddMethod(new grpc::internal::RpcServiceMethod(
        methods[i].name.c_str(), grpc::internal::RpcMethod::NORMAL_RPC, /*handler=*/nullptr));
    MarkMethodRaw(static_cast<int>(i));
  }
}

UnaryFront::UnaryFront(CallPolicy* policy, BackendRouter* router, std::vector<UnaryMethod> methods,
                       FrontReactorFactory* generic, int threads)
    : policy_(policy),
      router_(router),
      methods_(std::move(methods)),
      generic_(generic),
      thread_count_(threads < 1 ? 1 : threads),
      service_(methods_) {}

UnaryFront::~UnaryFront() {
  if (!queues_.empty()) Stop();
}

void UnaryFront::Register(grpc::ServerBuilder& builder, server::QueueHealth* health) {
  if (!methods_.empty()) builder.RegisterService(&service_);
  if (generic_ != nullptr) builder.RegisterAsyncGenericService(&generic_service_);
  health_ = health;
  health_->Register(builder, &calls_);
  for (int i = 0; i < thread_count_; ++i) queues_.push_back(builder.AddCompletionQueue());
}

void UnaryFront::Start() {
  for (const std::unique_ptr<grpc::ServerCompletionQueue>& queue : queues_) {
    for (size_t i = 0; i < methods_.size(); ++i) Request(static_cast<int>(i), queue.get());
    RequestGeneric(this, queue.get());
    health_->Serve(queue.get());
    threads_.emplace_back([this, queue = queue.get()] { Poll(queue); });
  }
}

void UnaryFront::Stop() {
  {
    absl::MutexLock lock(&stop_mu_);
    if (stopping_) return;
    stopping_ = true;
  }
  if (health_ != nullptr) health_->StopRequesting();
  // The server has shut down, so every call still alive has been cancelled; a generic call's
  // reactor may still start an operation (e.g. its Finish once its backend call ends), so the
  // queues are polled until every such call has ended.
  calls_.WaitForNone();
  for (const std::unique_ptr<grpc::ServerCompletionQueue>& queue : queues_) queue->Shutdown();
  for (std::thread& thread : threads_) thread.join();
  threads_.clear();
  if (!queues_.empty()) {
    // Started or not, every queue is drained before it is destroyed.
    for (const std::unique_ptr<grpc::ServerCompletionQueue>& queue : queues_) Poll(queue.get());
  }
}

void UnaryFront::Poll(grpc::ServerCompletionQueue* queue) {
  void* tag = nullptr;
  bool ok = false;
  while (queue->Next(&tag, &ok)) static_cast<server::QueueTag*>(tag)->Done(ok);
}

void UnaryFront::Request(int index, grpc::ServerCompletionQueue* queue) {
  absl::ReaderMutexLock lock(&stop_mu_);
  if (stopping_) return;
  (new Call(this, index, queue))->Request();
}

void UnaryFront::RequestGeneric(void* front, grpc::ServerCompletionQueue* queue) {
  auto* self = static_cast<UnaryFront*>(front);
  if (self->generic_ == nullptr) return;
  absl::ReaderMutexLock lock(&self->stop_mu_);
  if (self->stopping_) return;
  FrontCall::Request(&self->generic_service_, queue, self->generic_, &self->calls_,
                     &UnaryFront::RequestGeneric, self);
}

}  // namespace clientele::gateway::front
