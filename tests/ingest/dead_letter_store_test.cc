// DeadLetterStore over a real RocksDB.
#include "ingest/dead_letter_store.h"

#include <string>

#include "common/testing/status_matchers.h"
#include "common/testing/test_events.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/ingest/ingest_test_store.h"

namespace clientele::ingest {
namespace {

using ::clientele::testing::IsOk;
using ::clientele::testing::StatusIs;

v1::DeadLetter Letter(const std::string& event_id, const std::string& field = "email") {
  v1::DeadLetter letter;
  letter.set_event_id(event_id);
  letter.set_source_name("customers.csv");
  letter.set_row(7);
  letter.set_field(field);
  letter.set_code("invalid_format");
  letter.set_reason("not an e-mail address");
  return letter;
}

class DeadLetterStoreTest : public ::testing::Test {
 protected:
  DeadLetterStoreTest() { Open(); }
  void Open() {
    absl::StatusOr<DeadLetterStore> letters = DeadLetterStore::Open(store_.get());
    ASSERT_THAT(letters, IsOk());
    letters_ = std::make_unique<DeadLetterStore>(std::move(*letters));
  }
  // Adds `letters` in one written batch.
  void AddAll(const std::vector<v1::DeadLetter>& letters) {
    auto batch = store_.get()->NewWriteBatch();
    for (const v1::DeadLetter& l : letters) ASSERT_THAT(letters_->Add(l, *batch), IsOk());
    ASSERT_THAT(store_.get()->Write(*batch), IsOk());
    letters_->Commit();
  }
  v1::ListRejectedResponse ListAll() {
    absl::StatusOr<v1::ListRejectedResponse> page = letters_->List(1000, "");
    EXPECT_THAT(page, IsOk());
    return page.ok() ? *page : v1::ListRejectedResponse();
  }

  IngestTestStore store_;
  std::unique_ptr<DeadLetterStore> letters_;
};

TEST_F(DeadLetterStoreTest, LettersGetIdsInRejectionOrderAndListOldestFirst) {
  AddAll({Letter("e1"), Letter("e2"), Letter("e3")});
  EXPECT_EQ(letters_->last_id(), 3u);
  const v1::ListRejectedResponse all = ListAll();
  ASSERT_EQ(all.dead_letters_size(), 3);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(all.dead_letters(i).id(), static_cast<uint64_t>(i + 1));
    EXPECT_EQ(all.dead_letters(i).event_id(), "e" + std::to_string(i + 1));
  }
}

TEST_F(DeadLetterStoreTest, TheSameRejectionAgainCountsARepeatInsteadOfANewLetter) {
  AddAll({Letter("e1")});
  AddAll({Letter("e1"), Letter("e1")});  // A re-import of the same bad row, twice.
  EXPECT_EQ(letters_->last_id(), 1u);
  const v1::ListRejectedResponse all = ListAll();
  ASSERT_EQ(all.dead_letters_size(), 1);
  EXPECT_EQ(all.dead_letters(0).repeats(), 2);
  AddAll({Letter("e1", "phone")});  // Another field: another rejection.
  EXPECT_EQ(letters_->last_id(), 2u);
}

TEST_F(DeadLetterStoreTest, PagesFollowTheirTokens) {
  std::vector<v1::DeadLetter> letters;
  for (int i = 1; i <= 5; ++i) letters.push_back(Letter("e" + std::to_string(i)));
  AddAll(letters);
  absl::StatusOr<v1::ListRejectedResponse> first = letters_->List(2, "");
  ASSERT_THAT(first, IsOk());
  ASSERT_EQ(first->dead_letters_size(), 2);
  ASSERT_FALSE(first->next_page_token().empty());
  absl::StatusOr<v1::ListRejectedResponse> second = letters_->List(2, first->next_page_token());
  ASSERT_THAT(second, IsOk());
  ASSERT_EQ(second->dead_letters_size(), 2);
  EXPECT_EQ(second->dead_letters(0).id(), 3u);
  EXPECT_THAT(letters_->List(2, "not-a-number"),
              StatusIs(absl::StatusCode::kInvalidArgument, ::testing::HasSubstr("page_token")));
}

TEST_F(DeadLetterStoreTest, RollbackForgetsTheIdsOfAFailedWrite) {
  AddAll({Letter("e1")});
  const uint64_t before = letters_->last_id();
  auto batch = store_.get()->NewWriteBatch();
  ASSERT_THAT(letters_->Add(Letter("e2"), *batch), IsOk());
  EXPECT_EQ(letters_->last_id(), before + 1);
  letters_->Rollback(before);  // The batch was never written.
  EXPECT_EQ(letters_->last_id(), before);
  AddAll({Letter("e3")});
  EXPECT_EQ(ListAll().dead_letters(1).id(), 2u);
  EXPECT_EQ(ListAll().dead_letters(1).event_id(), "e3");
}

TEST_F(DeadLetterStoreTest, OpenRecoversTheLastIdAndKnownRejections) {
  AddAll({Letter("e1"), Letter("e2")});
  letters_.reset();
  store_.Reopen();
  Open();
  EXPECT_EQ(letters_->last_id(), 2u);
  AddAll({Letter("e2"), Letter("e9")});
  EXPECT_EQ(letters_->last_id(), 3u);
  EXPECT_EQ(ListAll().dead_letters(1).repeats(), 1);
}

TEST_F(DeadLetterStoreTest, ALargeEventIsKeptAsAnExcerpt) {
  v1::DeadLetter letter = Letter("big");
  *letter.mutable_event() = testing::OrderEvent("big", "o-1", "c-1", 200);
  ASSERT_GT(letter.event().ByteSizeLong(), kMaxDeadLetterEventBytes);
  AddAll({letter});
  const v1::DeadLetter stored = ListAll().dead_letters(0);
  EXPECT_TRUE(stored.excerpt());
  EXPECT_FALSE(stored.has_event());
  EXPECT_LE(stored.raw().size(), kMaxDeadLetterEventBytes);
}

}  // namespace
}  // namespace clientele::ingest
