// A streaming call through the front: the client's stream and a bidi stream to the backend,
// joined with one message in flight per direction:
//
//   client --read--> request_ --write--> backend      (next read once the write is done)
//   client <--write-- response_ <--read-- backend     (next read once the write is done)
//
// The client's half-close becomes the backend's WritesDone; the backend's status ends the
// call. A client that goes away cancels the backend call (propagation, and TryCancel).
//
// The backend call ends (BackendReactor::OnDone) only once the proxy can start no more
// operations on it (holds); the front call is then finished with its status.
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

class StreamProxy final : public FrontReactor {
 public:
  StreamProxy(FrontCall* front_call, ForwardedCall call, BackendRouter* router)
      : FrontReactor(front_call),
        context_(front_call->context()),
        call_(std::move(call)),
        router_(router),
        backend_(this) {
    if (router_->NeedsRequest(call_.method)) {
      awaiting_first_ = true;
      StartRead(&request_);
    } else {
      StartBackend(/*first=*/nullptr, /*client_done=*/false);
    }
  }

  // Client -> backend.
  void OnReadDone(bool ok) override {
    if (awaiting_first_) {
      awaiting_first_ = false;
      StartBackend(ok ? &request_ : nullptr, /*client_done=*/!ok);
      return;
    }
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!write_open_) return;  // The backend's stream is over: the message is dropped.
      if (ok) {
        backend_writing_ = true;
      } else {
        write_open_ = false;
      }
    }
    if (ok) {
      backend_.StartWrite(&request_);
    } else {
      // The client half-closed (or went away: the cancel follows).
      backend_.StartWritesDone();
      backend_.RemoveHold();  // The writes-done operation keeps the call open.
    }
  }

  // Backend -> client: the write of a backend message is done.
  void OnWriteDone(bool ok) override {
    if (ok) {
      backend_.StartRead(&response_);
    } else {
      CancelBackend();  // The client is gone.
    }
    backend_.RemoveHold();  // The one OnBackendRead took.
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

  // The backend call holds (ClientBidiReactor::AddHold) keep it from ending while the proxy may
  // still start an operation on it: one while the client -> backend direction is open
  // (write_open_), one during each write of a backend message to the client.
  //
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
      write_open_ = !client_done;
      backend_writing_ = first != nullptr;
    }
    pending_.fetch_add(1, std::memory_order_relaxed);  // BackendReactor::OnDone.
    grpc::GenericStub stub(*channel);
    stub.PrepareBidiStreamingCall(backend_context_.get(), call_.method, grpc::StubOptions(),
                                  &backend_);
    backend_.StartRead(&response_);
    if (client_done) {
      backend_.StartWritesDone();
    } else {
      backend_.AddHold();  // The client -> backend direction.
      if (first != nullptr) {
        backend_.StartWrite(&request_);
      } else {
        StartRead(&request_);
      }
    }
    backend_.StartCall();
  }

  void OnBackendWrite(bool ok) {
    bool read_next = false;
    bool close = false;
    {
      std::lock_guard<std::mutex> lock(mu_);
      backend_writing_ = false;
      if (ok && !backend_ended_) {
        read_next = true;
      } else if (write_open_) {
        write_open_ = false;  // The backend call is over: nothing more is written to it.
        close = true;
      }
    }
    if (read_next) StartRead(&request_);
    if (close) backend_.RemoveHold();
  }

  void OnBackendRead(bool ok) {
    if (ok) {
      grpc::Status filtered = FilterResponse(call_, &response_);
      if (filtered.ok()) {
        backend_.AddHold();  // Until the client has the message (OnWriteDone).
        StartWrite(&response_);
        return;
      }
      {
        std::lock_guard<std::mutex> lock(mu_);
        filter_error_ = filtered;
      }
      CancelBackend();
    }
    // The backend's stream ended (its status follows), or it is being cancelled: the client ->
    // backend direction closes unless a write is in flight (OnBackendWrite closes it then).
    bool close = false;
    {
      std::lock_guard<std::mutex> lock(mu_);
      backend_ended_ = true;
      if (write_open_ && !backend_writing_) {
        write_open_ = false;
        close = true;
      }
    }
    if (close) backend_.RemoveHold();
  }

  // No operation of either call is in flight any more but the client's pending read, if any.
  void OnBackendDone(const grpc::Status& status) {
    PassTrailingMetadata(*backend_context_, context_);
    grpc::Status final_status;
    {
      std::lock_guard<std::mutex> lock(mu_);
      final_status = filter_error_.ok() ? status : filter_error_;
    }
    Finish(final_status);
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

  grpc::ServerContextBase* const context_;
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
  bool write_open_ = false;       // The client -> backend direction's hold. Guarded by mu_.
  bool backend_writing_ = false;  // A write to the backend is in flight. Guarded by mu_.
  bool backend_ended_ = false;    // The backend's stream ended. Guarded by mu_.
  grpc::Status filter_error_;     // Guarded by mu_.
};

}  // namespace

FrontReactor* NewStreamProxy(FrontCall* front_call, ForwardedCall call, BackendRouter* router) {
  return new StreamProxy(front_call, std::move(call), router);
}

}  // namespace clientele::gateway::front
