#include "analytics/rfm/rfm.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/testing/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace clientele::analytics {
namespace {

using ::clientele::testing::IsOk;
using ::clientele::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

const absl::Time kRef = absl::FromCivil(absl::CivilDay(2011, 12, 10), absl::UTCTimeZone());

CustomerAggregate Customer(std::string key, absl::Duration before_ref, int64_t frequency,
                           double monetary) {
  CustomerAggregate c;
  c.key = std::move(key);
  c.last_purchase = kRef - before_ref;
  c.first_purchase = c.last_purchase - absl::Hours(24 * 100);
  c.frequency = frequency;
  c.monetary = monetary;
  return c;
}

std::vector<int> Rs(const std::vector<RfmScore>& s) {
  std::vector<int> out;
  for (const RfmScore& x : s) out.push_back(x.r);
  return out;
}
std::vector<int> Fs(const std::vector<RfmScore>& s) {
  std::vector<int> out;
  for (const RfmScore& x : s) out.push_back(x.f);
  return out;
}
std::vector<int> Ms(const std::vector<RfmScore>& s) {
  std::vector<int> out;
  for (const RfmScore& x : s) out.push_back(x.m);
  return out;
}

TEST(ScoreRfmTest, EmptyInputGivesEmptyOutput) { EXPECT_TRUE(ScoreRfm({}, kRef).empty()); }

TEST(ScoreRfmTest, RecencyDaysAreFlooredWholeDays) {
  const std::vector<CustomerAggregate> customers = {
      Customer("a", absl::Hours(23), 1, 1),       // 0.96 days -> 0
      Customer("b", absl::Hours(25), 1, 1),       // 1.04 days -> 1
      Customer("c", absl::Hours(24 * 10), 1, 1),  // exactly 10 days -> 10
      Customer("d", absl::Hours(-1), 1, 1),       // after the reference -> -1 (floor)
      Customer("e", absl::Hours(-25), 1, 1),      // -1.04 days -> -2
      Customer("f", absl::Hours(24 * 373) + absl::Seconds(1), 1, 1),  // -> 373
  };
  const std::vector<RfmScore> s = ScoreRfm(customers, kRef);
  std::vector<int64_t> days;
  for (const RfmScore& x : s) days.push_back(x.recency_days);
  EXPECT_THAT(days, ElementsAre(0, 1, 10, -1, -2, 373));
}

TEST(ScoreRfmTest, TenDistinctValuesGiveTwoPerQuintile) {
  std::vector<CustomerAggregate> customers;
  for (int i = 0; i < 10; ++i) {
    // Customer i: recency i days, i+1 invoices, 10*(i+1) spent. Keys deliberately unordered.
    customers.push_back(Customer(std::string(1, static_cast<char>('j' - i)), absl::Hours(24 * i),
                                 i + 1, 10.0 * (i + 1)));
  }
  const std::vector<RfmScore> s = ScoreRfm(customers, kRef);
  EXPECT_THAT(Rs(s), ElementsAre(5, 5, 4, 4, 3, 3, 2, 2, 1, 1));  // lower recency -> 5
  EXPECT_THAT(Fs(s), ElementsAre(1, 1, 2, 2, 3, 3, 4, 4, 5, 5));  // higher frequency -> 5
  EXPECT_THAT(Ms(s), ElementsAre(1, 1, 2, 2, 3, 3, 4, 4, 5, 5));
  EXPECT_EQ(s[0].cell, "511");
  EXPECT_EQ(s[9].cell, "155");
  EXPECT_EQ(s[4].cell, "333");
}

TEST(ScoreRfmTest, TiesAreBrokenByKeyNotInputOrder) {
  // All five have one invoice, the same spend and the same recency; keys in reverse order.
  const std::vector<CustomerAggregate> customers = {
      Customer("e", absl::Hours(48), 1, 5.0), Customer("d", absl::Hours(48), 1, 5.0),
      Customer("c", absl::Hours(48), 1, 5.0), Customer("b", absl::Hours(48), 1, 5.0),
      Customer("a", absl::Hours(48), 1, 5.0),
  };
  const std::vector<RfmScore> s = ScoreRfm(customers, kRef);
  // Ascending positions by key: a=0 ... e=4, so quintile a=1 ... e=5.
  EXPECT_THAT(Fs(s), ElementsAre(5, 4, 3, 2, 1));
  EXPECT_THAT(Ms(s), ElementsAre(5, 4, 3, 2, 1));
  // Recency is reversed (r = 6 - quintile): among equal recency the smaller key scores higher.
  EXPECT_THAT(Rs(s), ElementsAre(1, 2, 3, 4, 5));
}

TEST(ScoreRfmTest, TiesOnlyMatterWithinEqualValues) {
  // frequency: 3, 1, 1, 2 with keys z, y, x, w. Sorted: (1,x) (1,y) (2,w) (3,z).
  const std::vector<CustomerAggregate> customers = {
      Customer("z", absl::Hours(0), 3, 1), Customer("y", absl::Hours(0), 1, 1),
      Customer("x", absl::Hours(0), 1, 1), Customer("w", absl::Hours(0), 2, 1),
      Customer("v", absl::Hours(0), 9, 1),
  };
  // Sorted: (1,x)=0 (1,y)=1 (2,w)=2 (3,z)=3 (9,v)=4 -> quintiles x1 y2 w3 z4 v5.
  EXPECT_THAT(Fs(ScoreRfm(customers, kRef)), ElementsAre(4, 2, 1, 3, 5));
}

TEST(ScoreRfmTest, ResultDoesNotDependOnInputOrder) {
  std::vector<CustomerAggregate> customers;
  for (int i = 0; i < 23; ++i) {
    customers.push_back(Customer("k" + std::to_string(100 + i), absl::Hours(24 * (i % 4)), i % 3,
                                 static_cast<double>(i % 5)));
  }
  const std::vector<RfmScore> forward = ScoreRfm(customers, kRef);
  std::vector<CustomerAggregate> reversed(customers.rbegin(), customers.rend());
  const std::vector<RfmScore> backward = ScoreRfm(reversed, kRef);
  for (size_t i = 0; i < customers.size(); ++i) {
    const RfmScore& b = backward[customers.size() - 1 - i];
    EXPECT_EQ(forward[i].cell, b.cell) << customers[i].key;
    EXPECT_EQ(forward[i].segment, b.segment) << customers[i].key;
  }
}

std::vector<int> MonetaryQuintiles(int n) {
  std::vector<CustomerAggregate> customers;
  for (int i = 0; i < n; ++i) {
    customers.push_back(Customer(std::to_string(100 + i), absl::Hours(0), 1, 100.0 + i));
  }
  return Ms(ScoreRfm(customers, kRef));
}

// Expected values worked out by hand from qcut's edges 1 + (n - 1) * j / 5 and right-closed bins
// (and equal to pd.qcut(pd.Series(range(1, n + 1)), 5, labels=False) + 1).
TEST(ScoreRfmTest, SmallCountsMatchPandasQcut) {
  // n = 2: edges 1, 1.2, 1.4, 1.6, 1.8, 2 -> rank 2 is in (1.8, 2].
  EXPECT_THAT(MonetaryQuintiles(2), ElementsAre(1, 5));
  // n = 3: edges 1, 1.4, 1.8, 2.2, 2.6, 3.
  EXPECT_THAT(MonetaryQuintiles(3), ElementsAre(1, 3, 5));
  // n = 4: edges 1, 1.6, 2.2, 2.8, 3.4, 4.
  EXPECT_THAT(MonetaryQuintiles(4), ElementsAre(1, 2, 4, 5));
  // n = 6: edges 1, 2, 3, 4, 5, 6: rank 2 sits on edge 1 and stays in bin 1.
  EXPECT_THAT(MonetaryQuintiles(6), ElementsAre(1, 1, 2, 3, 4, 5));
  // n = 7: edges 1, 2.2, 3.4, 4.6, 5.8, 7 (the old floor(i * 5 / n) gave 1,1,2,3,3,4,5).
  EXPECT_THAT(MonetaryQuintiles(7), ElementsAre(1, 1, 2, 3, 4, 5, 5));
  // n = 8: edges 1, 2.4, 3.8, 5.2, 6.6, 8.
  EXPECT_THAT(MonetaryQuintiles(8), ElementsAre(1, 1, 2, 3, 3, 4, 5, 5));
  // n = 11: edges 1, 3, 5, 7, 9, 11 (integers: each edge rank closes its bin).
  EXPECT_THAT(MonetaryQuintiles(11), ElementsAre(1, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5));
  // n = 12: edges 1, 3.2, 5.4, 7.6, 9.8, 12.
  EXPECT_THAT(MonetaryQuintiles(12), ElementsAre(1, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 5));
}

// In exact arithmetic position p (1-based) is in bin max(1, ceil(5 (p - 1) / (n - 1))): the first
// j with 1 + (n - 1) j / 5 >= p. The double edges must never move a position across an integer.
TEST(ScoreRfmTest, BinsEqualExactRationalEdges) {
  for (int n : {2, 5, 9, 16, 99, 1000, 4338, 10007}) {
    const std::vector<int> got = MonetaryQuintiles(n);
    for (int p = 1; p <= n; ++p) {
      const int64_t num = 5 * int64_t{p - 1};
      const int64_t expected = std::max<int64_t>(1, (num + n - 2) / (n - 1));
      ASSERT_EQ(got[p - 1], expected) << "n=" << n << " p=" << p;
    }
  }
}

TEST(ScoreRfmTest, QuintileSizesDifferByAtMostOne) {
  for (int n : {1, 2, 3, 4, 5, 6, 11, 99, 1000}) {
    std::vector<CustomerAggregate> customers;
    for (int i = 0; i < n; ++i) {
      customers.push_back(Customer(std::to_string(i), absl::Hours(i), i, i));
    }
    std::vector<int> per_score(6, 0);
    for (const RfmScore& s : ScoreRfm(customers, kRef)) ++per_score[s.m];
    for (int q = 1; q <= 5; ++q) {
      EXPECT_TRUE(per_score[q] == n / 5 || per_score[q] == (n + 4) / 5) << "n=" << n << " q=" << q;
    }
  }
}

TEST(ScoreRfmTest, SingleCustomer) {
  const std::vector<RfmScore> s = ScoreRfm({Customer("only", absl::Hours(24 * 3), 4, 99.5)}, kRef);
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].r, 5);
  EXPECT_EQ(s[0].f, 1);
  EXPECT_EQ(s[0].m, 1);
  EXPECT_EQ(s[0].cell, "511");
  EXPECT_EQ(s[0].segment, kNewCustomers);
  EXPECT_EQ(s[0].recency_days, 3);
}

