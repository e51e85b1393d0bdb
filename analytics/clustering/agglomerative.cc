#include "analytics/clustering/agglomerative.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace clientele::analytics {
namespace {

// Union-find over point indices.
class DisjointSets {
 public:
  explicit DisjointSets(int64_t n) : parent_(n) { std::iota(parent_.begin(), parent_.end(), 0); }
  int64_t Find(int64_t x) {
    while (parent_[x] != x) x = parent_[x] = parent_[parent_[x]];
    return x;
  }
  // Joins the sets of a and b; returns the new root.
  int64_t Union(int64_t a, int64_t b) {
    a = Find(a);
    b = Find(b);
    if (a > b) std::swap(a, b);
    parent_[b] = a;
    return a;
  }

 private:
  std::vector<int64_t> parent_;
};

}  // namespace

absl::StatusOr<std::vector<WardMerge>> WardLinkage(const Eigen::MatrixXd& X) {
  const Eigen::Index n = X.rows();
  const Eigen::Index d = X.cols();
  if (n == 0 || d == 0) {
    return absl::InvalidArgumentError(absl::StrCat("WardLinkage: empty input (", n, "x", d, ")"));
  }
  if (n > kMaxWardPoints) {
    return absl::InvalidArgumentError(absl::StrCat("WardLinkage: ", n, " points; at most ",
                                                   kMaxWardPoints, " (time grows as n^2)"));
  }
  if (!X.allFinite()) return absl::InvalidArgumentError("WardLinkage: input holds NaN or infinity");

  // Active clusters in compact positions 0..m-1: centroid (one contiguous column per dimension),
  // size and representative point (its slot). position[slot] is -1 once merged away.
  Eigen::MatrixXd centroid = X;
  Eigen::VectorXd size = Eigen::VectorXd::Ones(n);
  std::vector<int64_t> slot(n);
  std::iota(slot.begin(), slot.end(), 0);
  std::vector<int64_t> position(n);
  std::iota(position.begin(), position.end(), 0);
  Eigen::Index m = n;

  struct Raw {
    int64_t a, b;  // Representative points.
    double cost;
  };
  std::vector<Raw> raw;
  raw.reserve(n > 0 ? n - 1 : 0);
  std::vector<int64_t> chain;
  Eigen::VectorXd dist(n);
  while (m > 1) {
    if (chain.empty()) chain.push_back(slot[0]);
    const int64_t a = chain.back();
    const int64_t previous = chain.size() >= 2 ? chain[chain.size() - 2] : -1;
    const Eigen::Index pa = position[a];
    dist.head(m).setZero();
    for (Eigen::Index t = 0; t < d; ++t) {
      const double* col = centroid.col(t).data();
      const double ct = col[pa];
      double* out = dist.data();
      for (Eigen::Index p = 0; p < m; ++p) {
        const double diff = col[p] - ct;
        out[p] += diff * diff;
      }
    }
    const double na = size(pa);
    int64_t best = -1;
    double best_cost = std::numeric_limits<double>::infinity();
    for (Eigen::Index p = 0; p < m; ++p) {
      if (p == pa) continue;
      const double cost = na * size(p) / (na + size(p)) * dist(p);
      const int64_t s = slot[p];
      if (cost < best_cost ||
          (cost == best_cost && s != best && (s == previous || (best != previous && s < best)))) {
        best_cost = cost;
        best = s;
      }
    }
    if (best != previous) {
      chain.push_back(best);
      continue;
    }
    // a and its predecessor are mutual nearest neighbours: merge them.
    chain.pop_back();
    chain.pop_back();
    raw.push_back({std::min(a, best), std::max(a, best), best_cost});
    const Eigen::Index keep = position[std::min(a, best)];
    const Eigen::Index drop = position[std::max(a, best)];
    const double nk = size(keep), nd = size(drop);
    centroid.row(keep) = (nk * centroid.row(keep) + nd * centroid.row(drop)) / (nk + nd);
    size(keep) = nk + nd;
    // Move the last active cluster into the dropped position.
    const Eigen::Index last = m - 1;
    if (drop != last) {
      centroid.row(drop) = centroid.row(last);
      size(drop) = size(last);
      slot[drop] = slot[last];
      position[slot[drop]] = drop;
    }
    position[std::max(a, best)] = -1;
    --m;
  }

  // scipy order: ascending distance (stable, so equal distances keep the chain's order), then
  // cluster ids n + i from union-find over the representatives.
  std::stable_sort(raw.begin(), raw.end(),
                   [](const Raw& x, const Raw& y) { return x.cost < y.cost; });
  DisjointSets sets(n);
  std::vector<int64_t> id_of_root(n);
  std::iota(id_of_root.begin(), id_of_root.end(), 0);
  std::vector<int64_t> size_of_root(n, 1);
  std::vector<WardMerge> merges;
  merges.reserve(raw.size());
  for (size_t i = 0; i < raw.size(); ++i) {
    const int64_t ra = sets.Find(raw[i].a);
    const int64_t rb = sets.Find(raw[i].b);
    WardMerge merge;
    merge.a = std::min(id_of_root[ra], id_of_root[rb]);
    merge.b = std::max(id_of_root[ra], id_of_root[rb]);
    merge.distance = std::sqrt(2.0 * std::max(0.0, raw[i].cost));
    merge.size = size_of_root[ra] + size_of_root[rb];
    const int64_t root = sets.Union(ra, rb);
    id_of_root[root] = n + static_cast<int64_t>(i);
    size_of_root[root] = merge.size;
    merges.push_back(merge);
  }
  return merges;
}

absl::StatusOr<std::vector<int>> CutTree(const std::vector<WardMerge>& merges, int64_t n,
                                         int clusters) {
  if (n < 1 || clusters < 1 || clusters > n) {
    return absl::InvalidArgumentError(
        absl::StrCat("CutTree: need 1 <= clusters <= n, got clusters ", clusters, ", n ", n));
  }
  if (static_cast<int64_t>(merges.size()) != n - 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("CutTree: ", merges.size(), " merges for ", n, " points"));
  }
  // Cluster id -> one of its points, to union points.
  std::vector<int64_t> point_of(2 * n - 1);
  std::iota(point_of.begin(), point_of.begin() + n, 0);
  std::vector<bool> used(2 * n - 1, false);
  DisjointSets sets(n);
  for (int64_t i = 0; i < n - 1; ++i) {
    const WardMerge& m = merges[i];
    if (m.a < 0 || m.b <= m.a || m.b >= n + i || used[m.a] || used[m.b]) {
      return absl::InvalidArgumentError(absl::StrCat("CutTree: merge ", i, " is not valid"));
    }
    used[m.a] = used[m.b] = true;
    point_of[n + i] = point_of[m.a];
    if (i < n - clusters) sets.Union(point_of[m.a], point_of[m.b]);
  }
  std::vector<int> labels(n);
  std::vector<int> label_of_root(n, -1);
  int next = 0;
  for (int64_t i = 0; i < n; ++i) {
    int& label = label_of_root[sets.Find(i)];
    if (label < 0) label = next++;
    labels[i] = label;
  }
  return labels;
}

absl::StatusOr<std::vector<int>> AgglomerativeWard(const Eigen::MatrixXd& X, int clusters) {
  absl::StatusOr<std::vector<WardMerge>> merges = WardLinkage(X);
  if (!merges.ok()) return merges.status();
  return CutTree(*merges, X.rows(), clusters);
}

}  // namespace clientele::analytics
