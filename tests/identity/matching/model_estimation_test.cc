#include "identity/matching/model_estimation.h"

#include <random>
#include <vector>

#include "common/testing/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace clientele::identity {
namespace {

using ::clientele::testing::IsOk;
using ::clientele::testing::StatusIs;
using ::testing::HasSubstr;

// A known ground truth over five fields; the rest stay missing.
struct Truth {
  Field field;
  std::vector<double> m;
  std::vector<double> u;
};

const std::vector<Truth>& Fields() {
  static const auto* fields = new std::vector<Truth>{
      {Field::kGivenName, {0.60, 0.05, 0.15, 0.05, 0.15}, {0.004, 0.0001, 0.002, 0.01, 0.9839}},
      {Field::kFamilyName, {0.70, 0.02, 0.13, 0.05, 0.10}, {0.003, 0.0001, 0.001, 0.006, 0.9899}},
      {Field::kBirthDate, {0.90, 0.01, 0.03, 0.01, 0.05}, {0.0005, 0.0001, 0.004, 0.01, 0.9854}},
      {Field::kPostalCode, {0.75, 0.20, 0.05}, {0.002, 0.013, 0.985}},
      {Field::kSecondaryId, {0.85, 0.08, 0.02, 0.05}, {0.0001, 0.0002, 0.0003, 0.9994}},
  };
  return *fields;
}

ComparisonPattern Draw(bool match, std::mt19937_64& rng) {
  ComparisonPattern p;
  for (const Truth& t : Fields()) {
    const std::vector<double>& weights = match ? t.m : t.u;
    std::discrete_distribution<int> level(weights.begin(), weights.end());
    p.set_level(t.field, static_cast<uint8_t>(level(rng)));
  }
  return p;
}

TEST(MatchModelEstimatorTest, EmRecoversKnownParameters) {
  std::mt19937_64 rng(7);
  MatchModelEstimator estimator(DefaultMatchModelConfig());
  for (int i = 0; i < 400000; ++i) estimator.ObserveRandom(Draw(false, rng));
  constexpr double kPrior = 0.25;
  std::bernoulli_distribution is_match(kPrior);
  for (int i = 0; i < 40000; ++i) estimator.Observe(Draw(is_match(rng), rng));
  EstimationReport report;
  absl::StatusOr<MatchModel> model = estimator.Estimate(&report);
  ASSERT_THAT(model, IsOk());
  EXPECT_TRUE(report.converged);
  EXPECT_EQ(report.candidate_pairs, 40000);
  EXPECT_EQ(report.random_pairs, 400000);
  EXPECT_NEAR(report.prior, kPrior, 0.01);
  EXPECT_NEAR(model->config().prior, kPrior, 0.01);
  for (const Truth& t : Fields()) {
    const FieldParameters& p = model->config().fields[FieldIndex(t.field)];
    for (size_t l = 0; l < t.m.size(); ++l) {
      EXPECT_NEAR(p.m[l], t.m[l], 0.02) << FieldName(t.field) << " level " << l;
      // u from random pairs, within sampling noise (relative for the common levels).
      EXPECT_NEAR(p.u[l], t.u[l], std::max(0.0005, 0.1 * t.u[l])) << FieldName(t.field) << " " << l;
    }
  }
  // Fields never observed keep their starting values.
  EXPECT_EQ(model->config().fields[FieldIndex(Field::kEmail)].m[0],
            DefaultMatchModelConfig().fields[FieldIndex(Field::kEmail)].m[0]);
  // The estimated model separates: a typical match outweighs a typical non-match.
  ComparisonPattern match, non_match;
  for (const Truth& t : Fields()) {
    match.set_level(t.field, 0);
    non_match.set_level(t.field, static_cast<uint8_t>(t.m.size() - 1));
  }
  EXPECT_GT(model->PatternWeight(match), 30);
  EXPECT_LT(model->PatternWeight(non_match), -10);
}

TEST(MatchModelEstimatorTest, AFewMatchingCandidatesDoNotDriveThePriorToOne) {
  std::mt19937_64 rng(3);
  MatchModelEstimator estimator(DefaultMatchModelConfig());
  for (int i = 0; i < 5000; ++i) estimator.ObserveRandom(Draw(false, rng));
  ComparisonPattern all_exact;
  for (const Truth& t : Fields()) all_exact.set_level(t.field, 0);
  estimator.Observe(all_exact, 8);
  EstimationReport report;
  absl::StatusOr<MatchModel> model = estimator.Estimate(&report);
  ASSERT_THAT(model, IsOk());
  EXPECT_LT(report.prior, 0.5);
  EXPECT_GT(report.prior, 0.3);
  // So a pair agreeing on nothing but the region does not link.
  ComparisonPattern weak;
  weak.set_level(Field::kRegion, 0);
  EXPECT_NE(model->Decide(weak).decision, MatchDecision::kLink);
}

TEST(MatchModelEstimatorTest, NothingToEstimateFromIsFailedPrecondition) {
  MatchModelEstimator estimator;
  estimator.ObserveRandom(ComparisonPattern(), 10);
  EXPECT_THAT(estimator.Estimate(),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("candidate")));
}

TEST(MatchModelEstimatorTest, CountsAddUpAndKeepThresholds) {
  MatchModelConfig start = DefaultMatchModelConfig();
  start.link_probability = 0.97;
  MatchModelEstimator estimator(start);
  ComparisonPattern exact;
  exact.set_level(Field::kBirthDate, 0);
  estimator.Observe(exact, 5);
  estimator.Observe(ComparisonPattern(), 0);  // ignored
  estimator.Observe(ComparisonPattern(), 3);
  EXPECT_EQ(estimator.candidate_pairs(), 8);
  absl::StatusOr<MatchModel> model = estimator.Estimate();
  ASSERT_THAT(model, IsOk());
  EXPECT_EQ(model->config().link_probability, 0.97);
}

}  // namespace
}  // namespace clientele::identity