TEST(ScoreRfmTest, NanMonetaryRanksLowest) {
  const std::vector<CustomerAggregate> customers = {
      Customer("a", absl::Hours(0), 1, 50),   Customer("b", absl::Hours(0), 1, std::nan("")),
      Customer("c", absl::Hours(0), 1, -5),   Customer("d", absl::Hours(0), 1, 7),
      Customer("e", absl::Hours(0), 1, 1000),
  };
  EXPECT_THAT(Ms(ScoreRfm(customers, kRef)), ElementsAre(4, 1, 2, 3, 5));
}

TEST(ScoreRfmTest, SegmentComesFromRAndF) {
  std::vector<CustomerAggregate> customers;
  for (int i = 0; i < 5; ++i) {
    // Most recent also has most invoices -> 55x Champions; least recent has fewest -> 11x Lost.
    customers.push_back(Customer(std::to_string(i), absl::Hours(24 * i), 10 - i, 1.0));
  }
  const std::vector<RfmScore> s = ScoreRfm(customers, kRef);
  EXPECT_EQ(s[0].segment, kChampions);
  EXPECT_EQ(s[2].segment, kNeedAttention);
  EXPECT_EQ(s[4].segment, kLost);
}

TEST(SegmentForScoresTest, FullGrid) {
  // Rows r = 5..1, columns f = 1..5, as documented in rfm.h.
  const std::vector<std::vector<std::string>> grid = {
      {kNewCustomers, kPotentialLoyalists, kPotentialLoyalists, kChampions, kChampions},
      {kPromising, kPotentialLoyalists, kPotentialLoyalists, kLoyalCustomers, kLoyalCustomers},
      {kAboutToSleep, kAboutToSleep, kNeedAttention, kLoyalCustomers, kLoyalCustomers},
      {kHibernating, kHibernating, kAtRisk, kAtRisk, kCantLoseThem},
      {kLost, kHibernating, kAtRisk, kAtRisk, kCantLoseThem},
  };
  for (int r = 5; r >= 1; --r) {
    for (int f = 1; f <= 5; ++f) {
      EXPECT_EQ(SegmentForScores(r, f), grid[5 - r][f - 1]) << "r=" << r << " f=" << f;
    }
  }
}

