// Ingest and IngestStream through a front whose ingest nodes own different partitions: each
// request message is split by partition (ingest_split.h) and each part written to an
// IngestStream call to its partition's node, opened on the partition's first events. The
// next message is read once every part of the previous one is written (flow control: one
// message in flight). At the end of the client's stream each node's call is closed, its
// answer awaited, and the merged answer sent. The first node that fails ends the call with
// its status (and cancels the others); batches that nodes had already appended stay
// appended, as with one node: the client retries the whole call and deduplication makes
// that safe.
//
// Lifetime: the reactor deletes itself once the front call and every node's call are done.
#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "clientele/ingest/v1/ingest.pb.h"
#include "gateway/front/ingest_split.h"
#include "gateway/front/proxy_calls.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/impl/codegen/proto_utils.h"
#include "grpcpp/support/client_callback.h"

namespace clientele::gateway::front {
namespace {

constexpr char kIngestStreamMethod[] = "/clientele.ingest.v1.IngestService/IngestStream";

class IngestSplitCall final : public FrontReactor {
 public:
  IngestSplitCall(FrontCall* front_call, ForwardedCall call, BackendRouter* router)
      : FrontReactor(front_call),
        context_(front_call->context()),
        call_(std::move(call)),
        router_(router),
        split_(router->ingest_split_partitions()),
        partitions_(router->ingest_split_partitions()) {
    StartRead(&request_);
  }

