#include "gateway/front/front_call.h"

namespace clientele::gateway::front {

FrontReactor::FrontReactor(FrontCall* call) : call_(call), calls_(call->calls_) { calls_->Begin(); }

FrontReactor::~FrontReactor() { calls_->End(); }

void FrontReactor::StartRead(grpc::ByteBuffer* message) { call_->StartRead(message); }

void FrontReactor::StartWrite(const grpc::ByteBuffer* message) { call_->StartWrite(message); }

void FrontReactor::StartWriteAndFinish(const grpc::ByteBuffer* message, grpc::WriteOptions options,
                                       const grpc::Status& status) {
  call_->StartWriteAndFinish(message, options, status);
}

void FrontReactor::Finish(const grpc::Status& status) { call_->Finish(status); }

void FrontCall::Request(grpc::AsyncGenericService* service, grpc::ServerCompletionQueue* queue,
                        FrontReactorFactory* factory, server::QueueCalls* calls,
                        void (*on_arrival)(void* arg, grpc::ServerCompletionQueue* queue),
                        void* arg) {
  new FrontCall(service, queue, factory, calls, on_arrival, arg);
}

FrontCall::FrontCall(grpc::AsyncGenericService* service, grpc::ServerCompletionQueue* queue,
                     FrontReactorFactory* factory, server::QueueCalls* calls,
                     void (*on_arrival)(void* arg, grpc::ServerCompletionQueue* queue), void* arg)
    : queue_(queue),
      factory_(factory),
      calls_(calls),
      on_arrival_(on_arrival),
      arg_(arg),
      stream_(&context_) {
  context_.AsyncNotifyWhenDone(&done_);
  service->RequestCall(&context_, &stream_, queue_, queue_, &arrived_);
}

void FrontCall::OnArrived(bool ok) {
  if (!ok) {  // The server is shutting down: the done notice never comes.
    delete this;
    return;
  }
  calls_->Begin();
  on_arrival_(arg_, queue_);  // Ready for the next call.
  reactor_ = factory_->CreateReactor(this);
}

void FrontCall::StartRead(grpc::ByteBuffer* message) {
  {
    absl::MutexLock lock(&mu_);
    ++in_flight_;
  }
  stream_.Read(message, &read_);
}

void FrontCall::StartWrite(const grpc::ByteBuffer* message) {
  {
    absl::MutexLock lock(&mu_);
    ++in_flight_;
  }
  stream_.Write(*message, &written_);
}

void FrontCall::StartWriteAndFinish(const grpc::ByteBuffer* message, grpc::WriteOptions options,
                                    const grpc::Status& status) {
  {
    absl::MutexLock lock(&mu_);
    ++in_flight_;
  }
  stream_.WriteAndFinish(*message, options, status, &finish_);
}

void FrontCall::Finish(const grpc::Status& status) {
  {
    absl::MutexLock lock(&mu_);
    ++in_flight_;
  }
  stream_.Finish(status, &finish_);
}

void FrontCall::OnRead(bool ok) {
  reactor_->OnReadDone(ok);
  Settle(/*finished=*/false, /*call_done=*/false);
}

void FrontCall::OnWritten(bool ok) {
  reactor_->OnWriteDone(ok);
  Settle(/*finished=*/false, /*call_done=*/false);
}

void FrontCall::OnFinished(bool /*ok*/) { Settle(/*finished=*/true, /*call_done=*/false); }

void FrontCall::OnCallDone(bool /*ok*/) {
  if (context_.IsCancelled()) reactor_->OnCancel();
  {
    absl::MutexLock lock(&mu_);
    call_done_ = true;
    if (in_flight_ > 0 || !finished_) return;
  }
  Settle(/*finished=*/false, /*call_done=*/true);
}

void FrontCall::Settle(bool finished, bool call_done) {
  {
    absl::MutexLock lock(&mu_);
    if (!call_done) --in_flight_;
    if (finished) finished_ = true;
    if (in_flight_ > 0 || !finished_ || !call_done_) return;
  }
  reactor_->OnDone();  // Deletes the reactor, or lets its last owner do it.
  server::QueueCalls* calls = calls_;
  delete this;
  calls->End();
}

}  // namespace clientele::gateway::front
