#include "recommender/data/dataset_builder.h"

#include <cmath>

#include "absl/time/time.h"
#include "common/testing/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace clientele::recommender {
namespace {

using ::clientele::testing::IsOk;
using ::clientele::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

absl::Time Day(int d) { return absl::FromUnixSeconds(1'000'000'000) + absl::Hours(24 * d); }

// The value of (user, item) in `data`, or NaN.
float ValueOf(const Dataset& data, absl::string_view user, absl::string_view item) {
  auto u = data.FindUser(user);
  auto i = data.FindItem(item);
  if (!u || !i) return NAN;
  auto items = data.UserItems(*u);
  for (size_t n = 0; n < items.size(); ++n) {
    if (items[n] == *i) return data.UserValues(*u)[n];
  }
  return NAN;
}

TEST(ImplicitRatingBinTest, BinsFifthsOfTheUnitInterval) {
  EXPECT_EQ(ImplicitRatingBin(0.0), 1);
  EXPECT_EQ(ImplicitRatingBin(0.1999), 1);
  EXPECT_EQ(ImplicitRatingBin(0.2), 2);
  EXPECT_EQ(ImplicitRatingBin(0.5), 3);
  EXPECT_EQ(ImplicitRatingBin(0.79), 4);
  EXPECT_EQ(ImplicitRatingBin(0.8), 5);
  EXPECT_EQ(ImplicitRatingBin(1.0), 5);
  EXPECT_EQ(ImplicitRatingBin(-3), 1);
  EXPECT_EQ(ImplicitRatingBin(7), 5);
}

// Three pairs whose scaled features are worked out by hand (reference time = day 10):
//   A (u1, i1): t=2 q=3 r=15 p=5 d=0  -> every feature at the top            s = 1      -> 5
//   B (u2, i1): t=1 q=1 r=5  p=5 d=10 -> s_r = ln(6/5)/ln(16/5) = .15675,
//               s_p = 1 (p ties with A), rest 0     s = (3*.15675 + 3)/21 = .1653 -> 1
//   C (u3, i2): t=2 q=2 r=4  p=2 d=0  -> s_t = 1, s_d = 1, s_q = ln1.5/ln2 = .58496,
//               r and p at the bottom              s = (10 + 3 + 2*.58496)/21 = .6748 -> 4
//   D (u4, i2): bought then fully returned          -> no rating
void AddHandExample(DatasetBuilder* b) {
  ASSERT_THAT(b->AddOrderLine("u1", "o1", "i1", 2, 10, Day(0)), IsOk());
  ASSERT_THAT(b->AddOrderLine("u1", "o2", "i1", 1, 5, Day(10)), IsOk());
  ASSERT_THAT(b->AddOrderLine("u2", "o3", "i1", 1, 5, Day(0)), IsOk());
  ASSERT_THAT(b->AddOrderLine("u3", "o4", "i2", 1, 2, Day(3)), IsOk());
  ASSERT_THAT(b->AddOrderLine("u3", "o5", "i2", 1, 2, Day(10)), IsOk());
  ASSERT_THAT(b->AddOrderLine("u4", "o6", "i2", 1, 2, Day(5)), IsOk());
  ASSERT_THAT(b->AddOrderLine("u4", "o7", "i2", -1, -2, Day(6)), IsOk());
}

TEST(DatasetBuilderTest, ImplicitRatingsFollowTheDocumentedFormula) {
  DatasetBuilder builder;
  AddHandExample(&builder);
  absl::StatusOr<Dataset> data = builder.Build();
  ASSERT_THAT(data.status(), IsOk());
  EXPECT_EQ(ValueOf(*data, "u1", "i1"), 5);
  EXPECT_EQ(ValueOf(*data, "u2", "i1"), 1);
  EXPECT_EQ(ValueOf(*data, "u3", "i2"), 4);
  EXPECT_TRUE(std::isnan(ValueOf(*data, "u4", "i2")));  // Fully returned.
  EXPECT_EQ(data->num_interactions(), 3);
  EXPECT_EQ(data->num_users(), 4);  // u4 is known, with an empty row.
  EXPECT_TRUE(data->UserItems(*data->FindUser("u4")).empty());
}

TEST(DatasetBuilderTest, WeightsAreConfigurable) {
  DatasetBuilderOptions options;
  options.weights = {/*transactions=*/0, /*revenue=*/0, /*average_price=*/0, /*recency=*/0,
                     /*volume=*/1};
  DatasetBuilder builder(options);
  AddHandExample(&builder);
  absl::StatusOr<Dataset> data = builder.Build();
  ASSERT_THAT(data.status(), IsOk());
  EXPECT_EQ(ValueOf(*data, "u1", "i1"), 5);  // s_q = 1
  EXPECT_EQ(ValueOf(*data, "u2", "i1"), 1);  // s_q = 0
  EXPECT_EQ(ValueOf(*data, "u3", "i2"), 3);  // s_q = .585 -> floor(2.92) = 2 -> 3
}

TEST(DatasetBuilderTest, RecencyUsesTheReferenceTime) {
  DatasetBuilderOptions options;
  options.weights = {0, 0, 0, /*recency=*/1, 0};
  options.reference_time = Day(100);
  DatasetBuilder builder(options);
  ASSERT_THAT(builder.AddOrderLine("old", "o1", "i", 1, 1, Day(0)), IsOk());
  ASSERT_THAT(builder.AddOrderLine("new", "o2", "i", 1, 1, Day(99)), IsOk());
  absl::StatusOr<Dataset> data = builder.Build();
  ASSERT_THAT(data.status(), IsOk());
  EXPECT_EQ(ValueOf(*data, "old", "i"), 1);
  EXPECT_EQ(ValueOf(*data, "new", "i"), 5);
}

TEST(DatasetBuilderTest, ExplicitRatingsPassThroughLatestWins) {
  DatasetBuilder builder;
  ASSERT_THAT(builder.AddRating("u", "m1", 4, Day(1)), IsOk());
  ASSERT_THAT(builder.AddRating("u", "m1", 2, Day(3)), IsOk());
  ASSERT_THAT(builder.AddRating("u", "m1", 5, Day(2)), IsOk());              // Older: ignored.
  ASSERT_THAT(builder.AddOrderLine("u", "o", "m1", 9, 90, Day(4)), IsOk());  // Rating wins.
  ASSERT_THAT(builder.AddRating("v", "m2", 3.5, Day(0)), IsOk());
  absl::StatusOr<Dataset> data = builder.Build();
  ASSERT_THAT(data.status(), IsOk());
  EXPECT_EQ(ValueOf(*data, "u", "m1"), 2);
  EXPECT_EQ(ValueOf(*data, "v", "m2"), 3.5);
  EXPECT_EQ(data->UserTimes(*data->FindUser("u"))[0], absl::ToUnixSeconds(Day(4)));
}

TEST(DatasetBuilderTest, InteractionWeightsAddUpAndAddToOrderRatings) {
  DatasetBuilder builder;
  ASSERT_THAT(builder.AddInteraction("u", "a", 0.5, Day(0)), IsOk());
  ASSERT_THAT(builder.AddInteraction("u", "a", 1.5, Day(1)), IsOk());
  ASSERT_THAT(builder.AddOrderLine("u", "o", "b", 1, 1, Day(0)), IsOk());
  ASSERT_THAT(builder.AddInteraction("u", "b", 1, Day(2)), IsOk());
  absl::StatusOr<Dataset> data = builder.Build();
  ASSERT_THAT(data.status(), IsOk());
  EXPECT_EQ(ValueOf(*data, "u", "a"), 2.0);
  EXPECT_EQ(ValueOf(*data, "u", "b"), 5 + 1);  // One rated pair: every feature scales to 1.
}

TEST(DatasetBuilderTest, BuildsCsrWithMetadataAndIndexesInOrderOfAppearance) {
  DatasetBuilder builder;
  ASSERT_THAT(builder.SetItemMeta("z", {"Zed", "last letter", "letters"}), IsOk());
  ASSERT_THAT(builder.AddRating("u2", "b", 1, Day(0)), IsOk());
  ASSERT_THAT(builder.AddRating("u1", "a", 2, Day(1)), IsOk());
  ASSERT_THAT(builder.AddRating("u2", "a", 3, Day(2)), IsOk());
  absl::StatusOr<Dataset> data = builder.Build();
  ASSERT_THAT(data.status(), IsOk());
  EXPECT_EQ(data->num_items(), 3);
  EXPECT_EQ(data->item_id(0), "z");
  EXPECT_EQ(data->item_meta(0).name, "Zed");
  EXPECT_EQ(data->item_meta(0).category, "letters");
  EXPECT_EQ(data->user_id(0), "u2");
  // u2's row: items b (1) and a (2), increasing indexes.
  EXPECT_THAT(data->UserItems(0), ElementsAre(1, 2));
  EXPECT_THAT(data->UserValues(0), ElementsAre(1, 3));
  EXPECT_THAT(data->row_offsets(), ElementsAre(0, 2, 3));
  EXPECT_EQ(data->min_time(), absl::ToUnixSeconds(Day(0)));
  EXPECT_EQ(data->max_time(), absl::ToUnixSeconds(Day(2)));
}

TEST(DatasetBuilderTest, BadInputNamesTheField) {
  DatasetBuilder builder;
  EXPECT_THAT(builder.AddOrderLine("", "o", "i", 1, 1, Day(0)),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("user")));
  EXPECT_THAT(builder.AddOrderLine("u", "", "i", 1, 1, Day(0)),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("order_id")));
  EXPECT_THAT(builder.AddOrderLine("u", "o", "i", NAN, 1, Day(0)),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("quantity")));
  EXPECT_THAT(builder.AddOrderLine("u", "o", "i", 1, INFINITY, Day(0)),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("revenue")));
  EXPECT_THAT(builder.AddRating("u", "", 1, Day(0)),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("item")));
  EXPECT_THAT(builder.AddInteraction("u", "i", NAN, Day(0)),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("weight")));
  DatasetBuilderOptions options;
  options.weights = {0, 0, 0, 0, 0};
  DatasetBuilder zero(options);
  EXPECT_THAT(zero.Build().status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("weights")));
}

TEST(DatasetTest, FromTripletsRejectsDuplicatesAndOutOfRange) {
  IdIndex users, items;
  users.Add("u");
  items.Add("a");
  EXPECT_THAT(Dataset::FromTriplets(users, items, {}, {{0, 0, 1, 0}, {0, 0, 2, 0}}).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("duplicate")));
  EXPECT_THAT(Dataset::FromTriplets(users, items, {}, {{0, 1, 1, 0}}).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("out of range")));
  absl::StatusOr<Dataset> ok = Dataset::FromTriplets(users, items, {}, {{0, 0, 1, 7}});
  ASSERT_THAT(ok.status(), IsOk());
  EXPECT_EQ(ok->ToTriplets().size(), 1u);
  EXPECT_EQ(ok->ToTriplets()[0].time, 7);
}

}  // namespace
}  // namespace clientele::recommender
