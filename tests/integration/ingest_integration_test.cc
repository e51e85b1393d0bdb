// The ingest service end to end over real gRPC (127.0.0.1:0) and real RocksDB.
#include <set>
#include <thread>

#include "absl/strings/str_cat.h"
#include "common/log/partitioning.h"
#include "common/testing/poll.h"
#include "common/testing/test_events.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/integration/ingest_server_fixture.h"

namespace clientele::testing {
namespace {

using ::testing::HasSubstr;
using Outcome = ingest::v1::EventResult;

std::vector<common::v1::Event> MixedEvents(int n, const std::string& prefix = "e") {
  std::vector<common::v1::Event> events;
  for (int i = 0; i < n; ++i) {
    const std::string id = absl::StrCat(prefix, i);
    if (i % 3 == 0) {
      events.push_back(CustomerEvent(id, absl::StrCat("c", i)));
    } else {
      events.push_back(OrderEvent(id, absl::StrCat("o", i), i % 3 == 1 ? "c1" : ""));
    }
  }
  return events;
}

class IngestIntegrationTest : public ::testing::Test {
 protected:
  TempDir dir_;
};

TEST_F(IngestIntegrationTest, SubscribeReturnsEveryEventOnceInOrder) {
  IngestServer server(dir_.Sub("db"), {});
  auto stub = server.Stub();
  std::vector<common::v1::Event> all;
  for (int batch = 0; batch < 3; ++batch) {
    auto events = MixedEvents(20, absl::StrCat("b", batch, "-"));
    auto resp = Ingest(*stub, events);
    EXPECT_EQ(resp.accepted(), 20);
    ASSERT_EQ(resp.results_size(), 20);
    for (int i = 0; i < 20; ++i) {
      EXPECT_EQ(resp.results(i).outcome(), Outcome::OUTCOME_ACCEPTED);
      EXPECT_EQ(resp.results(i).sequence(), static_cast<uint64_t>(batch * 20 + i + 1));
    }
    all.insert(all.end(), events.begin(), events.end());
  }
  std::vector<ingest::v1::LogEntry> entries = ReadAll(*stub);
  ASSERT_EQ(entries.size(), all.size());
  for (size_t i = 0; i < entries.size(); ++i) {
    EXPECT_EQ(entries[i].sequence(), i + 1);
    EXPECT_EQ(entries[i].event().SerializeAsString(), all[i].SerializeAsString());
    EXPECT_GT(entries[i].ingested_at().seconds(), 0);
  }
  // From the middle.
  EXPECT_EQ(ReadAll(*stub, 0, 41).size(), 20u);
}

TEST_F(IngestIntegrationTest, SubscribeTailsLiveEvents) {
  IngestServer server(dir_.Sub("db"), {});
  auto stub = server.Stub();
  Ingest(*stub, MixedEvents(5, "old"));

  grpc::ClientContext ctx;
  ingest::v1::SubscribeRequest req;
  req.set_from_sequence(4);
  auto reader = stub->Subscribe(&ctx, req);
  std::vector<uint64_t> seen;
  std::thread tail([&] {
    ingest::v1::SubscribeResponse resp;
    while (seen.size() < 7 && reader->Read(&resp)) {
      for (const auto& e : resp.entries()) seen.push_back(e.sequence());
    }
  });
  Ingest(*stub, MixedEvents(5, "new"));
  tail.join();
  ctx.TryCancel();
  reader->Finish();
  EXPECT_EQ(seen, (std::vector<uint64_t>{4, 5, 6, 7, 8, 9, 10}));
}

TEST_F(IngestIntegrationTest, RetriedBatchIsAllDuplicates) {
  IngestServer server(dir_.Sub("db"), {});
  auto stub = server.Stub();
  auto events = MixedEvents(10);
  auto first = Ingest(*stub, events);
  auto retry = Ingest(*stub, events);
  EXPECT_EQ(retry.accepted(), 0);
  EXPECT_EQ(retry.duplicates(), 10);
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(retry.results(i).outcome(), Outcome::OUTCOME_DUPLICATE);
    EXPECT_EQ(retry.results(i).sequence(), first.results(i).sequence());
  }
  // A duplicate inside one batch is reported against the first copy.
  auto twice = Ingest(*stub, {CustomerEvent("x", "c1"), CustomerEvent("x", "c1")});
  EXPECT_EQ(twice.results(0).outcome(), Outcome::OUTCOME_ACCEPTED);
  EXPECT_EQ(twice.results(1).outcome(), Outcome::OUTCOME_DUPLICATE);
  EXPECT_EQ(twice.results(1).sequence(), twice.results(0).sequence());
  EXPECT_EQ(ReadAll(*stub).size(), 11u);
}

TEST_F(IngestIntegrationTest, IngestStreamAcceptsManyBatchesAndIndexesResultsAcrossThem) {
  IngestServer server(dir_.Sub("db"), {});
  auto stub = server.Stub();
  grpc::ClientContext ctx;
  ingest::v1::IngestResponse resp;
  auto writer = stub->IngestStream(&ctx, &resp);
  for (int b = 0; b < 4; ++b) {
    ingest::v1::IngestRequest req;
    req.set_omit_accepted_results(true);
    for (auto& e : MixedEvents(25, absl::StrCat("s", b, "-"))) *req.add_events() = e;
    if (b == 3) req.mutable_events(5)->clear_event_id();  // Index 80 overall.
    ASSERT_TRUE(writer->Write(req));
  }
  writer->WritesDone();
  ASSERT_TRUE(writer->Finish().ok());
  EXPECT_EQ(resp.accepted(), 99);
  EXPECT_EQ(resp.rejected(), 1);
  ASSERT_EQ(resp.results_size(), 1);
  EXPECT_EQ(resp.results(0).index(), 80);
  EXPECT_EQ(resp.results(0).field(), "event_id");
}

TEST_F(IngestIntegrationTest, BadInputGetsPreciseErrorsAndDeadLetters) {
  IngestServer server(dir_.Sub("db"), {});
  auto stub = server.Stub();
  struct Case {
    std::string name;
    std::function<void(common::v1::Event&)> mutate;
    std::string field;
    std::string code;
  };
  const std::vector<Case> cases = {
      {"no id", [](auto& e) { e.clear_event_id(); }, "event_id", "required"},
      {"long id", [](auto& e) { e.set_event_id(std::string(300, 'x')); }, "event_id", "too_long"},
      {"no time", [](auto& e) { e.clear_occurred_at(); }, "occurred_at", "required"},
      {"before 1970", [](auto& e) { e.mutable_occurred_at()->set_seconds(-5); }, "occurred_at",
       "out_of_range"},
      {"far future",
       [](auto& e) {
         e.mutable_occurred_at()->set_seconds(absl::ToUnixSeconds(absl::Now()) + 3 * 86400);
       },
       "occurred_at", "out_of_range"},
      {"zero quantity", [](auto& e) { e.mutable_order()->mutable_lines(0)->set_quantity(0); },
       "order.lines[0].quantity", "required"},
      {"huge quantity",
       [](auto& e) { e.mutable_order()->mutable_lines(0)->set_quantity(int64_t{1} << 40); },
       "order.lines[0].quantity", "out_of_range"},
      {"negative price",
       [](auto& e) {
         e.mutable_order()->mutable_lines(1)->mutable_unit_price()->set_minor_units(-1);
       },
       "order.lines[1].unit_price.minor_units", "out_of_range"},
      {"bad currency",
       [](auto& e) {
         e.mutable_order()->mutable_lines(0)->mutable_unit_price()->set_currency_code("XYZ");
       },
       "order.lines[0].unit_price.currency_code", "invalid_currency"},
      {"no payload", [](auto& e) { e.clear_order(); }, "payload", "required"},
      {"no sku", [](auto& e) { e.mutable_order()->mutable_lines(0)->clear_sku(); },
       "order.lines[0].sku", "required"},
  };
  std::vector<std::string> sent_ids;
  for (size_t i = 0; i < cases.size(); ++i) {
    common::v1::Event e = OrderEvent(absl::StrCat("bad", i), absl::StrCat("o", i), "c1");
    cases[i].mutate(e);
    sent_ids.push_back(e.event_id());
    auto resp = Ingest(*stub, {e});
    ASSERT_EQ(resp.results_size(), 1) << cases[i].name;
    EXPECT_EQ(resp.results(0).outcome(), Outcome::OUTCOME_REJECTED) << cases[i].name;
    EXPECT_EQ(resp.results(0).field(), cases[i].field) << cases[i].name;
    EXPECT_EQ(resp.results(0).code(), cases[i].code) << cases[i].name;
    EXPECT_THAT(resp.results(0).reason(), HasSubstr(cases[i].field)) << cases[i].name;
  }
  EXPECT_EQ(server.log().LastSequence(0), 0u);  // Nothing bad reached the log.

  // Every rejection is kept, with its field and reason, oldest first, over pages.
  std::vector<ingest::v1::DeadLetter> letters;
  ingest::v1::ListRejectedRequest req;
  req.set_page_size(5);
  do {
    grpc::ClientContext ctx;
    ingest::v1::ListRejectedResponse page;
    ASSERT_TRUE(stub->ListRejected(&ctx, req, &page).ok());
    EXPECT_EQ(page.total(), static_cast<int64_t>(cases.size()));
    for (auto& d : page.dead_letters()) letters.push_back(d);
    req.set_page_token(page.next_page_token());
  } while (!req.page_token().empty());
  ASSERT_EQ(letters.size(), cases.size());
  for (size_t i = 0; i < cases.size(); ++i) {
    EXPECT_EQ(letters[i].id(), i + 1);
    EXPECT_EQ(letters[i].field(), cases[i].field);
    EXPECT_EQ(letters[i].event().event_id(), sent_ids[i]);
  }

  // Bad page requests are INVALID_ARGUMENT naming the field.
  grpc::ClientContext ctx;
  ingest::v1::ListRejectedResponse page;
  req.set_page_size(5000);
  grpc::Status s = stub->ListRejected(&ctx, req, &page);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("page_size"));
}

