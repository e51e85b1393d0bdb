#include "analytics/rfm/rfm.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <numeric>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace clientele::analytics {
namespace {

// The bin edges pd.qcut(ranks, 5) computes for the ranks 1..n: np.quantile(ranks,
// np.linspace(0, 1, 6)) with linear interpolation, reproduced operation by operation in double so
// that edges such as 1 + (n - 1) * 0.6000000000000001 round exactly as numpy's do.
std::array<double, 6> QcutEdges(size_t n) {
  std::array<double, 6> edges;
  const double last_index = static_cast<double>(n) - 1.0;
  for (int j = 0; j < 6; ++j) {
    // np.linspace(0, 1, 6): arange(6) * (1 / 5), with the endpoint set to exactly 1.
    const double q = j == 5 ? 1.0 : static_cast<double>(j) * (1.0 / 5.0);
    const double virtual_index = last_index * q;
    if (virtual_index >= last_index) {  // At or past the last element: the largest rank.
      edges[j] = static_cast<double>(n);
      continue;
    }
    const double previous = std::floor(virtual_index);
    const double gamma = virtual_index - previous;
    const double a = previous + 1.0;  // ranks[previous]
    const double b = previous + 2.0;  // ranks[previous + 1]
    const double diff = b - a;
    // numpy's _lerp: a + diff * t, or b - diff * (1 - t) when t >= 0.5.
    edges[j] = gamma >= 0.5 ? b - diff * (1.0 - gamma) : a + diff * gamma;
  }
  return edges;
}

// Order-preserving maps to uint64: a < b exactly when Sortable(a) < Sortable(b).
uint64_t Sortable(int64_t v) { return static_cast<uint64_t>(v) ^ (uint64_t{1} << 63); }
// NaN sorts below every number (0); -0.0 equals 0.0.
uint64_t Sortable(double v) {
  if (std::isnan(v)) return 0;
  if (v == 0.0) v = 0.0;
  uint64_t bits;
  std::memcpy(&bits, &v, sizeof bits);
  return (bits >> 63) != 0 ? ~bits : bits | (uint64_t{1} << 63);
}

// Every customer's position when sorted by (key, input index): the tie-breaker of all three
// rankings. Keys that are already in order (as a key-ordered store returns them) cost one pass.
std::vector<uint32_t> KeyRanks(const std::vector<CustomerAggregate>& customers) {
  const size_t n = customers.size();
  std::vector<uint32_t> rank(n);
  std::iota(rank.begin(), rank.end(), 0);
  bool sorted = true;
  for (size_t i = 1; i < n && sorted; ++i) sorted = !(customers[i].key < customers[i - 1].key);
  if (sorted) return rank;
  std::vector<uint32_t> order(rank);
  std::stable_sort(order.begin(), order.end(),
                   [&](uint32_t a, uint32_t b) { return customers[a].key < customers[b].key; });
  for (size_t pos = 0; pos < n; ++pos) rank[order[pos]] = static_cast<uint32_t>(pos);
  return rank;
}

// Quintile (1..5) of every customer when sorted ascending by (value, key rank): the bin of its
// 1-based position among the qcut edges. `values` holds Sortable() values.
std::vector<int> Quintiles(const std::vector<uint64_t>& values, const std::vector<uint32_t>& rank) {
  struct Entry {
    uint64_t value;
    uint32_t rank;
    uint32_t index;
  };
  const size_t n = values.size();
  std::vector<Entry> entries(n);
  for (size_t i = 0; i < n; ++i) entries[i] = {values[i], rank[i], static_cast<uint32_t>(i)};
  std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
    return a.value != b.value ? a.value < b.value : a.rank < b.rank;
  });
  const std::array<double, 6> edges = QcutEdges(n);
  std::vector<int> quintile(n);
  int bin = 1;
  for (size_t pos = 0; pos < n; ++pos) {
    const double position = static_cast<double>(pos + 1);
    // Right-closed bins (edges[bin-1], edges[bin]]; position 1 = edges[0] is in bin 1.
    // Positions ascend, so the bin only moves up.
    while (bin < 5 && edges[bin] < position) ++bin;
    quintile[entries[pos].index] = bin;
  }
  return quintile;
}

}  // namespace

int QcutQuintile(int64_t position, int64_t n) {
  const std::array<double, 6> edges = QcutEdges(static_cast<size_t>(n));
  int bin = 1;
  while (bin < 5 && edges[bin] < static_cast<double>(position)) ++bin;
  return bin;
}