  void OnReadDone(bool ok) override {
    if (!ok) {
      EndOfInput();
      return;
    }
    ingest::v1::IngestRequest request;
    if (!grpc::SerializationTraits<ingest::v1::IngestRequest>::Deserialize(&request_, &request)
             .ok()) {
      Fail(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "request does not parse"));
      return;
    }
    std::vector<std::pair<uint32_t, ingest::v1::IngestRequest>> parts;
    std::vector<PartitionCall*> targets;
    std::vector<std::pair<PartitionCall*, std::shared_ptr<grpc::Channel>>> to_start;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!error_.ok()) return;  // Ending: the nodes' calls are being cancelled.
      parts = split_.Split(request);
      for (const auto& [partition, part] : parts) {
        std::unique_ptr<PartitionCall>& slot = partitions_[partition];
        if (slot == nullptr) {
          std::shared_ptr<grpc::Channel> channel = router_->IngestChannel(partition);
          if (channel == nullptr) {
            error_ = grpc::Status(grpc::StatusCode::UNAVAILABLE,
                                  "no address of the ingest node of partition " +
                                      std::to_string(partition) + " (--ingest_addr)");
            break;
          }
          slot = std::make_unique<PartitionCall>(this, partition, NewBackendContext(*context_));
          ++active_;
          pending_.fetch_add(1, std::memory_order_relaxed);
          to_start.emplace_back(slot.get(), std::move(channel));
        }
        targets.push_back(slot.get());
      }
      if (error_.ok()) writes_in_flight_ = static_cast<int>(parts.size());
    }
    // gRPC may run callbacks inline: no lock is held while starting operations.
    for (auto& [target, channel] : to_start) target->Start(channel);
    if (targets.size() < parts.size()) {
      CancelAll();
      MaybeComplete();
      return;
    }
    if (parts.empty()) {
      StartRead(&request_);
      return;
    }
    for (size_t i = 0; i < parts.size(); ++i) targets[i]->Write(parts[i].second);
  }

  void OnCancel() override { CancelAll(); }

  void OnDone() override { Release(); }

 private:
  // One node's IngestStream call. A hold (ClientBidiReactor::AddHold) keeps it from ending
  // while the split may still write to it: until Close, or until the node's stream ends with
  // no write in flight; a Write after that is not sent (the call's status tells why).
  class PartitionCall final : public grpc::ClientBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer> {
   public:
    PartitionCall(IngestSplitCall* owner, uint32_t partition,
                  std::unique_ptr<grpc::ClientContext> context)
        : owner_(owner), partition_(partition), context_(std::move(context)) {}

    void Start(const std::shared_ptr<grpc::Channel>& channel) {
      grpc::GenericStub stub(channel);
      stub.PrepareBidiStreamingCall(context_.get(), kIngestStreamMethod, grpc::StubOptions(), this);
      AddHold();
      StartRead(&in_);
      StartCall();
    }
    // Reports to the owner (OnPartitionWritten) once the part is written or dropped.
    void Write(const ingest::v1::IngestRequest& part) {
      bool send = false;
      {
        std::lock_guard<std::mutex> lock(mu_);
        if (open_) writing_ = send = true;
      }
      if (!send) {
        owner_->OnPartitionWritten();
        return;
      }
      out_.Clear();  // The previous part's bytes (its write is done).
      bool own = false;
      (void)grpc::SerializationTraits<ingest::v1::IngestRequest>::Serialize(part, &out_, &own);
      StartWrite(&out_);
    }
    void Close() {
      {
        std::lock_guard<std::mutex> lock(mu_);
        if (!open_) return;
        open_ = false;
      }
      StartWritesDone();
      RemoveHold();
    }
    void Cancel() { context_->TryCancel(); }

    void OnWriteDone(bool ok) override {
      bool release = false;
      {
        std::lock_guard<std::mutex> lock(mu_);
        writing_ = false;
        if ((!ok || ended_) && open_) {
          open_ = false;
          release = true;
        }
      }
      if (release) RemoveHold();
      owner_->OnPartitionWritten();
    }
    void OnReadDone(bool ok) override {
      got_response_ = ok;
      if (ok) return;  // The answer; the status follows once the hold is gone (Close).
      bool release = false;
      {
        std::lock_guard<std::mutex> lock(mu_);
        ended_ = true;
        if (open_ && !writing_) {
          open_ = false;
          release = true;
        }
      }
      if (release) RemoveHold();
    }
    void OnDone(const grpc::Status& status) override {
      ingest::v1::IngestResponse response;
      grpc::Status result = status;
      if (result.ok() &&
          (!got_response_ ||
           !grpc::SerializationTraits<ingest::v1::IngestResponse>::Deserialize(&in_, &response)
                .ok())) {
        result = grpc::Status(grpc::StatusCode::INTERNAL, "no parsable response");
      }
      owner_->OnPartitionDone(partition_, result, response);
    }

   private:
    IngestSplitCall* const owner_;
    const uint32_t partition_;
    const std::unique_ptr<grpc::ClientContext> context_;
    grpc::ByteBuffer out_;
    grpc::ByteBuffer in_;
    bool got_response_ = false;  // Set by the read's reaction, read by OnDone.
    std::mutex mu_;
    bool open_ = true;      // The hold is held. Guarded by mu_.
    bool writing_ = false;  // Guarded by mu_.
    bool ended_ = false;    // The node's stream ended. Guarded by mu_.
  };

  void OnPartitionWritten() {
    bool read_next = false;
    {
      std::lock_guard<std::mutex> lock(mu_);
      read_next = --writes_in_flight_ == 0 && error_.ok();
    }
    if (read_next) StartRead(&request_);
  }

  void EndOfInput() {
    std::vector<PartitionCall*> open;
    {
      std::lock_guard<std::mutex> lock(mu_);
      input_done_ = true;
      for (auto& p : partitions_) {
        if (p != nullptr) open.push_back(p.get());
      }
    }
    for (PartitionCall* p : open) p->Close();
    MaybeComplete();
  }

  void OnPartitionDone(uint32_t partition, const grpc::Status& status,
                       const ingest::v1::IngestResponse& response) {
    bool cancel = false;
    {
      std::lock_guard<std::mutex> lock(mu_);
      --active_;
      if (!status.ok()) {
        if (error_.ok()) {
          error_ = grpc::Status(status.error_code(),
                                "ingest node of partition " + std::to_string(partition) + ": " +
                                    status.error_message(),
                                status.error_details());
          cancel = true;
        }
      } else if (absl::Status s = split_.AddResponse(partition, response); !s.ok() && error_.ok()) {
        error_ = grpc::Status(grpc::StatusCode::INTERNAL, std::string(s.message()));
        cancel = true;
      }
    }
    if (cancel) CancelAll();
    MaybeComplete();
    Release();
  }

  void Fail(const grpc::Status& status) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (error_.ok()) error_ = status;
    }
    CancelAll();
    MaybeComplete();
  }

  void CancelAll() {
    std::vector<PartitionCall*> open;
    {
      std::lock_guard<std::mutex> lock(mu_);
      for (auto& p : partitions_) {
        if (p != nullptr) open.push_back(p.get());
      }
    }
    for (PartitionCall* p : open) p->Cancel();  // Alive: this reactor is not done yet.
  }

  // Finishes the front call once every node's call is done and either the input ended or
  // the call failed. Once.
  void MaybeComplete() {
    grpc::Status error;
    ingest::v1::IngestResponse merged;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (completed_ || active_ > 0 || (!input_done_ && error_.ok())) return;
      completed_ = true;
      error = error_;
      if (error.ok()) merged = split_.Finish();
    }
    if (!error.ok()) {
      Finish(error);
      return;
    }
    if (grpc::Status s = FilterAndSerialize(call_, merged, &response_); !s.ok()) {
      Finish(s);
      return;
    }
    StartWriteAndFinish(&response_, grpc::WriteOptions(), grpc::Status::OK);
  }

  void Release() {
    if (pending_.fetch_sub(1, std::memory_order_acq_rel) == 1) delete this;
  }

  grpc::ServerContextBase* const context_;
  const ForwardedCall call_;
  BackendRouter* const router_;
  grpc::ByteBuffer request_;
  grpc::ByteBuffer response_;
  std::atomic<int> pending_{1};  // OnDone, plus each started node call's OnDone.
  std::mutex mu_;
  IngestSplit split_;                                       // Guarded by mu_.
  std::vector<std::unique_ptr<PartitionCall>> partitions_;  // Guarded by mu_.
  int active_ = 0;            // Node calls started and not done. Guarded by mu_.
  int writes_in_flight_ = 0;  // Guarded by mu_.
  bool input_done_ = false;   // Guarded by mu_.
  bool completed_ = false;    // Guarded by mu_.
  grpc::Status error_;        // The call's first error. Guarded by mu_.
};

}  // namespace

FrontReactor* NewIngestSplitCall(FrontCall* front_call, ForwardedCall call, BackendRouter* router) {
  return new IngestSplitCall(front_call, std::move(call), router);
}

}  // namespace clientele::gateway::front
