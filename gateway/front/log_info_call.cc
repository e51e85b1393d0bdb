// IngestService.GetLogInfo through a front whose ingest nodes own different partitions: asked
// of every node (each distinct address once) in parallel, the answers merged: each node's
// partitions and its consumers' positions, dead letters summed. The first node that fails
// ends the call with its status.
//
// Lifetime: the reactor deletes itself once the front call and every node's call are done.
#include <algorithm>
#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "clientele/ingest/v1/ingest.pb.h"
#include "gateway/front/proxy_calls.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/impl/codegen/proto_utils.h"

namespace clientele::gateway::front {
namespace {

constexpr char kGetLogInfoMethod[] = "/clientele.ingest.v1.IngestService/GetLogInfo";

class LogInfoCall final : public grpc::ServerGenericBidiReactor {
 public:
  LogInfoCall(grpc::CallbackServerContext* context, ForwardedCall call, BackendRouter* router)
      : context_(context), call_(std::move(call)), router_(router) {
    StartRead(&request_);
  }

  void OnReadDone(bool ok) override {
    if (!ok) {
      Finish(grpc::Status(grpc::StatusCode::CANCELLED, "no request message"));
      return;
    }
    // One call per distinct node: partitions sharing an address are one node.
    std::map<grpc::Channel*, std::shared_ptr<grpc::Channel>> nodes;
    for (uint32_t p = 0; p < router_->ingest_split_partitions(); ++p) {
      std::shared_ptr<grpc::Channel> channel = router_->IngestChannel(p);
      if (channel == nullptr) {
        Finish(grpc::Status(grpc::StatusCode::UNAVAILABLE,
                            "no address of the ingest node of partition " + std::to_string(p) +
                                " (--ingest_addr)"));
        return;
      }
      nodes.emplace(channel.get(), std::move(channel));
    }
    std::vector<Node*> started;
    {
      std::lock_guard<std::mutex> lock(mu_);
      for (auto& [raw, channel] : nodes) {
        auto node = std::make_unique<Node>();
        node->context = NewBackendContext(*context_);
        node->channel = channel;
        started.push_back(node.get());
        calls_.push_back(std::move(node));
      }
      remaining_ = static_cast<int>(calls_.size());
    }
    pending_.fetch_add(static_cast<int>(started.size()), std::memory_order_relaxed);
    // gRPC may run callbacks inline: no lock is held while starting calls.
    for (Node* n : started) {
      grpc::GenericStub stub(n->channel);
      stub.UnaryCall(n->context.get(), kGetLogInfoMethod, grpc::StubOptions(), &request_,
                     &n->response, [this, n](grpc::Status status) { OnNodeDone(n, status); });
    }
  }

  void OnCancel() override {
    std::vector<grpc::ClientContext*> contexts;
    {
      std::lock_guard<std::mutex> lock(mu_);
      for (auto& node : calls_) contexts.push_back(node->context.get());
    }
    for (grpc::ClientContext* context : contexts) context->TryCancel();  // Without the lock.
  }

  void OnDone() override { Release(); }

 private:
  struct Node {
    std::unique_ptr<grpc::ClientContext> context;
    std::shared_ptr<grpc::Channel> channel;
    grpc::ByteBuffer response;
  };

  void OnNodeDone(Node* node, const grpc::Status& status) {
    bool last = false;
    {
      std::lock_guard<std::mutex> lock(mu_);
      ingest::v1::GetLogInfoResponse info;
      if (!status.ok()) {
        if (error_.ok()) error_ = status;
      } else if (!grpc::SerializationTraits<ingest::v1::GetLogInfoResponse>::Deserialize(
                      &node->response, &info)
                      .ok()) {
        if (error_.ok()) error_ = grpc::Status(grpc::StatusCode::INTERNAL, "no parsable response");
      } else {
        merged_.set_partition_count(std::max(merged_.partition_count(), info.partition_count()));
        merged_.set_dead_letters(merged_.dead_letters() + info.dead_letters());
        for (const auto& partition : info.partitions()) {
          if (seen_partitions_.insert(partition.partition()).second) {
            *merged_.add_partitions() = partition;
          }
        }
        for (const auto& consumer : info.consumers()) {
          if (seen_consumers_.insert({consumer.consumer(), consumer.partition()}).second) {
            *merged_.add_consumers() = consumer;
          }
        }
      }
      last = --remaining_ == 0;
    }
    if (last) Complete();
    Release();
  }

  void Complete() {
    if (!error_.ok()) {
      Finish(error_);
      return;
    }
    std::sort(merged_.mutable_partitions()->begin(), merged_.mutable_partitions()->end(),
              [](const auto& a, const auto& b) { return a.partition() < b.partition(); });
    if (grpc::Status s = FilterAndSerialize(call_, merged_, &response_); !s.ok()) {
      Finish(s);
      return;
    }
    StartWriteAndFinish(&response_, grpc::WriteOptions(), grpc::Status::OK);
  }

  void Release() {
    if (pending_.fetch_sub(1, std::memory_order_acq_rel) == 1) delete this;
  }

  grpc::CallbackServerContext* const context_;
  const ForwardedCall call_;
  BackendRouter* const router_;
  grpc::ByteBuffer request_;
  grpc::ByteBuffer response_;
  std::vector<std::unique_ptr<Node>> calls_;  // Filled once, in OnReadDone. Guarded by mu_.
  std::atomic<int> pending_{1};               // OnDone, plus each node call's completion.
  std::mutex mu_;
  int remaining_ = 0;                                          // Guarded by mu_.
  grpc::Status error_;                                         // Guarded by mu_.
  ingest::v1::GetLogInfoResponse merged_;                      // Guarded by mu_.
  std::set<uint32_t> seen_partitions_;                         // Guarded by mu_.
  std::set<std::pair<std::string, uint32_t>> seen_consumers_;  // Guarded by mu_.
};

}  // namespace

grpc::ServerGenericBidiReactor* NewLogInfoCall(grpc::CallbackServerContext* context,
                                               ForwardedCall call, BackendRouter* router) {
  return new LogInfoCall(context, std::move(call), router);
}

}  // namespace clientele::gateway::front