TEST_F(IngestIntegrationTest, InvalidUtf8FailsTheWholeRequestAndStoresNothing) {
  // proto3 strings must be UTF-8: protobuf itself refuses to parse such a request, so the
  // call fails as a whole (importers check UTF-8 per row before sending; see docs/ingest.md).
  IngestServer server(dir_.Sub("db"), {});
  auto stub = server.Stub();
  common::v1::Event e = OrderEvent("u1", "o1", "c1");
  e.mutable_order()->mutable_lines(1)->set_description("\xc3\x28");
  grpc::ClientContext ctx;
  ingest::v1::IngestRequest req;
  *req.add_events() = e;
  *req.add_events() = OrderEvent("u2", "o2", "c1");
  ingest::v1::IngestResponse resp;
  grpc::Status s = stub->Ingest(&ctx, req, &resp);
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(server.log().LastSequence(0), 0u);
}

TEST_F(IngestIntegrationTest, ClientRejectionsBecomeDeadLettersWithTheirRow) {
  IngestServer server(dir_.Sub("db"), {});
  auto stub = server.Stub();
  grpc::ClientContext ctx;
  ingest::v1::IngestRequest req;
  auto* r = req.add_client_rejections();
  r->set_source_name("orders.csv");
  r->set_row(17);
  r->set_field("Quantity");
  r->set_reason("Quantity: 'abc' is not an integer");
  r->set_raw("536365,85123A,X,abc,2010-12-01 08:26:00,2.55,17850.0,United Kingdom");
  ingest::v1::IngestResponse resp;
  ASSERT_TRUE(stub->Ingest(&ctx, req, &resp).ok());
  EXPECT_EQ(resp.client_rejections_stored(), 1);
  grpc::ClientContext ctx2;
  ingest::v1::ListRejectedResponse page;
  ASSERT_TRUE(stub->ListRejected(&ctx2, {}, &page).ok());
  ASSERT_EQ(page.dead_letters_size(), 1);
  EXPECT_EQ(page.dead_letters(0).row(), 17);
  EXPECT_EQ(page.dead_letters(0).field(), "Quantity");
  EXPECT_EQ(page.dead_letters(0).source_name(), "orders.csv");
}

