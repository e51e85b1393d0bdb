// IngestService.RemoveConsumer through a front whose ingest nodes own different partitions: a
// consumer registers with the node of each partition it consumes, so the call goes to every
// node (each distinct address once) in parallel. OK when every node succeeded, with the
// partitions removed summed; a node where the consumer is not registered removed nothing
// (NOT_FOUND only when it is registered on no node, so a retry after a partial failure
// finishes the work). Any other failure fails the call naming the node (UNAVAILABLE for a node
// that cannot be reached); the nodes that succeeded have removed it.
#include <string>
#include <utility>
#include <vector>

#include "clientele/ingest/v1/ingest.pb.h"
#include "gateway/front/fan_out_call.h"
#include "gateway/front/proxy_calls.h"

namespace clientele::gateway::front {
namespace {

class RemoveConsumerCall final : public FanOutCall {
 public:
  RemoveConsumerCall(FrontCall* front_call, ForwardedCall call, BackendRouter* router)
      : FanOutCall(front_call, std::move(call)), router_(router) {}

 private:
  absl::StatusOr<std::vector<Target>> Plan(const grpc::ByteBuffer& request) override {
    return EveryIngestNode(*router_, request);
  }

  absl::StatusOr<google::protobuf::Message*> Compose(std::vector<Answer>& answers) override {
    const Answer* not_found = nullptr;
    int found = 0;
    for (Answer& answer : answers) {
      if (answer.status.error_code() == grpc::StatusCode::NOT_FOUND) {
        if (not_found == nullptr) not_found = &answer;
        continue;
      }
      if (!answer.status.ok()) return NamedError(answer);
      ingest::v1::RemoveConsumerResponse removed;
      if (absl::Status s = ParseAnswer(answer, &removed); !s.ok()) return s;
      merged_.set_partitions_removed(merged_.partitions_removed() + removed.partitions_removed());
      ++found;
    }
    if (found == 0 && not_found != nullptr) {
      return absl::NotFoundError(not_found->status.error_message());
    }
    return &merged_;
  }

  BackendRouter* const router_;
  ingest::v1::RemoveConsumerResponse merged_;
};

}  // namespace

FrontReactor* NewRemoveConsumerCall(FrontCall* front_call, ForwardedCall call,
                                    BackendRouter* router) {
  return new RemoveConsumerCall(front_call, std::move(call), router);
}

}  // namespace clientele::gateway::front
