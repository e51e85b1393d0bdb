// A front call (front_service.h) answered by asking several backends at once and composing
// one answer from theirs: GetLogInfo, ListRejected and RemoveConsumer over the ingest nodes of
// a partitioned deployment, ListJobs over the components that run jobs. Internal to
// gateway/front.
//
// A subclass says which backends to ask with what (Plan, from the client's request) and how
// their answers make one (Compose, once all of them answered). The base reads the request,
// makes the backend calls in parallel (each a child of the front call: its deadline and
// cancellation propagate; the caller's metadata is passed on as for a forwarded call), runs
// the composed response through the CallPolicy's filter and sends it.
//
// Lifetime: the reactor deletes itself once the front call and every backend call are done.
#ifndef CLIENTELE_GATEWAY_FRONT_FAN_OUT_CALL_H_
#define CLIENTELE_GATEWAY_FRONT_FAN_OUT_CALL_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "gateway/front/backend_router.h"
#include "gateway/front/forwarding.h"
#include "gateway/front/front_call.h"
#include "google/protobuf/message.h"

namespace clientele::gateway::front {

// One ingest node of a partitioned deployment: the partitions whose address is the same.
struct IngestNode {
  std::vector<uint32_t> partitions;  // Ascending; the first names the node.
  std::shared_ptr<grpc::Channel> channel;
  std::string name;  // "the ingest node of partition 2" / "of partitions 0, 3".
};

// The distinct ingest nodes of router->ingest_split_partitions() partitions, in partition
// order. UNAVAILABLE naming the partition when one has no address.
absl::StatusOr<std::vector<IngestNode>> IngestNodesOf(BackendRouter& router);

class FanOutCall : public FrontReactor {
 public:
  // Reads the client's request. `front_call` outlives the reactor's OnDone.
  FanOutCall(FrontCall* front_call, ForwardedCall call);

  void OnReadDone(bool ok) final;
  void OnCancel() final;
  void OnDone() final;

 protected:
  // One backend call to make.
  struct Target {
    std::string name;  // Names the backend in errors: "the ingest node of partition 2".
    std::shared_ptr<grpc::Channel> channel;
    grpc::ByteBuffer request;  // The request message to send it.
  };
  struct Answer {
    const Target* target;
    grpc::Status status;
    grpc::ByteBuffer response;  // When status is OK.
  };

  // The backend calls that answer `request` (the client's request message), or the call's
  // error (e.g. INVALID_ARGUMENT naming a field).
  virtual absl::StatusOr<std::vector<Target>> Plan(const grpc::ByteBuffer& request) = 0;

  // The composed response once every target answered (one Answer per target, in Plan's
  // order), or the call's error. The message is the subclass's and must live until the
  // call is done.
  virtual absl::StatusOr<google::protobuf::Message*> Compose(std::vector<Answer>& answers) = 0;

  // `answer`'s failure with its target's name in front of the message, its code kept.
  static absl::Status NamedError(const Answer& answer);

  // One target per distinct ingest node (IngestNodesOf), each sent `request` unchanged.
  static absl::StatusOr<std::vector<Target>> EveryIngestNode(BackendRouter& router,
                                                             const grpc::ByteBuffer& request);

  // Serializes `message` into a request for a target.
  static grpc::ByteBuffer RequestBytes(const google::protobuf::Message& message);

  // Parses an OK answer's response into `message`; INTERNAL naming the target if it does not
  // parse.
  static absl::Status ParseAnswer(Answer& answer, google::protobuf::Message* message);

  ~FanOutCall() override;

 private:
  struct Backend;

  void OnBackendDone();
  void Complete();
  void Release();

  grpc::ServerContextBase* const context_;
  const ForwardedCall call_;
  grpc::ByteBuffer request_;
  grpc::ByteBuffer response_;
  std::vector<Target> targets_;                     // Set once, in OnReadDone.
  std::vector<std::unique_ptr<Backend>> backends_;  // Set once, in OnReadDone. Guarded by mu_.
  std::atomic<int> pending_{1};                     // OnDone, plus each backend call's end.
  std::atomic<int> remaining_{0};                   // Backend calls not yet done.
  std::mutex mu_;
};

}  // namespace clientele::gateway::front

#endif  // CLIENTELE_GATEWAY_FRONT_FAN_OUT_CALL_H_
