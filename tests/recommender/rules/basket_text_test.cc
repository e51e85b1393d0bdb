#include "recommender/rules/basket_text.h"

#include "common/testing/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace clientele::recommender {
namespace {

using ::clientele::testing::IsOk;
using ::clientele::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(BasketTextTest, KeepsItemNamesByteForByteIncludingTrailingSpaces) {
  absl::StatusOr<BasketText> data =
      ParseBasketText("cream cheese ,whole milk\ncream cheese,rolls/buns\nwhole milk\n");
  ASSERT_THAT(data, IsOk());
  EXPECT_THAT(data->item_names,
              ElementsAre("cream cheese ", "whole milk", "cream cheese", "rolls/buns"));
  ASSERT_EQ(data->transactions.size(), 3);
  EXPECT_THAT(data->transactions[0], ElementsAre(0, 1));
  EXPECT_THAT(data->transactions[1], ElementsAre(2, 3));
  EXPECT_THAT(data->transactions[2], ElementsAre(1));
}

TEST(BasketTextTest, CrlfBlankLinesRepeatsAndNoFinalNewline) {
  absl::StatusOr<BasketText> data = ParseBasketText("a,b,a\r\n\r\n\nb\r\nc");
  ASSERT_THAT(data, IsOk());
  EXPECT_THAT(data->item_names, ElementsAre("a", "b", "c"));
  ASSERT_EQ(data->transactions.size(), 3);
  EXPECT_THAT(data->transactions[0], ElementsAre(0, 1));
  EXPECT_THAT(data->transactions[2], ElementsAre(2));
}

TEST(BasketTextTest, EmptyItemOrInvalidUtf8NamesTheLine) {
  EXPECT_THAT(ParseBasketText("a,b\na,,b\n"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("line 2: empty item")));
  EXPECT_THAT(ParseBasketText("a\n\nb,\n"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("line 3: empty item")));
  EXPECT_THAT(ParseBasketText("ok\n\xff\xfe\n"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("line 2: invalid UTF-8")));
}

}  // namespace
}  // namespace clientele::recommender