TEST_F(IngestIntegrationTest, PayloadFilterSkipsOtherTypesButAdvances) {
  IngestServer server(dir_.Sub("db"), {});
  auto stub = server.Stub();
  Ingest(*stub, MixedEvents(30));
  uint64_t through = 0;
  auto customers = ReadAll(*stub, 0, 1, {common::v1::PAYLOAD_TYPE_CUSTOMER_UPSERT}, &through);
  EXPECT_EQ(customers.size(), 10u);
  for (const auto& e : customers) EXPECT_TRUE(e.event().has_customer_upsert());
  EXPECT_EQ(through, 30u);
  // Nothing matches: progress still reaches the end.
  auto none = ReadAll(*stub, 0, 1, {common::v1::PAYLOAD_TYPE_INTERACTION}, &through);
  EXPECT_TRUE(none.empty());
  EXPECT_EQ(through, 30u);
}

TEST_F(IngestIntegrationTest, PartitionsRouteByCustomerKeyWithOwnSequences) {
  ingest::EventLogOptions options;
  options.partition_count = 4;
  IngestServer server(dir_.Sub("db"), options);
  auto stub = server.Stub();
  auto events = MixedEvents(40);
  auto resp = Ingest(*stub, events);
  ASSERT_EQ(resp.accepted(), 40);
  std::map<uint32_t, std::vector<uint64_t>> by_partition;
  for (int i = 0; i < 40; ++i) {
    const auto& r = resp.results(i);
    EXPECT_EQ(r.partition(), log::PartitionOf(events[i], 4));
    by_partition[r.partition()].push_back(r.sequence());
  }
  EXPECT_GE(by_partition.size(), 2u);
  size_t total = 0;
  for (const auto& [p, seqs] : by_partition) {
    for (size_t k = 0; k < seqs.size(); ++k) EXPECT_EQ(seqs[k], k + 1);  // Own gapless sequence.
    auto entries = ReadAll(*stub, p);
    EXPECT_EQ(entries.size(), seqs.size());
    for (const auto& e : entries) EXPECT_EQ(e.partition(), p);
    total += entries.size();
  }
  EXPECT_EQ(total, 40u);
  // All of one customer's events share a partition: orders of c1 and its upsert.
  const uint32_t c1 = log::PartitionOf(CustomerEvent("z", "c1"), 4);
  for (int i = 0; i < 40; ++i) {
    if (i % 3 == 1) EXPECT_EQ(resp.results(i).partition(), c1);
  }
}

