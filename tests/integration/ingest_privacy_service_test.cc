// IngestPrivacy and Subscribe on a real gRPC server over a sealed log: entries round-trip
// through Subscribe, erasure turns exactly the subject's entries `erased`, a log consumer
// skips those (its progress still reaches the end), suppression rejects new events, and a
// lifted suppression lets them in again.
#include <mutex>
#include <string>
#include <vector>

#include "clientele/privacy/v1/privacy.grpc.pb.h"
#include "common/log/log_consumer.h"
#include "common/testing/test_events.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "tests/integration/ingest_server_fixture.h"

namespace clientele::testing {
namespace {

namespace privacy_v1 = ::clientele::privacy::v1;
using ::google::protobuf::util::MessageDifferencer;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

common::v1::SourceKey Customer(const std::string& id) {
  common::v1::SourceKey key;
  key.set_system("web_shop");
  key.set_id(id);
  return key;
}

// Records the event ids it applies.
class IdApplier final : public log::LogApplier {
 public:
  absl::Status Apply(uint32_t, absl::Span<const ingest::v1::LogEntry* const> entries,
                     storage::WriteBatch&) override {
    std::lock_guard<std::mutex> l(mu_);
    for (const auto* e : entries) ids_.push_back(e->event().event_id());
    return absl::OkStatus();
  }
  std::vector<std::string> ids() {
    std::lock_guard<std::mutex> l(mu_);
    return ids_;
  }

 private:
  std::mutex mu_;
  std::vector<std::string> ids_;
};

class IngestPrivacyServiceTest : public ::testing::Test {
 protected:
  IngestPrivacyServiceTest()
      : server_(dir_.Sub("ingest"), {}, 0, dir_.Sub("ingest-keys")),
        stub_(server_.Stub()),
        privacy_(privacy_v1::IngestPrivacy::NewStub(server_.Channel())) {}

  grpc::Status Erase(const std::vector<std::string>& ids,
                     privacy_v1::EraseSubjectDataResponse* response) {
    grpc::ClientContext ctx;
    privacy_v1::EraseSubjectDataRequest req;
    req.set_request_id("privacy-1");
    privacy_v1::Subject* subject = req.add_subjects();
    for (const auto& id : ids) *subject->add_source_keys() = Customer(id);
    subject->add_profile_ids("P0000000001");
    return privacy_->EraseSubjectData(&ctx, req, response);
  }

