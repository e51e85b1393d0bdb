// A streaming call through the front: the client's stream and a bidi stream to the backend,
// joined with one message in flight per direction:
//
//   client --read--> request_ --write--> backend      (next read once the write is done)
//   client <--write-- response_ <--read-- backend     (next read once the write is done)
//
// The client's half-close becomes the backend's WritesDone; the backend's status ends the
// call. A client that goes away cancels the backend call (propagation, and TryCancel).
//
// Lifetime: the reactor deletes itself once both the front call (OnDone) and the backend
// call (BackendReactor::OnDone, if it was started) are done.
#include <atomic>
#include <memory>
#include <mutex>
#include <utility>

#include "gateway/front/proxy_calls.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/support/client_callback.h"

namespace clientele::gateway::front {
namespace {

class StreamProxy final : public grpc::ServerGenericBidiReactor {
 public:
  StreamProxy(grpc::CallbackServerContext* context, ForwardedCall call, BackendRouter* router)
      : context_(context), call_(std::move(call)), router_(router), backend_(this) {
    if (router_->NeedsRequest(call_.method)) {
      awaiting_first_ = true;
      StartRead(&request_);
    } else {
      StartBackend(/*first=*/nullptr, /*client_done=*/false);
    }
  }

  void OnReadDone(bool ok) override {
    if (awaiting_first_) {
      awaiting_first_ = false;
      StartBackend(ok ? &request_ : nullptr, /*client_done=*/!ok);
      return;
    }
    if (ok) {
      backend_.StartWrite(&request_);
    } else {
      backend_.StartWritesDone();  // The client half-closed (or went away: cancel follows).
    }
  }

  void OnWriteDone(bool ok) override {
    bool finish_now = false;
    {
      std::lock_guard<std::mutex> lock(mu_);
      writing_ = false;
      finish_now = backend_done_;
    }
    if (finish_now) {
      Finish(final_status_);  // The backend ended while the write was in flight.
    } else if (ok) {
      backend_.StartRead(&response_);
    } else {
      CancelBackend();  // The client is gone.
    }
  }

  void OnCancel() override { CancelBackend(); }

  void OnDone() override { Release(); }

 private:
  class BackendReactor final : public grpc::ClientBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer> {
   public:
    explicit BackendReactor(StreamProxy* proxy) : proxy_(proxy) {}
    void OnReadDone(bool ok) override { proxy_->OnBackendRead(ok); }
    void OnWriteDone(bool ok) override { proxy_->OnBackendWrite(ok); }
    void OnWritesDoneDone(bool /*ok*/) override {}
    void OnDone(const grpc::Status& status) override { proxy_->OnBackendDone(status); }

   private:
    StreamProxy* const proxy_;
  };

  // `first`: the client's first message, to send first; `client_done`: the client sent
  // nothing and half-closed.
  void StartBackend(const grpc::ByteBuffer* first, bool client_done) {
    absl::StatusOr<std::shared_ptr<grpc::Channel>> channel = router_->Route(call_.method, first);
    if (!channel.ok()) {
      Finish(ToFrontStatus(channel.status()));
      return;
    }
    {
      std::lock_guard<std::mutex> lock(mu_);
      backend_context_ = NewBackendContext(*context_);
      backend_started_ = true;
    }
    pending_.fetch_add(1, std::memory_order_relaxed);  // BackendReactor::OnDone.
    grpc::GenericStub stub(*channel);
    stub.PrepareBidiStreamingCall(backend_context_.get(), call_.method, grpc::StubOptions(),
                                  &backend_);
    backend_.StartRead(&response_);
    if (first != nullptr) {
      backend_.StartWrite(&request_);
    } else if (client_done) {
      backend_.StartWritesDone();
    } else {
      StartRead(&request_);
    }
    backend_.StartCall();
  }

  void OnBackendWrite(bool ok) {
    // Not ok: the backend call is over; its status comes with OnBackendDone.
    if (ok) StartRead(&request_);
  }

  void OnBackendRead(bool ok) {
    if (!ok) return;  // The backend's stream ended: its status follows.
    if (grpc::Status filtered = FilterResponse(call_, &response_); !filtered.ok()) {
      {
        std::lock_guard<std::mutex> lock(mu_);
        filter_error_ = filtered;
      }
      CancelBackend();
      return;
    }
    {
      std::lock_guard<std::mutex> lock(mu_);
      writing_ = true;
    }
    StartWrite(&response_);
  }

  // The front call is finished with the backend's status once no write is in flight.
  void OnBackendDone(const grpc::Status& status) {
    PassTrailingMetadata(*backend_context_, context_);
    bool finish_now = false;
    {
      std::lock_guard<std::mutex> lock(mu_);
      final_status_ = filter_error_.ok() ? status : filter_error_;
      finish_now = !writing_;
      backend_done_ = !finish_now;
    }
    if (finish_now) Finish(final_status_);
    Release();
  }

  // gRPC may run callbacks inline: TryCancel is called without the lock.
  void CancelBackend() {
    grpc::ClientContext* backend = nullptr;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (backend_started_) backend = backend_context_.get();
    }
    if (backend != nullptr) backend->TryCancel();
  }

  void Release() {
    if (pending_.fetch_sub(1, std::memory_order_acq_rel) == 1) delete this;
  }

  grpc::CallbackServerContext* const context_;
  const ForwardedCall call_;
  BackendRouter* const router_;
  BackendReactor backend_;
  bool awaiting_first_ = false;  // Only the reactor's own callbacks touch it, one at a time.
  grpc::ByteBuffer request_;
  grpc::ByteBuffer response_;
  std::atomic<int> pending_{1};  // OnDone, plus BackendReactor::OnDone once started.
  std::mutex mu_;
  std::unique_ptr<grpc::ClientContext> backend_context_;  // Set once, under mu_.
  bool backend_started_ = false;                          // Guarded by mu_.
  grpc::Status filter_error_;                             // Guarded by mu_.
  bool writing_ = false;       // A write to the client is in flight. Guarded by mu_.
  bool backend_done_ = false;  // The backend ended during that write. Guarded by mu_.
  grpc::Status final_status_;  // Written before backend_done_ or the Finish that sends it.
};

}  // namespace

grpc::ServerGenericBidiReactor* NewStreamProxy(grpc::CallbackServerContext* context,
                                               ForwardedCall call, BackendRouter* router) {
  return new StreamProxy(context, std::move(call), router);
}

}  // namespace clientele::gateway::front
