// IngestService.ListRejected through a front whose ingest nodes own different partitions: each
// node keeps its own partitions' dead letters, so every node is asked in parallel (from its
// cursor in the merged page token) and the answers are merged into one page
// (dead_letter_merge.h). A node that fails fails the call, the node named.
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "clientele/ingest/v1/ingest.pb.h"
#include "gateway/front/dead_letter_merge.h"
#include "gateway/front/fan_out_call.h"
#include "gateway/front/proxy_calls.h"
#include "grpcpp/impl/codegen/proto_utils.h"

namespace clientele::gateway::front {
namespace {

// As each node pages (ingest.proto): page_size 0 means 100, at most 1000; max_bytes 0 means
// 1 MiB, at most 4 MiB.
constexpr int kDefaultPageSize = 100;
constexpr int kMaxPageSize = 1000;
constexpr int kDefaultPageBytes = 1 << 20;
constexpr int kMaxPageBytes = 4 << 20;

class ListRejectedCall final : public FanOutCall {
 public:
  ListRejectedCall(FrontCall* front_call, ForwardedCall call, BackendRouter* router)
      : FanOutCall(front_call, std::move(call)), router_(router) {}

 private:
  absl::StatusOr<std::vector<Target>> Plan(const grpc::ByteBuffer& request_bytes) override {
    ingest::v1::ListRejectedRequest request;
    grpc::ByteBuffer copy(request_bytes);
    if (!grpc::SerializationTraits<ingest::v1::ListRejectedRequest>::Deserialize(&copy, &request)
             .ok()) {
      return absl::InvalidArgumentError("request does not parse");
    }
    if (request.page_size() < 0 || request.page_size() > kMaxPageSize) {
      return absl::InvalidArgumentError(
          absl::StrCat("page_size: ", request.page_size(), " is outside [0, ", kMaxPageSize, "]"));
    }
    if (request.max_bytes() < 0 || request.max_bytes() > kMaxPageBytes) {
      return absl::InvalidArgumentError(
          absl::StrCat("max_bytes: ", request.max_bytes(), " is outside [0, ", kMaxPageBytes, "]"));
    }
    page_size_ = request.page_size() == 0 ? kDefaultPageSize : request.page_size();
    max_bytes_ = request.max_bytes() == 0 ? kDefaultPageBytes : request.max_bytes();
    absl::StatusOr<std::vector<IngestNode>> nodes = IngestNodesOf(*router_);
    if (!nodes.ok()) return nodes.status();
    std::vector<uint32_t> keys;
    for (const IngestNode& node : *nodes) keys.push_back(node.partitions.front());
    absl::StatusOr<RejectedCursors> cursors = ParseRejectedToken(request.page_token(), keys);
    if (!cursors.ok()) return cursors.status();
    std::vector<Target> targets;
    for (IngestNode& node : *nodes) {
      const uint32_t key = node.partitions.front();
      ingest::v1::ListRejectedRequest to_node;
      to_node.set_page_size(page_size_);
      to_node.set_max_bytes(max_bytes_);
      to_node.set_page_token(NodePageToken(cursors->at(key)));
      keys_.push_back(key);
      from_.push_back(cursors->at(key));
      targets.push_back({std::move(node.name), std::move(node.channel), RequestBytes(to_node)});
    }
    return targets;
  }

  absl::StatusOr<google::protobuf::Message*> Compose(std::vector<Answer>& answers) override {
    std::map<uint32_t, NodeRejected> merged;
    for (size_t i = 0; i < answers.size(); ++i) {
      if (!answers[i].status.ok()) return NamedError(answers[i]);
      NodeRejected& node = merged[keys_[i]];
      node.from = from_[i];
      if (absl::Status s = ParseAnswer(answers[i], &node.response); !s.ok()) return s;
    }
    page_ = MergeRejected(page_size_, max_bytes_, std::move(merged));
    return &page_;
  }

  BackendRouter* const router_;
  int page_size_ = kDefaultPageSize;
  int max_bytes_ = kDefaultPageBytes;
  std::vector<uint32_t> keys_;  // Per target: its node's first partition.
  std::vector<uint64_t> from_;  // Per target: the id it was asked from.
  ingest::v1::ListRejectedResponse page_;
};

}  // namespace

FrontReactor* NewListRejectedCall(FrontCall* front_call, ForwardedCall call,
                                  BackendRouter* router) {
  return new ListRejectedCall(front_call, std::move(call), router);
}

}  // namespace clientele::gateway::front