  TempDir dir_;
  IngestServer server_;
  std::unique_ptr<ingest::v1::IngestService::Stub> stub_;
  std::unique_ptr<privacy_v1::IngestPrivacy::Stub> privacy_;
};

TEST_F(IngestPrivacyServiceTest, SealedEntriesRoundTripThroughSubscribe) {
  const std::vector<common::v1::Event> events = {
      CustomerEvent("a-1", "c1", "zeynep@example.org"), OrderEvent("a-2", "o1", "c1"),
      OrderEvent("g-1", "o2", ""), CustomerEvent("b-1", "c2")};
  EXPECT_EQ(Ingest(*stub_, events).accepted(), 4);
  const std::vector<ingest::v1::LogEntry> entries = ReadAll(*stub_);
  ASSERT_EQ(entries.size(), events.size());
  for (size_t i = 0; i < events.size(); ++i) {
    EXPECT_FALSE(entries[i].erased());
    EXPECT_TRUE(MessageDifferencer::Equals(entries[i].event(), events[i])) << i;
  }
  // The payload-type filter sees through sealing.
  EXPECT_EQ(ReadAll(*stub_, 0, 1, {common::v1::PAYLOAD_TYPE_ORDER}).size(), 2u);
}

TEST_F(IngestPrivacyServiceTest, ErasureTurnsExactlyTheSubjectsEntriesErasedAndConsumersSkipThem) {
  Ingest(*stub_, {CustomerEvent("a-1", "c1"), CustomerEvent("b-1", "c2"),
                  OrderEvent("a-2", "o1", "c1"), OrderEvent("b-2", "o2", "c2")});
  privacy_v1::EraseSubjectDataResponse erased;
  grpc::Status s = Erase({"c1"}, &erased);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(erased.keys_deleted(), 1);
  ASSERT_EQ(erased.last_sequences().size(), 1u);
  EXPECT_EQ(erased.last_sequences().at(0), 4u);

  const std::vector<ingest::v1::LogEntry> entries = ReadAll(*stub_);
  ASSERT_EQ(entries.size(), 4u);
  std::vector<bool> erased_flags;
  for (const auto& e : entries) erased_flags.push_back(e.erased());
  EXPECT_THAT(erased_flags, ElementsAre(true, false, true, false));
  EXPECT_FALSE(entries[0].event().has_customer_upsert());
  EXPECT_FALSE(entries[0].event().has_source());
  EXPECT_EQ(entries[0].event().event_id(), "a-1");
  EXPECT_EQ(entries[1].event().customer_upsert().email(), "ayse@example.com");

  // A consumer applies the others and still gets through the whole log.
  storage::RocksDbOptions db;
  db.path = dir_.Sub("consumer");
  db.column_families = {{"progress"}, {"state"}};
  auto store = std::move(storage::OpenRocksDbStore(db)).value();
  IdApplier applier;
  log::LogConsumerOptions options;
  options.name = "skipper";
  options.max_batch_events = 3;
  log::LogConsumer consumer(options, store.get(), &applier,
                            [&](uint32_t) { return server_.Channel(); });
  ASSERT_TRUE(consumer.Start().ok());
  ASSERT_TRUE(consumer.WaitForApplied(0, 4, absl::Now() + absl::Seconds(30)));
  consumer.Stop();
  EXPECT_THAT(applier.ids(), ElementsAre("b-1", "b-2"));

  // Idempotent.
  privacy_v1::EraseSubjectDataResponse again;
  ASSERT_TRUE(Erase({"c1"}, &again).ok());
  EXPECT_EQ(again.keys_deleted(), 0);
  EXPECT_EQ(again.last_sequences().at(0), 4u);
}

TEST_F(IngestPrivacyServiceTest, SuppressionRejectsNewEventsUntilItIsLifted) {
  Ingest(*stub_, {CustomerEvent("a-1", "c1")});
  privacy_v1::EraseSubjectDataResponse erased;
  ASSERT_TRUE(Erase({"c1"}, &erased).ok());

  ingest::v1::IngestResponse rejected =
      Ingest(*stub_, {CustomerEvent("a-2", "c1"), OrderEvent("a-3", "o3", "c1")});
  EXPECT_EQ(rejected.rejected(), 2);
  ASSERT_EQ(rejected.results_size(), 2);
  EXPECT_EQ(rejected.results(0).outcome(), ingest::v1::EventResult::OUTCOME_REJECTED);
  EXPECT_EQ(rejected.results(0).code(), "erased_subject");
  EXPECT_EQ(rejected.results(0).field(), "source");
  EXPECT_EQ(rejected.results(1).field(), "order.customer");

  {
    grpc::ClientContext ctx;
    privacy_v1::ListSuppressionsResponse listed;
    ASSERT_TRUE(privacy_->ListSuppressions(&ctx, {}, &listed).ok());
    ASSERT_EQ(listed.suppressions_size(), 1);
    EXPECT_EQ(listed.suppressions(0).request_id(), "privacy-1");
    EXPECT_EQ(listed.suppressions(0).hash().size(), 64u);  // Hex SHA-256, not the key.
    EXPECT_THAT(listed.DebugString(), ::testing::Not(HasSubstr("web_shop")));
  }
  {
    grpc::ClientContext ctx;
    privacy_v1::LiftSuppressionRequest req;
    *req.mutable_source_key() = Customer("c1");
    privacy_v1::LiftSuppressionResponse lifted;
    ASSERT_TRUE(privacy_->LiftSuppression(&ctx, req, &lifted).ok());
    EXPECT_TRUE(lifted.lifted());
  }
  EXPECT_EQ(Ingest(*stub_, {CustomerEvent("a-4", "c1")}).accepted(), 1);
  const std::vector<ingest::v1::LogEntry> entries = ReadAll(*stub_);
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_TRUE(entries[0].erased());
  EXPECT_FALSE(entries[1].erased());
}

TEST_F(IngestPrivacyServiceTest, ASourceKeyWithoutIdIsInvalidArgumentNamingTheField) {
  privacy_v1::EraseSubjectDataResponse response;
  grpc::ClientContext ctx;
  privacy_v1::EraseSubjectDataRequest req;
  req.add_subjects();
  privacy_v1::Subject* subject = req.add_subjects();
  subject->add_source_keys()->set_system("web_shop");
  grpc::Status s = privacy_->EraseSubjectData(&ctx, req, &response);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("subjects[1].source_keys[0].id"));

  grpc::ClientContext lift_ctx;
  privacy_v1::LiftSuppressionResponse lifted;
  s = privacy_->LiftSuppression(&lift_ctx, {}, &lifted);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("source_key.system"));
}

}  // namespace
}  // namespace clientele::testing
