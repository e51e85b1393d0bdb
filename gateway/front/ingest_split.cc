#include "gateway/front/ingest_split.h"

#include <algorithm>
#include <string>

#include "common/log/partitioning.h"

namespace clientele::gateway::front {

IngestSplit::IngestSplit(uint32_t partition_count)
    : partition_count_(partition_count), caller_index_(partition_count) {}

std::vector<std::pair<uint32_t, ingest::v1::IngestRequest>> IngestSplit::Split(
    const ingest::v1::IngestRequest& request) {
  std::vector<ingest::v1::IngestRequest> parts(partition_count_);
  std::vector<bool> used(partition_count_, false);
  for (const common::v1::Event& event : request.events()) {
    const uint32_t p = log::PartitionOf(event, partition_count_);
    *parts[p].add_events() = event;
    caller_index_[p].push_back(next_index_++);
    used[p] = true;
  }
  if (request.client_rejections_size() > 0) {
    *parts[0].mutable_client_rejections() = request.client_rejections();
    used[0] = true;
  }
  std::vector<std::pair<uint32_t, ingest::v1::IngestRequest>> out;
  for (uint32_t p = 0; p < partition_count_; ++p) {
    if (!used[p]) continue;
    parts[p].set_omit_accepted_results(request.omit_accepted_results());
    out.emplace_back(p, std::move(parts[p]));
  }
  return out;
}

absl::Status IngestSplit::AddResponse(uint32_t partition,
                                      const ingest::v1::IngestResponse& response) {
  if (partition >= partition_count_) {
    return absl::InvalidArgumentError("partition " + std::to_string(partition) + " is not below " +
                                      std::to_string(partition_count_));
  }
  const std::vector<int64_t>& index_of = caller_index_[partition];
  for (const ingest::v1::EventResult& result : response.results()) {
    if (result.index() < 0 || static_cast<uint64_t>(result.index()) >= index_of.size()) {
      return absl::InvalidArgumentError(
          "the ingest node of partition " + std::to_string(partition) + " answered index " +
          std::to_string(result.index()) + " of " + std::to_string(index_of.size()) + " events");
    }
    ingest::v1::EventResult* merged = merged_.add_results();
    *merged = result;
    merged->set_index(index_of[result.index()]);
  }
  merged_.set_accepted(merged_.accepted() + response.accepted());
  merged_.set_duplicates(merged_.duplicates() + response.duplicates());
  merged_.set_rejected(merged_.rejected() + response.rejected());
  merged_.set_conflicts(merged_.conflicts() + response.conflicts());
  merged_.set_client_rejections_stored(merged_.client_rejections_stored() +
                                       response.client_rejections_stored());
  return absl::OkStatus();
}

ingest::v1::IngestResponse IngestSplit::Finish() {
  auto* results = merged_.mutable_results();
  std::stable_sort(results->begin(), results->end(),
                   [](const ingest::v1::EventResult& a, const ingest::v1::EventResult& b) {
                     return a.index() < b.index();
                   });
  return std::move(merged_);
}

}  // namespace clientele::gateway::front
