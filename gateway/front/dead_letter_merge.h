// ListRejected over the ingest nodes of a partitioned deployment, for the gateway's front:
// each node keeps the dead letters of its own partitions (ids 1, 2, ... per node), and the
// caller pages through one listing of all of them, oldest first by rejected_at.
//
// The merged page token holds, for every node (named by its first partition), the id of the
// node's next letter to list: "0=17;1=1;2=5". It is opaque to callers. A node's own page
// token is that id in decimal (ingest.proto, ListRejectedRequest.page_token).
//
//   CLT_ASSIGN_OR_RETURN(RejectedCursors cursors, ParseRejectedToken(token, node_keys));
//   ... ask node k for ListRejected(page_size, NodePageToken(cursors[k]), max_bytes) ...
//   ingest::v1::ListRejectedResponse page = MergeRejected(page_size, max_bytes, answers);
//
// No gRPC; pure functions.
#ifndef CLIENTELE_GATEWAY_FRONT_DEAD_LETTER_MERGE_H_
#define CLIENTELE_GATEWAY_FRONT_DEAD_LETTER_MERGE_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "clientele/ingest/v1/ingest.pb.h"

namespace clientele::gateway::front {

// Node (its first partition) -> the id of its next letter to list (1: from its first).
using RejectedCursors = std::map<uint32_t, uint64_t>;

// The cursors of a merged token for nodes `node_keys`; the empty token starts every node at 1.
// InvalidArgument naming page_token for text MergeRejected did not write for these nodes.
absl::StatusOr<RejectedCursors> ParseRejectedToken(const std::string& token,
                                                   const std::vector<uint32_t>& node_keys);

// The node's own page token for `next_id` ("" for 1).
std::string NodePageToken(uint64_t next_id);

// What one node answered, asked from `from` (its cursor).
struct NodeRejected {
  uint64_t from = 1;
  ingest::v1::ListRejectedResponse response;
};

// The first letters of the nodes' answers, oldest rejected_at first (ties by node, each node's
// own order kept), at most `page_size` of them and, past the first, at most `max_bytes` of
// encoded letters (as one node pages); `total` summed; the token of the next page, empty when
// no node has letters not returned. A page stops early where a node that has more letters
// than it gave has given all it gave (its next letter is not known).
ingest::v1::ListRejectedResponse MergeRejected(int page_size, int max_bytes,
                                               std::map<uint32_t, NodeRejected> answers);

}  // namespace clientele::gateway::front

#endif  // CLIENTELE_GATEWAY_FRONT_DEAD_LETTER_MERGE_H_
