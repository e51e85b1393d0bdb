// CandidateSearch: which records are scored for a person, and the ranking per profile.
#include "identity/resolution/candidate_search.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/identity/resolution/parts_test_util.h"

namespace clientele::identity {
namespace {

using testing::AddIndexed;
using testing::AddProfile;
using testing::PersonOf;
using testing::TestMatcher;

std::vector<uint32_t> RecordsOf(const std::vector<ScoredCandidate>& candidates) {
  std::vector<uint32_t> out;
  for (const ScoredCandidate& c : candidates) out.push_back(c.record);
  return out;
}

TEST(CandidateSearchTest, ReadsTheShortestListsFirstSkipsSelfAndDuplicatesAndScores) {
  RecordIndex index;
  TestMatcher matcher;
  // Five Yilmaz records, one of which also shares the e-mail.
  for (int i = 0; i < 4; ++i) {
    AddIndexed(index, matcher, PersonOf(absl::StrCat("s/", i), "", "", "", "yilmaz"));
  }
  const uint32_t same_email =
      AddIndexed(index, matcher, PersonOf("s/e", "x@e.com", "", "", "yilmaz"));
  const PersonRecord person = PersonOf("s/new", "x@e.com", "", "", "yilmaz");
  CandidateSearch search(&index, &matcher, 25);

  const std::vector<ScoredCandidate> found = search.Find(person, /*self=*/1);
  // The e-mail list (1 record) first, then the family list without it and without self.
  EXPECT_THAT(RecordsOf(found), ::testing::ElementsAre(same_email, 0u, 2u, 3u));
  EXPECT_EQ(found[0].score.weight, 15);  // E-mail and family name.
  EXPECT_EQ(found[0].score.decision, v1::MATCH_DECISION_LINK);
  EXPECT_EQ(found[1].score.weight, 5);  // Family name only.
  EXPECT_EQ(found[1].score.decision, v1::MATCH_DECISION_REVIEW);
}

TEST(CandidateSearchTest, CapsTheCandidatesAndSkipsListsLongerThanTheBlockSize) {
  RecordIndex index;
  TestMatcher matcher;
  for (int i = 0; i < 10; ++i) {
    AddIndexed(index, matcher, PersonOf(absl::StrCat("s/", i), "", "", "", "kaya"));
  }
  const PersonRecord person = PersonOf("s/new", "", "", "", "kaya");
  EXPECT_EQ(CandidateSearch(&index, &matcher, 3).Find(person, -1).size(), 3u);
  matcher.max_block_size_ = 9;  // The one list is too long now.
  EXPECT_TRUE(CandidateSearch(&index, &matcher, 3).Find(person, -1).empty());
}

TEST(CandidateSearchTest, DedupesWithStampsOrASetAboveTheScanLimit) {
  RecordIndex index;
  TestMatcher matcher;
  const uint32_t a = AddIndexed(index, matcher, PersonOf("s/a", "x@e.com", "+90", "", "ak"));
  const PersonRecord person = PersonOf("s/new", "x@e.com", "+90", "", "ak");
  CandidateSearch search(&index, &matcher, 100);  // Above 64: no scan of the candidates.
  for (bool dense : {false, true}) {
    CandidateScratch scratch;
    scratch.dense = dense;
    for (int round = 0; round < 2; ++round) {  // A second search forgets the first one's marks.
      search.Find(person, -1, matcher.BlockingKeys(person), scratch);
      EXPECT_THAT(RecordsOf(scratch.candidates), ::testing::ElementsAre(a)) << dense;
    }
  }
}

TEST(CandidateSearchTest, RankByProfileKeepsTheBestOfEachProfileBestFirst) {
  RecordIndex index;
  TestMatcher matcher;
  const uint32_t r0 = AddIndexed(index, matcher, PersonOf("s/0", "x@e.com"));
  const uint32_t r1 = AddIndexed(index, matcher, PersonOf("s/1", "x@e.com", "+90"));
  const uint32_t r2 = AddIndexed(index, matcher, PersonOf("s/2", "x@e.com"));
  const uint32_t r3 = AddIndexed(index, matcher, PersonOf("s/3", "x@e.com"));
  AddProfile(index, 4, {r0, r1});
  AddProfile(index, 2, {r2});
  AddProfile(index, 3, {r3});
  CandidateSearch search(&index, &matcher, 25);
  CandidateScratch scratch;
  const PersonRecord person = PersonOf("s/new", "x@e.com", "+90");
  search.Find(person, -1, matcher.BlockingKeys(person), scratch);
  search.RankByProfile(scratch);
  ASSERT_EQ(scratch.ranked.size(), 3u);
  EXPECT_EQ(scratch.ranked[0].first, 4u);  // r1 scores 20.
  EXPECT_EQ(scratch.ranked[0].second.record, r1);
  EXPECT_EQ(scratch.ranked[1].first, 2u);  // Equal weights: lower profile number first.
  EXPECT_EQ(scratch.ranked[2].first, 3u);
}

TEST(CandidateSearchTest, ScoreAheadScoresEachRecordInOrder) {
  RecordIndex index;
  TestMatcher matcher;
  for (int i = 0; i < 7; ++i) {
    AddIndexed(index, matcher, PersonOf(absl::StrCat("s/", i), i % 2 ? "x@e.com" : ""));
  }
  CandidateSearch search(&index, &matcher, 25);
  std::vector<double> weights(7, -1);
  search.ScoreAhead(
      PersonOf("s/new", "x@e.com"), 7, [](size_t i) { return static_cast<uint32_t>(6 - i); },
      [&](size_t i, const PairScore& s) { weights[i] = s.weight; });
  EXPECT_THAT(weights, ::testing::ElementsAre(0, 10, 0, 10, 0, 10, 0));
}

}  // namespace
}  // namespace clientele::identity
