// The components' privacy services as the gateway reaches them: channels to identity,
// analytics and the recommender, and to the ingest node of each log partition (in-process in
// all-in-one mode, by address with --services=gateway). A null channel is a component this
// gateway cannot reach (not configured): calls to it fail UNAVAILABLE naming it.
#ifndef CLIENTELE_GATEWAY_PRIVACY_PRIVACY_BACKENDS_H_
#define CLIENTELE_GATEWAY_PRIVACY_PRIVACY_BACKENDS_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "clientele/privacy/v1/privacy.pb.h"
#include "grpcpp/channel.h"
#include "grpcpp/client_context.h"

namespace clientele::gateway {

// An identity read replica (--identity_replica_addr): the identity step of an erasure waits on
// each until it has applied and purged the primary's erasure.
struct IdentityReplicaBackend {
  std::string address;
  std::shared_ptr<grpc::Channel> channel;
};

struct PrivacyBackends {
  std::shared_ptr<grpc::Channel> identity;
  std::vector<IdentityReplicaBackend> identity_replicas;
  std::shared_ptr<grpc::Channel> analytics;
  std::shared_ptr<grpc::Channel> recommender;
  // The channel to the ingest node that owns `partition` (null: not reachable). Called from
  // any thread.
  std::function<std::shared_ptr<grpc::Channel>(uint32_t partition)> ingest;
  uint32_t partition_count = 1;
};

// An ingest node: its channel and the partitions it owns (the partitions whose channel it is).
struct IngestNode {
  std::shared_ptr<grpc::Channel> channel;
  std::vector<uint32_t> partitions;
};

// Every distinct ingest node, each once, in partition order. UNAVAILABLE naming the partition
// when one has no channel.
absl::StatusOr<std::vector<IngestNode>> IngestNodesOf(const PrivacyBackends& backends);

// UNAVAILABLE: "<component>: not reachable from this gateway (no address configured)".
absl::Status NotReachable(std::string_view component);

// The subjects' parts that `partitions` own: each subject with only its source keys that
// route to one of them (common/log/partitioning.h); subjects left without a key are dropped.
std::vector<privacy::v1::Subject> SubjectsOnPartitions(
    const std::vector<privacy::v1::Subject>& subjects, const std::vector<uint32_t>& partitions,
    uint32_t partition_count);

// `subjects` with `more` appended, each distinct subject once (as serialized).
void MergeSubjects(std::vector<privacy::v1::Subject> more,
                   std::vector<privacy::v1::Subject>* subjects);

// IdentityPrivacy.ResolveSubject: nullopt when identity answers NOT_FOUND; another error as
// "<CODE>: message". `context` carries the deadline and cancellation.
absl::StatusOr<std::optional<privacy::v1::Subject>> ResolveSubject(
    const std::shared_ptr<grpc::Channel>& identity, const privacy::v1::SubjectSelector& selector,
    grpc::ClientContext* context);

}  // namespace clientele::gateway

#endif  // CLIENTELE_GATEWAY_PRIVACY_PRIVACY_BACKENDS_H_
