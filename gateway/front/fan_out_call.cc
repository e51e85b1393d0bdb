#include "gateway/front/fan_out_call.h"

#include <map>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/status/grpc_status.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/impl/codegen/proto_utils.h"

namespace clientele::gateway::front {

absl::StatusOr<std::vector<IngestNode>> IngestNodesOf(BackendRouter& router) {
  std::vector<IngestNode> nodes;
  std::map<grpc::Channel*, size_t> index;  // Channel -> its node in `nodes`.
  for (uint32_t p = 0; p < router.ingest_split_partitions(); ++p) {
    std::shared_ptr<grpc::Channel> channel = router.IngestChannel(p);
    if (channel == nullptr) {
      return absl::UnavailableError(
          absl::StrCat("no address of the ingest node of partition ", p, " (--ingest_addr)"));
    }
    auto [it, added] = index.emplace(channel.get(), nodes.size());
    if (added) nodes.push_back({{}, std::move(channel), ""});
    nodes[it->second].partitions.push_back(p);
  }
  for (IngestNode& node : nodes) {
    node.name =
        absl::StrCat("the ingest node of partition", node.partitions.size() > 1 ? "s " : " ",
                     absl::StrJoin(node.partitions, ", "));
  }
  return nodes;
}

absl::StatusOr<std::vector<FanOutCall::Target>> FanOutCall::EveryIngestNode(
    BackendRouter& router, const grpc::ByteBuffer& request) {
  absl::StatusOr<std::vector<IngestNode>> nodes = IngestNodesOf(router);
  if (!nodes.ok()) return nodes.status();
  std::vector<Target> targets;
  for (IngestNode& node : *nodes) {
    targets.push_back({std::move(node.name), std::move(node.channel), request});
  }
  return targets;
}

struct FanOutCall::Backend {
  std::unique_ptr<grpc::ClientContext> context;
  Answer answer;
};

FanOutCall::FanOutCall(FrontCall* front_call, ForwardedCall call)
    : FrontReactor(front_call), context_(front_call->context()), call_(std::move(call)) {
  StartRead(&request_);
}

FanOutCall::~FanOutCall() = default;

void FanOutCall::OnReadDone(bool ok) {
  if (!ok) {
    Finish(grpc::Status(grpc::StatusCode::CANCELLED, "no request message"));
    return;
  }
  absl::StatusOr<std::vector<Target>> targets = Plan(request_);
  if (!targets.ok()) {
    Finish(ToFrontStatus(targets.status()));
    return;
  }
  targets_ = *std::move(targets);
  if (targets_.empty()) {
    Complete();
    return;
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const Target& target : targets_) {
      auto backend = std::make_unique<Backend>();
      backend->context = NewBackendContext(*context_);
      AddCallerMetadata(call_.caller, backend->context.get());
      backend->answer.target = &target;
      backends_.push_back(std::move(backend));
    }
  }
  remaining_.store(static_cast<int>(targets_.size()), std::memory_order_relaxed);
  pending_.fetch_add(static_cast<int>(targets_.size()), std::memory_order_relaxed);
  // gRPC may run callbacks inline: no lock is held while starting calls.
  for (size_t i = 0; i < targets_.size(); ++i) {
    Backend* backend = backends_[i].get();
    grpc::GenericStub stub(targets_[i].channel);
    stub.UnaryCall(backend->context.get(), call_.method, grpc::StubOptions(), &targets_[i].request,
                   &backend->answer.response, [this, backend](grpc::Status status) {
                     backend->answer.status = std::move(status);
                     OnBackendDone();
                   });
  }
}

void FanOutCall::OnCancel() {
  std::vector<grpc::ClientContext*> contexts;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& backend : backends_) contexts.push_back(backend->context.get());
  }
  for (grpc::ClientContext* context : contexts) context->TryCancel();  // Without the lock.
}

void FanOutCall::OnDone() { Release(); }

void FanOutCall::OnBackendDone() {
  // The last backend call's end composes: every answer is written by then (acq_rel).
  if (remaining_.fetch_sub(1, std::memory_order_acq_rel) == 1) Complete();
  Release();
}

void FanOutCall::Complete() {
  std::vector<Answer> answers;
  for (auto& backend : backends_) answers.push_back(std::move(backend->answer));
  absl::StatusOr<google::protobuf::Message*> composed = Compose(answers);
  if (!composed.ok()) {
    Finish(ToFrontStatus(composed.status()));
    return;
  }
  if (grpc::Status s = FilterAndSerialize(call_, **composed, &response_); !s.ok()) {
    Finish(s);
    return;
  }
  StartWriteAndFinish(&response_, grpc::WriteOptions(), grpc::Status::OK);
}

void FanOutCall::Release() {
  if (pending_.fetch_sub(1, std::memory_order_acq_rel) == 1) delete this;
}

absl::Status FanOutCall::NamedError(const Answer& answer) {
  return absl::Status(static_cast<absl::StatusCode>(answer.status.error_code()),
                      absl::StrCat(answer.target->name, ": ", answer.status.error_message()));
}

grpc::ByteBuffer FanOutCall::RequestBytes(const google::protobuf::Message& message) {
  grpc::ByteBuffer bytes;
  bool own_buffer = false;
  (void)grpc::SerializationTraits<google::protobuf::Message>::Serialize(message, &bytes,
                                                                        &own_buffer);
  return bytes;
}

absl::Status FanOutCall::ParseAnswer(Answer& answer, google::protobuf::Message* message) {
  if (!grpc::SerializationTraits<google::protobuf::Message>::Deserialize(&answer.response, message)
           .ok()) {
    return absl::InternalError(absl::StrCat(answer.target->name, ": no parsable response"));
  }
  return absl::OkStatus();
}

}  // namespace clientele::gateway::front
