#include "gateway/front/backend_router.h"

#include <string>
#include <utility>

#include "absl/status/status.h"
#include "clientele/common/v1/jobs.pb.h"
#include "clientele/ingest/v1/ingest.pb.h"
#include "gateway/front/method_routes.h"
#include "grpcpp/impl/codegen/proto_utils.h"

namespace clientele::gateway::front {
namespace {

// Parses a copy of `request` (the caller forwards the original).
template <typename Message>
bool ParseRequest(const grpc::ByteBuffer* request, Message* message) {
  if (request == nullptr) return true;  // No message: the defaults.
  grpc::ByteBuffer copy(*request);
  return grpc::SerializationTraits<Message>::Deserialize(&copy, message).ok();
}

// The job id of a JobService request other than StartJob and ListJobs: field 1 of each.
std::string JobIdOf(const grpc::ByteBuffer* request) {
  common::v1::GetJobRequest get;  // Every such request has `string job_id = 1`.
  return ParseRequest(request, &get) ? get.job_id() : std::string();
}

}  // namespace

SplitBackendRouter::SplitBackendRouter(std::shared_ptr<const server::ComponentChannels> channels,
                                       std::shared_ptr<grpc::Channel> local,
                                       uint32_t partition_count,
                                       std::shared_ptr<grpc::Channel> recommender_serving)
    : channels_(std::move(channels)),
      local_(std::move(local)),
      partition_count_(partition_count),
      recommender_serving_(std::move(recommender_serving)) {}

bool SplitBackendRouter::NeedsRequest(std::string_view method) const {
  const RouteKind kind = RouteOfMethod(method).kind;
  return kind == RouteKind::kIngestPartition || kind == RouteKind::kJobKind ||
         kind == RouteKind::kJobId;
}

absl::StatusOr<std::shared_ptr<grpc::Channel>> SplitBackendRouter::ChannelOf(
    std::string_view component, uint32_t partition) const {
  std::shared_ptr<grpc::Channel> channel = channels_->ChannelTo(component, partition);
  if (channel == nullptr) {
    return absl::UnavailableError("the " + std::string(component) +
                                  " service is not reachable from this gateway (no --" +
                                  std::string(component) + "_addr)");
  }
  return channel;
}

absl::StatusOr<std::shared_ptr<grpc::Channel>> SplitBackendRouter::Route(
    std::string_view method, const grpc::ByteBuffer* request) {
  const MethodRoute route = RouteOfMethod(method);
  switch (route.kind) {
    case RouteKind::kComponent:
      if (route.component == "identity" && identity_replicas_ != nullptr &&
          IsIdentityReplicaRead(method)) {
        if (std::shared_ptr<grpc::Channel> replica = identity_replicas_->Pick()) return replica;
      }
      if (recommender_serving_ != nullptr && ServedByRecommenderReplicas(method)) {
        return recommender_serving_;
      }
      if (route.component == "analytics" && !channels_->deployment().Reachable("analytics")) {
        return ChannelOf("recommender", 0);  // ListJobs where only the recommender runs jobs.
      }
      return ChannelOf(route.component, 0);
    case RouteKind::kIngestEvents:
      return ChannelOf("ingest", 0);  // Unsplit: one partition, or the front does not split.
    case RouteKind::kIngestPartition: {
      // SubscribeRequest.partition is field 1, CommitProgressRequest.partition field 2.
      uint32_t partition = 0;
      if (method.substr(method.rfind('/') + 1) == "Subscribe") {
        ingest::v1::SubscribeRequest subscribe;
        if (!ParseRequest(request, &subscribe)) {
          return absl::InvalidArgumentError("request does not parse");
        }
        partition = subscribe.partition();
      } else {
        ingest::v1::CommitProgressRequest commit;
        if (!ParseRequest(request, &commit)) {
          return absl::InvalidArgumentError("request does not parse");
        }
        partition = commit.partition();
      }
      if (partition >= partition_count_) {
        return absl::InvalidArgumentError("partition: " + std::to_string(partition) +
                                          " is not below the partition count " +
                                          std::to_string(partition_count_));
      }
      return ChannelOf("ingest", partition);
    }
    case RouteKind::kJobKind: {
      common::v1::StartJobRequest start;
      if (!ParseRequest(request, &start)) {
        return absl::InvalidArgumentError("request does not parse");
      }
      const std::string_view component = ComponentOfJobKind(start.kind());
      if (component.empty()) {
        return absl::InvalidArgumentError("kind: unknown job kind '" + start.kind() + "'");
      }
      return ChannelOf(component, 0);
    }
    case RouteKind::kJobId: {
      const std::string job_id = JobIdOf(request);
      const std::string_view component = ComponentOfJobId(job_id);
      if (component != "analytics" && component != "recommender") {
        return absl::NotFoundError("job_id: no service here runs job '" + job_id + "'");
      }
      return ChannelOf(component, 0);
    }
    case RouteKind::kLocal:
      return local_;
    case RouteKind::kUnknown:
      break;
  }
  return absl::UnimplementedError("method " + std::string(method) + " is not served here");
}

uint32_t SplitBackendRouter::ingest_split_partitions() const {
  // Ingest in this process owns every partition it is given events of.
  const bool ingest_here = channels_->deployment().RunsHere("ingest");
  return partition_count_ > 1 && !ingest_here ? partition_count_ : 0;
}

std::shared_ptr<grpc::Channel> SplitBackendRouter::IngestChannel(uint32_t partition) {
  return channels_->ChannelTo("ingest", partition);
}

std::vector<std::string> SplitBackendRouter::JobServices() const {
  std::vector<std::string> services;
  for (std::string_view component : JobComponents()) {
    if (channels_->deployment().Reachable(component)) services.emplace_back(component);
  }
  return services;
}

std::shared_ptr<grpc::Channel> SplitBackendRouter::JobChannel(std::string_view service) {
  for (std::string_view component : JobComponents()) {
    if (component == service) return channels_->ChannelTo(component, 0);
  }
  return nullptr;
}

}  // namespace clientele::gateway::front
