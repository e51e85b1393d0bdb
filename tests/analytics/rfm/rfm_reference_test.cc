#include "analytics/rfm/rfm_reference.h"

#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "analytics/clustering/random.h"
#include "common/testing/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace clientele::analytics {
namespace {

using ::clientele::testing::IsOk;
using ::clientele::testing::StatusIs;
using ::testing::HasSubstr;

const absl::Time kRef = absl::FromCivil(absl::CivilDay(2011, 12, 10), absl::UTCTimeZone());

std::vector<CustomerAggregate> Population(int n, uint64_t seed) {
  ClusteringRng rng(seed);
  std::vector<CustomerAggregate> out;
  for (int i = 0; i < n; ++i) {
    CustomerAggregate c;
    c.key = "k" + std::to_string(100000 + i);
    c.last_purchase = kRef - absl::Hours(24 * static_cast<int64_t>(rng.Below(40)) + 3);
    c.first_purchase = c.last_purchase - absl::Hours(24 * 30);
    c.frequency = 1 + static_cast<int64_t>(rng.Below(6));
    c.monetary = static_cast<double>(rng.Below(50)) * 10.0;  // Many ties.
    out.push_back(c);
  }
  return out;
}

// The defining property: a new customer scores what ScoreRfm gives it when appended to the
// population with a key after every other (so it ranks after equal values).
TEST(RfmReferenceTest, EqualsScoringTheAppendedCustomer) {
  for (int n : {1, 2, 4, 7, 16, 99, 1000}) {
    std::vector<CustomerAggregate> population = Population(n, 7 + n);
    absl::StatusOr<RfmReference> ref = RfmReference::Build(population, kRef);
    ASSERT_THAT(ref, IsOk());
    std::vector<CustomerAggregate> probes = Population(25, 1000 + n);
    for (CustomerAggregate probe : probes) {
      probe.key = "zzz";
      std::vector<CustomerAggregate> all = population;
      all.push_back(probe);
      const RfmScore expected = ScoreRfm(all, kRef).back();
      const RfmScore got = ref->Score(probe);
      EXPECT_EQ(got.cell, expected.cell)
          << "n=" << n << " f=" << probe.frequency << " m=" << probe.monetary;
      EXPECT_EQ(got.segment, expected.segment);
      EXPECT_EQ(got.recency_days, expected.recency_days);
    }
  }
}

TEST(RfmReferenceTest, ExtremesGetExtremeScores) {
  absl::StatusOr<RfmReference> ref = RfmReference::Build(Population(500, 3), kRef);
  ASSERT_THAT(ref, IsOk());
  CustomerAggregate best;
  best.last_purchase = kRef;
  best.frequency = 1000;
  best.monetary = 1e9;
  EXPECT_EQ(ref->Score(best).cell, "555");
  EXPECT_EQ(ref->Score(best).segment, kChampions);
  CustomerAggregate worst;
  worst.last_purchase = kRef - absl::Hours(24 * 3000);
  worst.frequency = 0;
  worst.monetary = -5;
  EXPECT_EQ(ref->Score(worst).cell, "111");
}

TEST(RfmReferenceTest, EncodeDecodeScoresIdentically) {
  absl::StatusOr<RfmReference> ref = RfmReference::Build(Population(300, 5), kRef);
  ASSERT_THAT(ref, IsOk());
  absl::StatusOr<RfmReference> back = RfmReference::Decode(ref->Encode());
  ASSERT_THAT(back, IsOk());
  EXPECT_EQ(back->reference_date(), kRef);
  EXPECT_EQ(back->population(), 300);
  for (const CustomerAggregate& c : Population(50, 9)) {
    EXPECT_EQ(back->Score(c).cell, ref->Score(c).cell);
  }
  const std::string bytes = ref->Encode();
  EXPECT_THAT(RfmReference::Decode(bytes.substr(0, 10)),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("RfmReference")));
  EXPECT_THAT(RfmReference::Decode("\x07" + bytes.substr(1)),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("version")));
}

TEST(RfmReferenceTest, BadInput) {
  EXPECT_THAT(RfmReference::Build({}, kRef),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("no customers")));
  std::vector<CustomerAggregate> p = Population(3, 1);
  p[1].monetary = std::nan("");
  EXPECT_THAT(RfmReference::Build(p, kRef),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("NaN")));
}

TEST(QcutQuintileTest, MatchesScoreRfmBins) {
  EXPECT_EQ(QcutQuintile(1, 1), 1);
  // n = 7: 1,1,2,3,4,5,5.
  const int expected[] = {1, 1, 2, 3, 4, 5, 5};
  for (int p = 1; p <= 7; ++p) EXPECT_EQ(QcutQuintile(p, 7), expected[p - 1]) << p;
}

}  // namespace
}  // namespace clientele::analytics
