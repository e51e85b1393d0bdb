// A unary call through the front: the cheapest path (no stream machinery): one read, one
// callback unary call to the backend, one write with the status.
#include <memory>
#include <mutex>
#include <utility>

#include "gateway/front/proxy_calls.h"
#include "grpcpp/generic/generic_stub.h"

namespace clientele::gateway::front {
namespace {

class FinishedCall final : public FrontReactor {
 public:
  FinishedCall(FrontCall* front_call, const grpc::Status& status) : FrontReactor(front_call) {
    Finish(status);
  }
  void OnDone() override { delete this; }
};

class UnaryProxy final : public FrontReactor {
 public:
  UnaryProxy(FrontCall* front_call, ForwardedCall call, BackendRouter* router)
      : FrontReactor(front_call),
        context_(front_call->context()),
        call_(std::move(call)),
        router_(router) {
    StartRead(&request_);
  }

  void OnReadDone(bool ok) override {
    if (!ok) {  // The client went away (or half-closed without a request).
      Finish(grpc::Status(grpc::StatusCode::CANCELLED, "no request message"));
      return;
    }
    absl::StatusOr<std::shared_ptr<grpc::Channel>> channel =
        router_->Route(call_.method, router_->NeedsRequest(call_.method) ? &request_ : nullptr);
    if (!channel.ok()) {
      Finish(ToFrontStatus(channel.status()));
      return;
    }
    {
      std::lock_guard<std::mutex> lock(mu_);
      backend_context_ = NewBackendContext(*context_);
      AddCallerMetadata(call_.caller, backend_context_.get());
    }
    grpc::GenericStub stub(*channel);
    stub.UnaryCall(backend_context_.get(), call_.method, grpc::StubOptions(), &request_, &response_,
                   [this](grpc::Status status) { OnBackendDone(std::move(status)); });
  }

  void OnCancel() override {
    // Propagation cancels the backend call too; this covers a cancel that races its start.
    grpc::ClientContext* backend = nullptr;
    {
      std::lock_guard<std::mutex> lock(mu_);
      backend = backend_context_.get();
    }
    if (backend != nullptr) backend->TryCancel();  // Without the lock: may call back inline.
  }

  void OnDone() override { delete this; }

 private:
  void OnBackendDone(grpc::Status status) {
    PassTrailingMetadata(*backend_context_, context_);
    if (!status.ok()) {
      Finish(status);
      return;
    }
    if (grpc::Status filtered = FilterResponse(call_, &response_); !filtered.ok()) {
      Finish(filtered);
      return;
    }
    StartWriteAndFinish(&response_, grpc::WriteOptions(), grpc::Status::OK);
  }

  grpc::ServerContextBase* const context_;
  const ForwardedCall call_;
  BackendRouter* const router_;
  grpc::ByteBuffer request_;
  grpc::ByteBuffer response_;
  std::mutex mu_;  // Guards backend_context_'s creation against OnCancel.
  std::unique_ptr<grpc::ClientContext> backend_context_;
};

}  // namespace

FrontReactor* NewFinishedCall(FrontCall* front_call, const grpc::Status& status) {
  return new FinishedCall(front_call, status);
}

FrontReactor* NewUnaryProxy(FrontCall* front_call, ForwardedCall call, BackendRouter* router) {
  return new UnaryProxy(front_call, std::move(call), router);
}

}  // namespace clientele::gateway::front