std::string SegmentForScores(int r, int f) {
  if (r < 1 || r > 5 || f < 1 || f > 5) return "";
  switch (r) {
    case 5:
      if (f == 1) return kNewCustomers;
      if (f <= 3) return kPotentialLoyalists;
      return kChampions;
    case 4:
      if (f == 1) return kPromising;
      if (f <= 3) return kPotentialLoyalists;
      return kLoyalCustomers;
    case 3:
      if (f <= 2) return kAboutToSleep;
      if (f == 3) return kNeedAttention;
      return kLoyalCustomers;
    default:  // r = 1 or 2.
      if (r == 1 && f == 1) return kLost;
      if (f <= 2) return kHibernating;
      if (f <= 4) return kAtRisk;
      return kCantLoseThem;
  }
}

const std::vector<SegmentDefinition>& DefaultSegmentDefinitions() {
  static const auto* const kDefinitions = new std::vector<SegmentDefinition>{
      {kChampions, "Reward them; early access to new products; ask for reviews and referrals."},
      {kLoyalCustomers, "Upsell higher-value products; loyalty programme; ask for reviews."},
      {kPotentialLoyalists, "Offer membership or loyalty programme; recommend related products."},
      {kNewCustomers, "Onboarding support; build the relationship early; welcome offers."},
      {kPromising, "Create brand awareness; free trials; small incentives for a second order."},
      {kNeedAttention, "Limited-time offers based on past purchases; reactivate before they slip."},
      {kAboutToSleep, "Share valuable resources; recommend popular products; renewal discounts."},
      {kAtRisk, "Personalised emails to reconnect; offer renewals and helpful resources."},
      {kCantLoseThem,
       "Win them back with renewals or new products; talk to them; do not lose "
       "them to a competitor."},
      {kHibernating, "Offer other relevant products and special discounts; recreate brand value."},
      {kLost, "Revive interest with a reach-out campaign; otherwise ignore."},
  };
  return *kDefinitions;
}

std::vector<RfmScore> ScoreRfm(const std::vector<CustomerAggregate>& customers,
                               absl::Time reference_date) {
  const size_t n = customers.size();
  std::vector<RfmScore> scores(n);
  if (n == 0) return scores;

  const absl::Duration day = absl::Hours(24);
  for (size_t i = 0; i < n; ++i) {
    const absl::Duration since = reference_date - customers[i].last_purchase;
    absl::Duration remainder;  // IDivDuration requires a non-null remainder.
    scores[i].recency_days = absl::IDivDuration(absl::Floor(since, day), day, &remainder);
  }

  const std::vector<uint32_t> rank = KeyRanks(customers);
  std::vector<uint64_t> values(n);
  for (size_t i = 0; i < n; ++i) values[i] = Sortable(scores[i].recency_days);
  const std::vector<int> r = Quintiles(values, rank);
  for (size_t i = 0; i < n; ++i) values[i] = Sortable(customers[i].frequency);
  const std::vector<int> f = Quintiles(values, rank);
  for (size_t i = 0; i < n; ++i) values[i] = Sortable(customers[i].monetary);
  const std::vector<int> m = Quintiles(values, rank);

  for (size_t i = 0; i < n; ++i) {
    RfmScore& s = scores[i];
    s.r = 6 - r[i];
    s.f = f[i];
    s.m = m[i];
    s.cell = absl::StrCat(s.r, s.f, s.m);
    s.segment = SegmentForScores(s.r, s.f);
  }
  return scores;
}

absl::StatusOr<std::vector<SegmentSummary>> SummarizeSegments(
    const std::vector<CustomerAggregate>& customers, const std::vector<RfmScore>& scores,
    const std::vector<SegmentDefinition>& definitions) {
  if (customers.size() != scores.size()) {
    return absl::InvalidArgumentError(absl::StrCat("SummarizeSegments: ", customers.size(),
                                                   " customers but ", scores.size(), " scores"));
  }
  absl::flat_hash_map<std::string, size_t> index;  // segment -> position in `out`.
  std::vector<SegmentSummary> out;
  double total = 0.0;
  for (size_t i = 0; i < scores.size(); ++i) {
    auto [it, inserted] = index.try_emplace(scores[i].segment, out.size());
    if (inserted) {
      out.emplace_back();
      out.back().segment = scores[i].segment;
    }
    SegmentSummary& row = out[it->second];
    ++row.customers;
    row.revenue += customers[i].monetary;
    total += customers[i].monetary;
  }
  for (SegmentSummary& row : out) {
    row.revenue_share = total != 0.0 ? row.revenue / total : 0.0;
    for (const SegmentDefinition& def : definitions) {
      if (def.name == row.segment) {
        row.strategy = def.strategy;
        break;
      }
    }
  }
  std::sort(out.begin(), out.end(), [](const SegmentSummary& a, const SegmentSummary& b) {
    if (a.revenue != b.revenue) return a.revenue > b.revenue;
    if (a.customers != b.customers) return a.customers > b.customers;
    return a.segment < b.segment;
  });
  return out;
}

}  // namespace clientele::analytics