TEST(SegmentForScoresTest, RegexTableSpotChecks) {
  EXPECT_EQ(SegmentForScores(2, 1), "Hibernating");  // [1-2][1-2]
  EXPECT_EQ(SegmentForScores(1, 2), "Hibernating");
  EXPECT_EQ(SegmentForScores(1, 1), "Lost");                 // split out of [1-2][1-2]
  EXPECT_EQ(SegmentForScores(2, 3), "At Risk");              // [1-2][3-4]
  EXPECT_EQ(SegmentForScores(1, 5), "Can't Lose Them");      // [1-2]5
  EXPECT_EQ(SegmentForScores(3, 2), "About to Sleep");       // 3[1-2]
  EXPECT_EQ(SegmentForScores(3, 3), "Need Attention");       // 33
  EXPECT_EQ(SegmentForScores(3, 5), "Loyal Customers");      // [3-4][4-5]
  EXPECT_EQ(SegmentForScores(4, 1), "Promising");            // 41
  EXPECT_EQ(SegmentForScores(5, 1), "New Customers");        // 51
  EXPECT_EQ(SegmentForScores(4, 3), "Potential Loyalists");  // [4-5][2-3]
  EXPECT_EQ(SegmentForScores(5, 4), "Champions");            // 5[4-5]
}

