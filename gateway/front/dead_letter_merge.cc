#include "gateway/front/dead_letter_merge.h"

#include <utility>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace clientele::gateway::front {
namespace {

absl::Status BadToken() {
  return absl::InvalidArgumentError("page_token: not a token of ListRejected of this deployment");
}

bool RejectedBefore(const ingest::v1::DeadLetter& a, uint32_t a_node,
                    const ingest::v1::DeadLetter& b, uint32_t b_node) {
  if (a.rejected_at().seconds() != b.rejected_at().seconds()) {
    return a.rejected_at().seconds() < b.rejected_at().seconds();
  }
  if (a.rejected_at().nanos() != b.rejected_at().nanos()) {
    return a.rejected_at().nanos() < b.rejected_at().nanos();
  }
  return a_node < b_node;
}

}  // namespace

absl::StatusOr<RejectedCursors> ParseRejectedToken(const std::string& token,
                                                   const std::vector<uint32_t>& node_keys) {
  RejectedCursors cursors;
  if (token.empty()) {
    for (uint32_t key : node_keys) cursors[key] = 1;
    return cursors;
  }
  for (absl::string_view entry : absl::StrSplit(token, ';')) {
    std::vector<absl::string_view> parts = absl::StrSplit(entry, absl::MaxSplits('=', 1));
    uint32_t key = 0;
    uint64_t next = 0;
    if (parts.size() != 2 || !absl::SimpleAtoi(parts[0], &key) ||
        !absl::SimpleAtoi(parts[1], &next) || next == 0 || !cursors.emplace(key, next).second) {
      return BadToken();
    }
  }
  if (cursors.size() != node_keys.size()) return BadToken();
  for (uint32_t key : node_keys) {
    if (!cursors.count(key)) return BadToken();
  }
  return cursors;
}

std::string NodePageToken(uint64_t next_id) {
  return next_id <= 1 ? std::string() : absl::StrCat(next_id);
}

ingest::v1::ListRejectedResponse MergeRejected(int page_size, int max_bytes,
                                               std::map<uint32_t, NodeRejected> answers) {
  ingest::v1::ListRejectedResponse out;
  std::map<uint32_t, int> next_index;  // Node -> its first letter not yet taken.
  RejectedCursors cursors;
  for (const auto& [node, answer] : answers) {
    out.set_total(out.total() + answer.response.total());
    next_index[node] = 0;
    cursors[node] = answer.from;
  }
  size_t bytes = 0;
  while (out.dead_letters_size() < page_size) {
    const ingest::v1::DeadLetter* first = nullptr;
    uint32_t first_node = 0;
    bool unknown_next = false;
    for (const auto& [node, answer] : answers) {
      const int i = next_index[node];
      if (i == answer.response.dead_letters_size()) {
        unknown_next = unknown_next || !answer.response.next_page_token().empty();
        continue;
      }
      const ingest::v1::DeadLetter& letter = answer.response.dead_letters(i);
      if (first == nullptr || RejectedBefore(letter, node, *first, first_node)) {
        first = &letter;
        first_node = node;
      }
    }
    if (first == nullptr || unknown_next) break;
    const size_t size = first->ByteSizeLong();
    if (out.dead_letters_size() > 0 && bytes + size > static_cast<size_t>(max_bytes)) break;
    bytes += size;
    *out.add_dead_letters() = *first;
    cursors[first_node] = first->id() + 1;
    ++next_index[first_node];
  }
  bool more = false;
  for (const auto& [node, answer] : answers) {
    more = more || next_index[node] < answer.response.dead_letters_size() ||
           !answer.response.next_page_token().empty();
  }
  if (more) {
    std::vector<std::string> entries;
    for (const auto& [node, next] : cursors) entries.push_back(absl::StrCat(node, "=", next));
    out.set_next_page_token(absl::StrJoin(entries, ";"));
  }
  return out;
}

}  // namespace clientele::gateway::front
