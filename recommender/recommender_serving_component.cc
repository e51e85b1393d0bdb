#include "recommender/recommender_serving_component.h"

#include <utility>

#include "CLI/CLI.hpp"
#include "common/status/grpc_status.h"
#include "grpcpp/client_context.h"

namespace clientele::recommender {
namespace {

constexpr char kHealthName[] = "clientele.recommender.v1.RecommenderService";
// How long Recommend's slow path waits for the trainer's KnowsCustomer.
constexpr absl::Duration kKnowsCustomerDeadline = absl::Seconds(2);

}  // namespace

server::ComponentInfo RecommenderServingComponent::Info() {
  server::ComponentInfo info{
      "recommender-serving",
      "a stateless serving replica of the recommender (needs --model_source)", "",
      [] { return std::make_unique<RecommenderServingComponent>(); }};
  info.in_all = false;
  return info;
}

RecommenderServingComponent::~RecommenderServingComponent() { Stop(); }

void RecommenderServingComponent::AddFlags(CLI::App& app) {
  app.add_option("--model_source", model_source_,
                 "host:port of the training recommender (its internal gRPC port) that "
                 "--services=recommender-serving takes the model from");
}

absl::Status RecommenderServingComponent::Open(const server::ComponentEnvironment& env) {
  if (model_source_.empty()) {
    return absl::InvalidArgumentError(
        "--model_source: required with --services=recommender-serving (host:port of the "
        "training recommender)");
  }
  if (env.deployment.RunsHere("recommender")) {
    return absl::InvalidArgumentError(
        "--services: recommender-serving cannot run beside recommender in one process (both "
        "serve clientele.recommender.v1.RecommenderService)");
  }
  metrics_ = env.metrics;
  holder_ = std::make_unique<SnapshotHolder>();
  queries_ = std::make_unique<RecommenderQueries>(
      holder_.get(), [this](const std::string& who, bool by_source_key) {
        return KnownOnTrainer(who, by_source_key);
      });
  // Without a snapshot yet the replica is NOT_SERVING, and its calls are worth retrying on
  // another replica.
  queries_->set_no_snapshot_status(
      absl::UnavailableError("no model snapshot from --model_source yet"));
  service_ = std::make_unique<RecommenderServiceImpl>(queries_.get(), /*store=*/nullptr);
  return absl::OkStatus();
}

std::vector<std::string> RecommenderServingComponent::health_names() const { return {kHealthName}; }

absl::Status RecommenderServingComponent::Start(
    std::shared_ptr<const server::ComponentChannels> channels) {
  std::shared_ptr<grpc::Channel> trainer = channels->ChannelToAddress(model_source_);
  {
    absl::MutexLock lock(&trainer_mu_);
    trainer_ = v1::RecommenderReplication::NewStub(trainer);
  }
  follower_ = std::make_unique<ReplicaFollower>(std::move(trainer), holder_.get(), metrics_);
  follower_->Start();
  return absl::OkStatus();
}

absl::Status RecommenderServingComponent::Health() const {
  if (holder_ == nullptr || holder_->Get() == nullptr) {
    return absl::UnavailableError("no model snapshot from --model_source yet");
  }
  return absl::OkStatus();
}

void RecommenderServingComponent::Drain() {
  if (follower_ != nullptr) follower_->Stop();
}

absl::StatusOr<bool> RecommenderServingComponent::KnownOnTrainer(const std::string& who,
                                                                 bool by_source_key) const {
  v1::KnowsCustomerRequest request;
  request.set_who(who);
  request.set_by_source_key(by_source_key);
  v1::KnowsCustomerResponse response;
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + kKnowsCustomerDeadline));
  v1::RecommenderReplication::Stub* trainer = nullptr;
  {
    absl::MutexLock lock(&trainer_mu_);
    trainer = trainer_.get();  // Set once in Start, kept until destruction; thread-safe.
  }
  if (trainer == nullptr) {
    return absl::UnavailableError("the training recommender (--model_source) is not reached yet");
  }
  const grpc::Status status = trainer->KnowsCustomer(&context, request, &response);
  if (!status.ok()) return FromGrpcStatus(status);
  return response.known();
}

}  // namespace clientele::recommender
