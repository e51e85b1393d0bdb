// ListRejected merged over ingest nodes: one listing oldest first, pages that resume where the
// last ended on every node, the totals summed, tokens checked against the nodes.
#include "gateway/front/dead_letter_merge.h"

#include <map>
#include <set>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace clientele::gateway::front {
namespace {

using ingest::v1::DeadLetter;

// Node `node`'s store: letters 1..count, rejected at second `start + step * id`.
std::vector<DeadLetter> Store(uint32_t node, int count, int start, int step) {
  std::vector<DeadLetter> letters;
  for (int id = 1; id <= count; ++id) {
    DeadLetter letter;
    letter.set_id(id);
    letter.set_event_id("n" + std::to_string(node) + "-" + std::to_string(id));
    letter.mutable_rejected_at()->set_seconds(start + step * id);
    letters.push_back(letter);
  }
  return letters;
}

// What the node answers from `from`, `page_size` at most (its own paging).
NodeRejected Answer(const std::vector<DeadLetter>& store, uint64_t from, int page_size) {
  NodeRejected answer;
  answer.from = from;
  answer.response.set_total(static_cast<int64_t>(store.size()));
  for (const DeadLetter& letter : store) {
    if (letter.id() < from) continue;
    if (answer.response.dead_letters_size() == page_size) {
      answer.response.set_next_page_token(std::to_string(letter.id()));
      break;
    }
    *answer.response.add_dead_letters() = letter;
  }
  return answer;
}

TEST(DeadLetterMergeTest, PagesListEveryNodesLettersOnceOldestFirst) {
  std::map<uint32_t, std::vector<DeadLetter>> stores = {
      {0, Store(0, 7, 100, 3)}, {1, Store(1, 2, 101, 10)}, {2, Store(2, 5, 99, 4)}};
  const std::vector<uint32_t> keys = {0, 1, 2};
  std::vector<DeadLetter> listed;
  std::string token;
  int pages = 0;
  do {
    absl::StatusOr<RejectedCursors> cursors = ParseRejectedToken(token, keys);
    ASSERT_TRUE(cursors.ok()) << cursors.status();
    std::map<uint32_t, NodeRejected> answers;
    for (const auto& [node, from] : *cursors) answers[node] = Answer(stores[node], from, 3);
    ingest::v1::ListRejectedResponse page = MergeRejected(3, 1 << 20, answers);
    EXPECT_EQ(page.total(), 14);
    EXPECT_LE(page.dead_letters_size(), 3);
    listed.insert(listed.end(), page.dead_letters().begin(), page.dead_letters().end());
    token = page.next_page_token();
    ASSERT_LT(++pages, 20) << "the pages do not end";
  } while (!token.empty());
  ASSERT_EQ(listed.size(), 14u);
  std::set<std::string> ids;
  for (size_t i = 0; i < listed.size(); ++i) {
    ids.insert(listed[i].event_id());
    if (i > 0) {
      EXPECT_LE(listed[i - 1].rejected_at().seconds(), listed[i].rejected_at().seconds()) << i;
    }
  }
  EXPECT_EQ(ids.size(), 14u);
}

TEST(DeadLetterMergeTest, APageEndsBeforeItsLettersExceedMaxBytesButHoldsOne) {
  std::map<uint32_t, NodeRejected> answers;
  std::vector<DeadLetter> store = Store(0, 4, 100, 1);
  for (DeadLetter& letter : store) letter.set_raw(std::string(100, 'x'));
  answers[0] = Answer(store, 1, 10);
  ingest::v1::ListRejectedResponse page = MergeRejected(10, 250, answers);
  EXPECT_EQ(page.dead_letters_size(), 2);
  EXPECT_EQ(page.next_page_token(), "0=3");
  EXPECT_EQ(MergeRejected(10, 1, answers).dead_letters_size(), 1);
}

TEST(DeadLetterMergeTest, APageStopsWhereANodeWithMoreHasGivenAllItGave) {
  // Node 0 gave two letters (at 101, 102) of more; node 1's letters are all later. Listing
  // node 1's first would skip node 0's third (at 103).
  std::map<uint32_t, NodeRejected> answers;
  answers[0] = Answer(Store(0, 5, 100, 1), 1, 2);
  answers[1] = Answer(Store(1, 2, 200, 1), 1, 2);
  ingest::v1::ListRejectedResponse page = MergeRejected(10, 1 << 20, answers);
  ASSERT_EQ(page.dead_letters_size(), 2);
  EXPECT_EQ(page.dead_letters(1).event_id(), "n0-2");
  EXPECT_EQ(page.next_page_token(), "0=3;1=1");
}

TEST(DeadLetterMergeTest, TokensOfOtherDeploymentsOrMalformedAreInvalidArgument) {
  const std::vector<uint32_t> keys = {0, 2};
  for (const std::string token : {"x", "0=1", "0=1;1=1", "0=1;2=0", "0=1;0=2;2=1", "0=a;2=1"}) {
    absl::StatusOr<RejectedCursors> cursors = ParseRejectedToken(token, keys);
    EXPECT_EQ(cursors.status().code(), absl::StatusCode::kInvalidArgument) << token;
    EXPECT_THAT(cursors.status().message(), ::testing::HasSubstr("page_token")) << token;
  }
  absl::StatusOr<RejectedCursors> ok = ParseRejectedToken("2=7;0=1", keys);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->at(2), 7u);
  EXPECT_EQ(NodePageToken(1), "");
  EXPECT_EQ(NodePageToken(7), "7");
}

}  // namespace
}  // namespace clientele::gateway::front