TEST_F(IngestIntegrationTest, NodeRejectsEventsOfPartitionsItDoesNotOwn) {
  ingest::EventLogOptions options;
  options.partition_count = 2;
  options.owned_partitions = {0};
  IngestServer server(dir_.Sub("db"), options);
  auto stub = server.Stub();
  auto resp = Ingest(*stub, MixedEvents(20));
  int wrong = 0;
  for (const auto& r : resp.results()) {
    if (r.outcome() == Outcome::OUTCOME_REJECTED) {
      EXPECT_EQ(r.code(), "wrong_partition");
      ++wrong;
    }
  }
  EXPECT_GT(wrong, 0);
  EXPECT_EQ(resp.accepted() + wrong, 20);
  grpc::ClientContext ctx;
  ingest::v1::SubscribeRequest req;
  req.set_partition(1);
  auto reader = stub->Subscribe(&ctx, req);
  ingest::v1::SubscribeResponse r;
  EXPECT_FALSE(reader->Read(&r));
  EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(IngestIntegrationTest, LogSurvivesRestartAndContinuesSequences) {
  {
    IngestServer server(dir_.Sub("db"), {});
    Ingest(*server.Stub(), MixedEvents(10));
  }
  IngestServer server(dir_.Sub("db"), {});
  auto stub = server.Stub();
  auto resp = Ingest(*stub, MixedEvents(12));  // 10 duplicates, 2 new.
  EXPECT_EQ(resp.duplicates(), 10);
  EXPECT_EQ(resp.accepted(), 2);
  EXPECT_EQ(resp.results(11).sequence(), 12u);
  EXPECT_EQ(ReadAll(*stub).size(), 12u);
}

TEST_F(IngestIntegrationTest, GetLogInfoShowsPartitionsAndConsumerProgress) {
  IngestServer server(dir_.Sub("db"), {});
  auto stub = server.Stub();
  Ingest(*stub, MixedEvents(6));
  {
    grpc::ClientContext ctx;
    ingest::v1::CommitProgressRequest req;
    req.set_consumer("analytics");
    req.set_applied_sequence(4);
    ingest::v1::CommitProgressResponse resp;
    ASSERT_TRUE(stub->CommitProgress(&ctx, req, &resp).ok());
  }
  grpc::ClientContext ctx;
  ingest::v1::GetLogInfoResponse info;
  ASSERT_TRUE(stub->GetLogInfo(&ctx, {}, &info).ok());
  EXPECT_EQ(info.partition_count(), 1u);
  ASSERT_EQ(info.partitions_size(), 1);
  EXPECT_EQ(info.partitions(0).first_sequence(), 1u);
  EXPECT_EQ(info.partitions(0).last_sequence(), 6u);
  ASSERT_EQ(info.consumers_size(), 1);
  EXPECT_EQ(info.consumers(0).consumer(), "analytics");
  EXPECT_EQ(info.consumers(0).applied_sequence(), 4u);
}

TEST_F(IngestIntegrationTest, MetricsCountOutcomesByReason) {
  IngestServer server(dir_.Sub("db"), {});
  auto stub = server.Stub();
  auto events = MixedEvents(3);
  events.push_back(OrderEvent("", "o9", "c1"));
  Ingest(*stub, events);
  Ingest(*stub, events);
  const std::string text = server.metrics().RenderText();
  EXPECT_THAT(text, HasSubstr("clientele_ingest_events_accepted_total 3"));
  EXPECT_THAT(text, HasSubstr("clientele_ingest_events_duplicate_total 3"));
  EXPECT_THAT(text, HasSubstr("clientele_ingest_events_rejected_total{code=\"required\"} 2"));
}

}  // namespace
}  // namespace clientele::testing
