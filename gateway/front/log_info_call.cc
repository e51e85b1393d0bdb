// IngestService.GetLogInfo through a front whose ingest nodes own different partitions: asked
// of every node (each distinct address once) in parallel, the answers merged: each node's
// partitions and its consumers' positions, dead letters summed. A node that fails fails the
// call with its status, the node named.
#include <algorithm>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "clientele/ingest/v1/ingest.pb.h"
#include "gateway/front/fan_out_call.h"
#include "gateway/front/proxy_calls.h"

namespace clientele::gateway::front {
namespace {

class LogInfoCall final : public FanOutCall {
 public:
  LogInfoCall(FrontCall* front_call, ForwardedCall call, BackendRouter* router)
      : FanOutCall(front_call, std::move(call)), router_(router) {}

 private:
  absl::StatusOr<std::vector<Target>> Plan(const grpc::ByteBuffer& request) override {
    return EveryIngestNode(*router_, request);
  }

  absl::StatusOr<google::protobuf::Message*> Compose(std::vector<Answer>& answers) override {
    std::set<uint32_t> seen_partitions;
    std::set<std::pair<std::string, uint32_t>> seen_consumers;
    for (Answer& answer : answers) {
      if (!answer.status.ok()) return NamedError(answer);
      ingest::v1::GetLogInfoResponse info;
      if (absl::Status s = ParseAnswer(answer, &info); !s.ok()) return s;
      merged_.set_partition_count(std::max(merged_.partition_count(), info.partition_count()));
      merged_.set_dead_letters(merged_.dead_letters() + info.dead_letters());
      for (const auto& partition : info.partitions()) {
        if (seen_partitions.insert(partition.partition()).second) {
          *merged_.add_partitions() = partition;
        }
      }
      for (const auto& consumer : info.consumers()) {
        if (seen_consumers.insert({consumer.consumer(), consumer.partition()}).second) {
          *merged_.add_consumers() = consumer;
        }
      }
    }
    std::sort(merged_.mutable_partitions()->begin(), merged_.mutable_partitions()->end(),
              [](const auto& a, const auto& b) { return a.partition() < b.partition(); });
    return &merged_;
  }

  BackendRouter* const router_;
  ingest::v1::GetLogInfoResponse merged_;
};

}  // namespace

FrontReactor* NewLogInfoCall(FrontCall* front_call, ForwardedCall call, BackendRouter* router) {
  return new LogInfoCall(front_call, std::move(call), router);
}

}  // namespace clientele::gateway::front
