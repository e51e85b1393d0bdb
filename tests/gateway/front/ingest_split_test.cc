#include "gateway/front/ingest_split.h"

#include <map>
#include <string>
#include <vector>

#include "common/log/partitioning.h"
#include "common/testing/test_events.h"
#include "gtest/gtest.h"

namespace clientele::gateway::front {
namespace {

using ::clientele::testing::CustomerEvent;
using ingest::v1::EventResult;
using ingest::v1::IngestRequest;
using ingest::v1::IngestResponse;

constexpr uint32_t kPartitions = 3;

IngestRequest RequestOf(int first, int count) {
  IngestRequest request;
  for (int i = first; i < first + count; ++i) {
    *request.add_events() = CustomerEvent("e" + std::to_string(i), "c" + std::to_string(i), "Name");
  }
  return request;
}

// What an ingest node answers for the events it was sent (indices across its stream),
// every event accepted with its result listed.
IngestResponse NodeAnswer(const std::vector<IngestRequest>& sent, uint32_t partition) {
  IngestResponse response;
  int64_t index = 0;
  for (const IngestRequest& part : sent) {
    for (const common::v1::Event& event : part.events()) {
      EventResult* result = response.add_results();
      result->set_index(index++);
      result->set_event_id(event.event_id());
      result->set_partition(partition);
      result->set_outcome(EventResult::OUTCOME_ACCEPTED);
    }
  }
  response.set_accepted(index);
  response.set_client_rejections_stored(sent.empty() ? 0 : sent[0].client_rejections_size());
  return response;
}

TEST(IngestSplitTest, EveryEventGoesToItsPartitionInRequestOrder) {
  IngestSplit split(kPartitions);
  const IngestRequest request = RequestOf(0, 60);
  const auto parts = split.Split(request);
  ASSERT_EQ(parts.size(), kPartitions) << "60 customers span every partition";
  int total = 0;
  uint32_t previous = 0;
  for (size_t i = 0; i < parts.size(); ++i) {
    const auto& [partition, part] = parts[i];
    if (i > 0) EXPECT_GT(partition, previous);
    previous = partition;
    int last_number = -1;
    for (const common::v1::Event& event : part.events()) {
      EXPECT_EQ(log::PartitionOf(event, kPartitions), partition) << event.event_id();
      const int number = std::stoi(event.event_id().substr(1));
      EXPECT_GT(number, last_number) << "kept in request order";
      last_number = number;
      ++total;
    }
  }
  EXPECT_EQ(total, 60);
  EXPECT_EQ(split.events(), 60);
}

TEST(IngestSplitTest, MergedResultsHaveTheCallersIndicesInOrder) {
  IngestSplit split(kPartitions);
  // Two messages of one stream: node indices run across both.
  std::map<uint32_t, std::vector<IngestRequest>> sent;
  for (const IngestRequest& request : {RequestOf(0, 25), RequestOf(25, 35)}) {
    for (auto& [partition, part] : split.Split(request)) sent[partition].push_back(part);
  }
  for (const auto& [partition, parts] : sent) {
    ASSERT_TRUE(split.AddResponse(partition, NodeAnswer(parts, partition)).ok());
  }
  const IngestResponse merged = split.Finish();
  ASSERT_EQ(merged.results_size(), 60);
  EXPECT_EQ(merged.accepted(), 60);
  for (int i = 0; i < 60; ++i) {
    EXPECT_EQ(merged.results(i).index(), i);
    EXPECT_EQ(merged.results(i).event_id(), "e" + std::to_string(i));
  }
}

TEST(IngestSplitTest, CountsAddUpAndOmittedResultsStayOmitted) {
  IngestSplit split(kPartitions);
  IngestRequest request = RequestOf(0, 30);
  request.set_omit_accepted_results(true);
  const auto parts = split.Split(request);
  for (const auto& [partition, part] : parts) {
    EXPECT_TRUE(part.omit_accepted_results());
    IngestResponse answer;
    answer.set_accepted(part.events_size() - 1);
    answer.set_rejected(1);
    EventResult* rejected = answer.add_results();  // Only the rejected one is listed.
    rejected->set_index(part.events_size() - 1);
    rejected->set_event_id(part.events(part.events_size() - 1).event_id());
    rejected->set_outcome(EventResult::OUTCOME_REJECTED);
    ASSERT_TRUE(split.AddResponse(partition, answer).ok());
  }
  const IngestResponse merged = split.Finish();
  EXPECT_EQ(merged.accepted() + merged.rejected(), 30);
  EXPECT_EQ(merged.rejected(), static_cast<int64_t>(parts.size()));
  ASSERT_EQ(merged.results_size(), static_cast<int>(parts.size()));
  for (const EventResult& result : merged.results()) {
    EXPECT_EQ("e" + std::to_string(result.index()), result.event_id());
  }
}

TEST(IngestSplitTest, ClientRejectionsGoWithPartitionZero) {
  IngestSplit split(kPartitions);
  IngestRequest request;
  request.add_client_rejections()->set_reason("bad row");
  const auto parts = split.Split(request);
  ASSERT_EQ(parts.size(), 1u);
  EXPECT_EQ(parts[0].first, 0u);
  EXPECT_EQ(parts[0].second.client_rejections_size(), 1);
  EXPECT_EQ(parts[0].second.events_size(), 0);
}

TEST(IngestSplitTest, AnIndexANodeWasNotSentIsAnError) {
  IngestSplit split(kPartitions);
  const auto parts = split.Split(RequestOf(0, 10));
  IngestResponse answer;
  answer.add_results()->set_index(1000);
  const absl::Status status = split.AddResponse(parts[0].first, answer);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(split.AddResponse(7, IngestResponse()).code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace clientele::gateway::front
