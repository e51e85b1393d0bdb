// Regression tests of issue 12, defects 6 and 7: dead letters keep a bounded excerpt, page by
// bytes and are stored once per distinct rejection; an event_id reused with another payload
// is a CONFLICT (not a silent duplicate); events of one file row are all-or-nothing.
// Real RocksDB and real gRPC on 127.0.0.1:0.
#include "absl/strings/str_cat.h"
#include "common/testing/test_events.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/integration/ingest_server_fixture.h"

namespace clientele::testing {
namespace {

using ::testing::HasSubstr;
using Outcome = ingest::v1::EventResult;

std::vector<ingest::v1::DeadLetter> AllDeadLetters(ingest::v1::IngestService::Stub& stub,
                                                   int max_bytes = 0, int* pages = nullptr) {
  std::vector<ingest::v1::DeadLetter> out;
  ingest::v1::ListRejectedRequest req;
  req.set_page_size(1000);
  req.set_max_bytes(max_bytes);
  int n = 0;
  do {
    grpc::ClientContext ctx;
    ingest::v1::ListRejectedResponse page;
    grpc::Status s = stub.ListRejected(&ctx, req, &page);
    EXPECT_TRUE(s.ok()) << s.error_message();
    if (!s.ok()) break;
    ++n;
    for (auto& d : *page.mutable_dead_letters()) out.push_back(std::move(d));
    req.set_page_token(page.next_page_token());
  } while (!req.page_token().empty());
  if (pages) *pages = n;
  return out;
}

class IngestConflictsTest : public ::testing::Test {
 protected:
  TempDir dir_;
};

TEST_F(IngestConflictsTest, TheSameEventIdWithAnotherPayloadIsAConflictNotADuplicate) {
  IngestServer server(dir_.path(), {});
  auto stub = server.Stub();
  ASSERT_EQ(Ingest(*stub, {CustomerEvent("e1", "c1", "a@example.com")}).accepted(), 1);

  ingest::v1::IngestResponse retry = Ingest(*stub, {CustomerEvent("e1", "c1", "a@example.com")});
  EXPECT_EQ(retry.duplicates(), 1);
  EXPECT_EQ(retry.conflicts(), 0);

  ingest::v1::IngestResponse changed = Ingest(*stub, {CustomerEvent("e1", "c1", "b@example.com")});
  EXPECT_EQ(changed.duplicates(), 0);
  EXPECT_EQ(changed.conflicts(), 1);
  ASSERT_EQ(changed.results_size(), 1);
  EXPECT_EQ(changed.results(0).outcome(), Outcome::OUTCOME_CONFLICT);
  EXPECT_EQ(changed.results(0).sequence(), 1u);
  EXPECT_EQ(changed.results(0).code(), "conflict");
  EXPECT_EQ(server.log().LastSequence(0), 1u);
  std::vector<ingest::v1::DeadLetter> letters = AllDeadLetters(*stub);
  ASSERT_EQ(letters.size(), 1u);
  EXPECT_EQ(letters[0].code(), "conflict");
  EXPECT_EQ(letters[0].event().customer_upsert().email(), "b@example.com");

  // Within one request too.
  ingest::v1::IngestResponse both = Ingest(*stub, {CustomerEvent("e2", "c2", "x@example.com"),
                                                   CustomerEvent("e2", "c2", "y@example.com"),
                                                   CustomerEvent("e2", "c2", "x@example.com")});
  EXPECT_EQ(both.accepted(), 1);
  EXPECT_EQ(both.conflicts(), 1);
  EXPECT_EQ(both.duplicates(), 1);
}

TEST_F(IngestConflictsTest, ARowIsAcceptedWholeOrNotAtAll) {
  IngestServer server(dir_.path(), {});
  auto stub = server.Stub();
  common::v1::Event customer = CustomerEvent("rowcust", "c9");
  customer.mutable_origin()->set_source_name("retail.csv");
  customer.mutable_origin()->set_row(10);
  common::v1::Event order = OrderEvent("roworder", "o9", "c9");
  order.mutable_origin()->set_source_name("retail.csv");
  order.mutable_origin()->set_row(10);
  order.mutable_order()->mutable_lines(0)->set_quantity(0);  // Invalid.
  common::v1::Event other = CustomerEvent("other", "c10");
  other.mutable_origin()->set_source_name("retail.csv");
  other.mutable_origin()->set_row(11);

  ingest::v1::IngestResponse resp = Ingest(*stub, {customer, order, other});
  EXPECT_EQ(resp.accepted(), 1);
  EXPECT_EQ(resp.rejected(), 2);
  ASSERT_GE(resp.results_size(), 2);
  EXPECT_EQ(resp.results(0).outcome(), Outcome::OUTCOME_REJECTED);
  EXPECT_EQ(resp.results(0).code(), "row_rejected");
  EXPECT_THAT(resp.results(0).reason(), HasSubstr("roworder"));
  EXPECT_EQ(resp.results(1).outcome(), Outcome::OUTCOME_REJECTED);
  EXPECT_EQ(server.log().LastSequence(0), 1u);
}

TEST_F(IngestConflictsTest, AHugeRejectedEventIsKeptAsABoundedExcerpt) {
  IngestServer server(dir_.path(), {});
  auto stub = server.Stub();
  for (int i = 0; i < 12; ++i) {
    common::v1::Event e = CustomerEvent(absl::StrCat("big", i), absl::StrCat("c", i));
    e.mutable_customer_upsert()->set_given_name(std::string(3 << 20, 'x'));  // 3 MB.
    grpc::ClientContext ctx;
    ingest::v1::IngestRequest req;
    *req.add_events() = e;
    ingest::v1::IngestResponse resp;
    ASSERT_TRUE(stub->Ingest(&ctx, req, &resp).ok());
    ASSERT_EQ(resp.rejected(), 1);
  }
  std::vector<ingest::v1::DeadLetter> letters = AllDeadLetters(*stub);
  ASSERT_EQ(letters.size(), 12u);
  for (const auto& d : letters) {
    EXPECT_FALSE(d.has_event());
    EXPECT_TRUE(d.excerpt());
    EXPECT_LE(d.raw().size(), 4096u);
    EXPECT_THAT(d.raw(), HasSubstr("\"eventId\""));
  }
}

TEST_F(IngestConflictsTest, DeadLettersPageByBytes) {
  IngestServer server(dir_.path(), {});
  auto stub = server.Stub();
  std::vector<common::v1::Event> bad;
  for (int i = 0; i < 40; ++i) {
    common::v1::Event e = CustomerEvent(absl::StrCat("bad", i), absl::StrCat("c", i));
    e.mutable_customer_upsert()->set_given_name(std::string(3000, 'y'));
    e.clear_source();  // Invalid: required.
    bad.push_back(e);
  }
  ASSERT_EQ(Ingest(*stub, bad).rejected(), 40);
  int pages = 0;
  std::vector<ingest::v1::DeadLetter> letters = AllDeadLetters(*stub, 10000, &pages);
  EXPECT_EQ(letters.size(), 40u);
  EXPECT_GE(pages, 12);  // ~3 KB each: at most 3 a page of 10,000 bytes.
  grpc::ClientContext ctx;
  ingest::v1::ListRejectedRequest req;
  req.set_max_bytes(64 << 20);
  ingest::v1::ListRejectedResponse page;
  grpc::Status s = stub->ListRejected(&ctx, req, &page);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("max_bytes"));
}

TEST_F(IngestConflictsTest, TheSameRejectionAgainIsCountedNotStoredAgain) {
  IngestServer server(dir_.path(), {});
  auto stub = server.Stub();
  common::v1::Event e = CustomerEvent("bad", "c1");
  e.clear_source();
  e.mutable_origin()->set_source_name("f.csv");
  e.mutable_origin()->set_row(7);
  grpc::ClientContext ctx;
  ingest::v1::IngestRequest req;
  *req.add_events() = e;
  ingest::v1::ClientRejection* c = req.add_client_rejections();
  c->set_source_name("f.csv");
  c->set_row(8);
  c->set_field("Quantity");
  c->set_reason("not a number");
  c->set_raw("x,y,z");
  ingest::v1::IngestResponse resp;
  ASSERT_TRUE(stub->Ingest(&ctx, req, &resp).ok());
  for (int again = 0; again < 3; ++again) {
    grpc::ClientContext retry;
    ASSERT_TRUE(stub->Ingest(&retry, req, &resp).ok());
  }
  std::vector<ingest::v1::DeadLetter> letters = AllDeadLetters(*stub);
  ASSERT_EQ(letters.size(), 2u);
  EXPECT_EQ(letters[0].repeats(), 3);
  EXPECT_EQ(letters[1].repeats(), 3);
}

}  // namespace
}  // namespace clientele::testing
