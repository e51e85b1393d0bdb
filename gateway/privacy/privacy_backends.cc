#include "gateway/privacy/privacy_backends.h"

#include <algorithm>
#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "clientele/privacy/v1/privacy.grpc.pb.h"
#include "common/log/partitioning.h"
#include "common/status/grpc_status.h"

namespace clientele::gateway {

namespace pv1 = privacy::v1;

absl::Status NotReachable(std::string_view component) {
  return absl::UnavailableError(
      absl::StrCat(absl::string_view(component.data(), component.size()),
                   ": not reachable from this gateway (no address configured)"));
}

absl::StatusOr<std::vector<IngestNode>> IngestNodesOf(const PrivacyBackends& backends) {
  std::vector<IngestNode> nodes;
  for (uint32_t p = 0; p < backends.partition_count; ++p) {
    std::shared_ptr<grpc::Channel> channel = backends.ingest ? backends.ingest(p) : nullptr;
    if (channel == nullptr) return NotReachable(absl::StrCat("ingest partition ", p));
    auto it = std::find_if(nodes.begin(), nodes.end(),
                           [&](const IngestNode& node) { return node.channel == channel; });
    if (it == nodes.end()) {
      nodes.push_back({std::move(channel), {p}});
    } else {
      it->partitions.push_back(p);
    }
  }
  return nodes;
}

std::vector<pv1::Subject> SubjectsOnPartitions(const std::vector<pv1::Subject>& subjects,
                                               const std::vector<uint32_t>& partitions,
                                               uint32_t partition_count) {
  const std::set<uint32_t> owned(partitions.begin(), partitions.end());
  std::vector<pv1::Subject> out;
  for (const pv1::Subject& subject : subjects) {
    pv1::Subject part;
    for (const common::v1::SourceKey& key : subject.source_keys()) {
      if (owned.count(log::PartitionOf(key, partition_count))) *part.add_source_keys() = key;
    }
    if (part.source_keys().empty()) continue;
    *part.mutable_profile_ids() = subject.profile_ids();
    out.push_back(std::move(part));
  }
  return out;
}

void MergeSubjects(std::vector<pv1::Subject> more, std::vector<pv1::Subject>* subjects) {
  std::set<std::string> seen;
  for (const pv1::Subject& subject : *subjects) seen.insert(subject.SerializeAsString());
  for (pv1::Subject& subject : more) {
    if (seen.insert(subject.SerializeAsString()).second) subjects->push_back(std::move(subject));
  }
}

absl::StatusOr<std::optional<pv1::Subject>> ResolveSubject(
    const std::shared_ptr<grpc::Channel>& identity, const pv1::SubjectSelector& selector,
    grpc::ClientContext* context) {
  if (identity == nullptr) return NotReachable("identity");
  pv1::IdentityPrivacy::Stub stub(identity);
  pv1::ResolveSubjectRequest request;
  *request.mutable_selector() = selector;
  pv1::ResolveSubjectResponse response;
  grpc::Status status = stub.ResolveSubject(context, request, &response);
  if (status.error_code() == grpc::StatusCode::NOT_FOUND) return std::nullopt;
  if (!status.ok()) return FromGrpcStatus(status);
  return response.subject();
}

}  // namespace clientele::gateway