TEST(SegmentForScoresTest, OutOfRangeGivesEmpty) {
  EXPECT_EQ(SegmentForScores(0, 3), "");
  EXPECT_EQ(SegmentForScores(6, 3), "");
  EXPECT_EQ(SegmentForScores(3, 0), "");
  EXPECT_EQ(SegmentForScores(3, 6), "");
}

TEST(DefaultSegmentDefinitionsTest, CoversEveryGridSegmentOnce) {
  const std::vector<SegmentDefinition>& defs = DefaultSegmentDefinitions();
  ASSERT_EQ(defs.size(), 11u);
  std::vector<std::string> names;
  for (const SegmentDefinition& d : defs) {
    names.push_back(d.name);
    EXPECT_FALSE(d.strategy.empty()) << d.name;
  }
  std::sort(names.begin(), names.end());
  EXPECT_EQ(std::unique(names.begin(), names.end()), names.end());
  for (int r = 1; r <= 5; ++r) {
    for (int f = 1; f <= 5; ++f) {
      EXPECT_TRUE(std::binary_search(names.begin(), names.end(), SegmentForScores(r, f)));
    }
  }
}

RfmScore ScoreIn(std::string segment) {
  RfmScore s;
  s.segment = std::move(segment);
  return s;
}

TEST(SummarizeSegmentsTest, CountsRevenueShareAndOrder) {
  const std::vector<CustomerAggregate> customers = {
      Customer("a", absl::Hours(0), 1, 100), Customer("b", absl::Hours(0), 1, 300),
      Customer("c", absl::Hours(0), 1, 50),  Customer("d", absl::Hours(0), 1, 25),
      Customer("e", absl::Hours(0), 1, 25),
  };
  const std::vector<RfmScore> scores = {ScoreIn(kChampions), ScoreIn(kChampions), ScoreIn(kLost),
                                        ScoreIn(kAtRisk), ScoreIn(kAtRisk)};
  absl::StatusOr<std::vector<SegmentSummary>> summary = SummarizeSegments(customers, scores);
  ASSERT_THAT(summary, IsOk());
  ASSERT_EQ(summary->size(), 3u);
  // Champions 400 (80%), then Lost and At Risk both 50: At Risk has more customers.
  EXPECT_EQ((*summary)[0].segment, kChampions);
  EXPECT_EQ((*summary)[0].customers, 2);
  EXPECT_DOUBLE_EQ((*summary)[0].revenue, 400.0);
  EXPECT_DOUBLE_EQ((*summary)[0].revenue_share, 0.8);
  EXPECT_EQ((*summary)[1].segment, kAtRisk);
  EXPECT_EQ((*summary)[1].customers, 2);
  EXPECT_DOUBLE_EQ((*summary)[1].revenue_share, 0.1);
  EXPECT_EQ((*summary)[2].segment, kLost);
  EXPECT_EQ((*summary)[2].customers, 1);
  EXPECT_DOUBLE_EQ((*summary)[2].revenue, 50.0);
  EXPECT_EQ((*summary)[0].strategy, DefaultSegmentDefinitions()[0].strategy);
}

