// Where the gateway's front (front_service.h) sends a call: the channel of the backend that
// serves the method.
//
// Two routers:
//   LocalBackendRouter: all-in-one (every component in this process): every call goes to the
//     internal server's in-process channel.
//   SplitBackendRouter: --services=gateway: by service to the components' addresses
//     (method_routes.h), JobService by job kind and id (ListJobs merged over the components
//     that run jobs), Ingest and IngestStream split over
//     the ingest nodes by partition (ingest_split.h), the gateway's own services and
//     reflection to the in-process channel.
#ifndef CLIENTELE_GATEWAY_FRONT_BACKEND_ROUTER_H_
#define CLIENTELE_GATEWAY_FRONT_BACKEND_ROUTER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "common/server/component_channels.h"
#include "gateway/front/identity_replica_reads.h"
#include "grpcpp/channel.h"
#include "grpcpp/support/byte_buffer.h"

namespace clientele::gateway::front {

// Thread-safe.
class BackendRouter {
 public:
  virtual ~BackendRouter() = default;

  // Whether Route needs the call's first request message to choose.
  virtual bool NeedsRequest(std::string_view method) const = 0;

  // The channel of the backend that serves `method`. `request` is the call's first request
  // message when NeedsRequest(method) (null if the client sent none). Errors:
  // UNIMPLEMENTED for a method no backend serves, UNAVAILABLE when the component that
  // serves it has no address, INVALID_ARGUMENT / NOT_FOUND for a request that names no
  // backend (a bad partition, a job id of no service), each naming the field.
  virtual absl::StatusOr<std::shared_ptr<grpc::Channel>> Route(std::string_view method,
                                                               const grpc::ByteBuffer* request) = 0;

  // The partitions Ingest and IngestStream are split over (0: they are routed like any other
  // method), and the channel of partition `p`'s ingest node.
  virtual uint32_t ingest_split_partitions() const { return 0; }
  virtual std::shared_ptr<grpc::Channel> IngestChannel(uint32_t /*partition*/) { return nullptr; }

  // The services whose jobs ListJobs merges when more than one (each in its own process or
  // not): the components that run jobs and are reachable, by the prefix of their job ids
  // ("analytics", "recommender"). Fewer than two: ListJobs is routed like any other method.
  virtual std::vector<std::string> JobServices() const { return {}; }
  // The channel of the JobService that runs `service`'s jobs; null if none.
  virtual std::shared_ptr<grpc::Channel> JobChannel(std::string_view /*service*/) {
    return nullptr;
  }
};

// Every call to one channel.
class LocalBackendRouter final : public BackendRouter {
 public:
  explicit LocalBackendRouter(std::shared_ptr<grpc::Channel> channel)
      : channel_(std::move(channel)) {}
  bool NeedsRequest(std::string_view /*method*/) const override { return false; }
  absl::StatusOr<std::shared_ptr<grpc::Channel>> Route(
      std::string_view /*method*/, const grpc::ByteBuffer* /*request*/) override {
    return channel_;
  }

 private:
  const std::shared_ptr<grpc::Channel> channel_;
};

class SplitBackendRouter final : public BackendRouter {
 public:
  // `channels` makes the channels to the remote components; `local` is the in-process
  // channel of the gateway's own server. `partition_count`: the deployment's log partitions.
  // `recommender_serving` (may be null): the serving replicas (--recommender_serving_addr),
  // which then get the methods ServedByRecommenderReplicas names.
  SplitBackendRouter(std::shared_ptr<const server::ComponentChannels> channels,
                     std::shared_ptr<grpc::Channel> local, uint32_t partition_count,
                     std::shared_ptr<grpc::Channel> recommender_serving = nullptr);

  bool NeedsRequest(std::string_view method) const override;
  absl::StatusOr<std::shared_ptr<grpc::Channel>> Route(std::string_view method,
                                                       const grpc::ByteBuffer* request) override;
  uint32_t ingest_split_partitions() const override;
  std::shared_ptr<grpc::Channel> IngestChannel(uint32_t partition) override;
  std::vector<std::string> JobServices() const override;
  std::shared_ptr<grpc::Channel> JobChannel(std::string_view service) override;

  // Identity reads go to these replicas when one is connected (identity_replica_reads.h).
  // Call before routing.
  void SetIdentityReplicas(std::vector<std::shared_ptr<grpc::Channel>> replicas) {
    identity_replicas_ = std::make_unique<IdentityReplicaReads>(std::move(replicas));
  }

 private:
  absl::StatusOr<std::shared_ptr<grpc::Channel>> ChannelOf(std::string_view component,
                                                           uint32_t partition) const;

  const std::shared_ptr<const server::ComponentChannels> channels_;
  const std::shared_ptr<grpc::Channel> local_;
  const uint32_t partition_count_;
  const std::shared_ptr<grpc::Channel> recommender_serving_;
  std::unique_ptr<IdentityReplicaReads> identity_replicas_;  // Null without replicas.
};

}  // namespace clientele::gateway::front

#endif  // CLIENTELE_GATEWAY_FRONT_BACKEND_ROUTER_H_
