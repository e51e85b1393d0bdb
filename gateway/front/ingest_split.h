// Splits ingest requests by log partition and merges the partitions' answers, for a gateway
// in front of partitioned ingest nodes: each node accepts only the events of the partitions
// it owns (common/log/partitioning.h: the same stable hash), so every event must go to its
// partition's node, and the caller must get one IngestResponse whose per-event results are
// indexed and ordered as if one node had taken the whole request.
//
//   IngestSplit split(partition_count);
//   for (each request of the call) {
//     for (auto& [partition, sub] : split.Split(request)) send sub to partition's node;
//   }
//   for (each node's response) CLT_RETURN_IF_ERROR(split.AddResponse(partition, response));
//   IngestResponse merged = split.Finish();
//
// One IngestSplit serves one call: a unary Ingest (one Split) or one IngestStream (a Split
// per message; each partition's sub-requests go, in order, on one stream to its node, whose
// results index events across that stream).
//
// Client rejections (rows a client could not parse) have no partition: they go with the
// sub-request of partition 0. All-or-nothing rows (ingest.proto) hold per partition: the
// events of one file row that route to different partitions are accepted or rejected by
// their own nodes.
//
// Not thread-safe: one call's thread or reactor drives it.
#ifndef CLIENTELE_GATEWAY_FRONT_INGEST_SPLIT_H_
#define CLIENTELE_GATEWAY_FRONT_INGEST_SPLIT_H_

#include <cstdint>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "clientele/ingest/v1/ingest.pb.h"

namespace clientele::gateway::front {

class IngestSplit {
 public:
  // REQUIRES: partition_count >= 1.
  explicit IngestSplit(uint32_t partition_count);

  // The sub-requests of `request`, one per partition that has events (or partition 0 for
  // client rejections), in partition order. Each keeps the request's omit_accepted_results.
  std::vector<std::pair<uint32_t, ingest::v1::IngestRequest>> Split(
      const ingest::v1::IngestRequest& request);

  // Adds the answer of `partition`'s node to everything it was sent so far (its results
  // index the events of its sub-requests, counted across them). InvalidArgument when a
  // result's index names no event sent to that partition.
  absl::Status AddResponse(uint32_t partition, const ingest::v1::IngestResponse& response);

  // The merged answer: counts summed, results in request order with the caller's indices.
  // Call once, after every AddResponse.
  ingest::v1::IngestResponse Finish();

  uint32_t partition_count() const { return partition_count_; }
  // Events Split has seen, over every request.
  int64_t events() const { return next_index_; }

 private:
  const uint32_t partition_count_;
  int64_t next_index_ = 0;
  // For each partition, the caller's index of every event sent to it, in the order sent.
  std::vector<std::vector<int64_t>> caller_index_;
  ingest::v1::IngestResponse merged_;
};

}  // namespace clientele::gateway::front

#endif  // CLIENTELE_GATEWAY_FRONT_INGEST_SPLIT_H_
