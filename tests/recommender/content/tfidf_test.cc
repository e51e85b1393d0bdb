#include "recommender/content/tfidf.h"

#include <cmath>
#include <string>
#include <vector>

#include "common/testing/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace clientele::recommender {
namespace {

using ::clientele::testing::IsOk;
using ::clientele::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::FloatNear;
using ::testing::HasSubstr;

const std::vector<std::string> kDocs = {"red apple", "green apple", "RED car"};

TEST(TfidfTest, HandCheckedVocabularyIdfAndVectors) {
  absl::StatusOr<TfidfModel> model = TfidfModel::Fit(kDocs, {});
  ASSERT_THAT(model, IsOk());
  EXPECT_THAT(model->terms(), ElementsAre("apple", "car", "green", "red"));
  // idf = ln((1 + 3) / (1 + df)) + 1: df 2 -> 1.287682, df 1 -> 1.693147 (sklearn's values).
  EXPECT_THAT(model->idf(0), FloatNear(1.287682f, 1e-6f));
  EXPECT_THAT(model->idf(1), FloatNear(1.693147f, 1e-6f));
  // "red car": (1.287682, 1.693147) / 2.127229.
  SparseVector v = model->Transform("red car");
  EXPECT_THAT(v.indices, ElementsAre(1, 3));
  EXPECT_THAT(v.values, ElementsAre(FloatNear(0.795961f, 1e-5f), FloatNear(0.605341f, 1e-5f)));
  // "red apple": equal weights 1 / sqrt(2); unknown words are ignored.
  v = model->Transform("red apple pie");
  EXPECT_THAT(v.indices, ElementsAre(0, 3));
  EXPECT_THAT(v.values, ElementsAre(FloatNear(0.707107f, 1e-6f), FloatNear(0.707107f, 1e-6f)));
  EXPECT_THAT(Dot(model->Transform("red apple"), model->Transform("red car")),
              FloatNear(0.707107f * 0.605341f, 1e-5f));
  EXPECT_TRUE(model->Transform("nothing known").indices.empty());
  EXPECT_EQ(model->TermIndex("green"), 2);
  EXPECT_EQ(model->TermIndex("blue"), std::nullopt);
}

TEST(TfidfTest, TermFrequencyAndSublinearTf) {
  absl::StatusOr<TfidfModel> model = TfidfModel::Fit(kDocs, {});
  ASSERT_THAT(model, IsOk());
  // "car car red": (2 * 1.693147, 1.287682) normalized.
  SparseVector v = model->Transform("car car red");
  const double a = 2 * 1.693147, b = 1.287682, n = std::sqrt(a * a + b * b);
  EXPECT_THAT(v.values, ElementsAre(FloatNear(a / n, 1e-5), FloatNear(b / n, 1e-5)));
  TfidfOptions sublinear;
  sublinear.sublinear_tf = true;
  model = TfidfModel::Fit(kDocs, sublinear);
  ASSERT_THAT(model, IsOk());
  v = model->Transform("car car red");
  const double c = (1 + std::log(2.0)) * 1.693147, m = std::sqrt(c * c + b * b);
  EXPECT_THAT(v.values, ElementsAre(FloatNear(c / m, 1e-5), FloatNear(b / m, 1e-5)));
}

TEST(TfidfTest, DocumentFrequencyLimitsAndMaxFeatures) {
  TfidfOptions options;
  options.min_df = 2;
  absl::StatusOr<TfidfModel> model = TfidfModel::Fit(kDocs, options);
  ASSERT_THAT(model, IsOk());
  EXPECT_THAT(model->terms(), ElementsAre("apple", "red"));
  options = {};
  options.max_df_fraction = 0.5;  // drops terms in more than 1.5 of 3 documents
  model = TfidfModel::Fit(kDocs, options);
  ASSERT_THAT(model, IsOk());
  EXPECT_THAT(model->terms(), ElementsAre("car", "green"));
  options = {};
  options.max_features = 3;  // most frequent first; ties by term: apple 2, red 2, car 1
  model = TfidfModel::Fit(kDocs, options);
  ASSERT_THAT(model, IsOk());
  EXPECT_THAT(model->terms(), ElementsAre("apple", "car", "red"));
}

TEST(TfidfTest, BadOptionsNameTheField) {
  TfidfOptions options;
  options.min_df = 0;
  EXPECT_THAT(TfidfModel::Fit(kDocs, options),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("min_df")));
  options = {};
  options.max_df_fraction = 0;
  EXPECT_THAT(TfidfModel::Fit(kDocs, options),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("max_df_fraction")));
  options = {};
  options.max_features = -1;
  EXPECT_THAT(TfidfModel::Fit(kDocs, options),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("max_features")));
}

TEST(TfidfTest, SerializeRoundTripsAndRejectsDamage) {
  TfidfOptions options;
  options.sublinear_tf = true;
  absl::StatusOr<TfidfModel> model = TfidfModel::Fit(kDocs, options);
  ASSERT_THAT(model, IsOk());
  const std::string bytes = model->Serialize();
  absl::StatusOr<TfidfModel> back = TfidfModel::Deserialize(bytes);
  ASSERT_THAT(back, IsOk());
  EXPECT_EQ(back->terms(), model->terms());
  EXPECT_TRUE(back->options().sublinear_tf);
  EXPECT_EQ(back->Transform("car car red").values, model->Transform("car car red").values);
  for (size_t cut = 0; cut < bytes.size(); ++cut) {
    EXPECT_THAT(TfidfModel::Deserialize(bytes.substr(0, cut)),
                StatusIs(absl::StatusCode::kDataLoss, ::testing::_))
        << "cut at " << cut;
  }
}

}  // namespace
}  // namespace clientele::recommender