TEST(SummarizeSegmentsTest, CustomStrategiesAndUnknownSegments) {
  const std::vector<CustomerAggregate> customers = {Customer("a", absl::Hours(0), 1, 0),
                                                    Customer("b", absl::Hours(0), 1, 0)};
  const std::vector<RfmScore> scores = {ScoreIn(kChampions), ScoreIn("VIP")};
  const std::vector<SegmentDefinition> defs = {{kChampions, "Send a thank-you card."}};
  absl::StatusOr<std::vector<SegmentSummary>> summary = SummarizeSegments(customers, scores, defs);
  ASSERT_THAT(summary, IsOk());
  ASSERT_EQ(summary->size(), 2u);
  // Equal revenue and count: by name.
  EXPECT_EQ((*summary)[0].segment, kChampions);
  EXPECT_EQ((*summary)[0].strategy, "Send a thank-you card.");
  EXPECT_EQ((*summary)[1].segment, "VIP");
  EXPECT_EQ((*summary)[1].strategy, "");
  EXPECT_EQ((*summary)[0].revenue_share, 0.0);  // zero total revenue -> 0, not NaN
}

TEST(SummarizeSegmentsTest, EndToEndWithScoreRfm) {
  std::vector<CustomerAggregate> customers;
  for (int i = 0; i < 50; ++i) {
    customers.push_back(
        Customer("c" + std::to_string(i), absl::Hours(24 * (i * 7 % 50)), 1 + i % 6, 10.0 + i));
  }
  absl::StatusOr<std::vector<SegmentSummary>> summary =
      SummarizeSegments(customers, ScoreRfm(customers, kRef));
  ASSERT_THAT(summary, IsOk());
  int64_t total_customers = 0;
  double total_share = 0.0;
  for (const SegmentSummary& row : *summary) {
    total_customers += row.customers;
    total_share += row.revenue_share;
    EXPECT_FALSE(row.strategy.empty()) << row.segment;
  }
  EXPECT_EQ(total_customers, 50);
  EXPECT_NEAR(total_share, 1.0, 1e-12);
}

TEST(SummarizeSegmentsTest, SizeMismatchIsInvalidArgument) {
  EXPECT_THAT(SummarizeSegments({Customer("a", absl::Hours(0), 1, 1)}, {}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("1 customers but 0 scores")));
}

}  // namespace
}  // namespace clientele::analytics
