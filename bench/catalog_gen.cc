// catalog_gen: a synthetic ratings file of a large catalog in MovieLens u.data form (user TAB
// item TAB rating TAB Unix time, one (user, item) pair per line), for `clientele import
// --format=movielens`. Deterministic for a seed.
//
//   build/bin/catalog_gen --users=100000 --items=200000 --interactions=5000000 --seed=1 \
//       --out=/tmp/catalog/u.data
//
// Shape, chosen to look like a retail catalog and to give a model something to learn:
// - item popularity is long-tailed: the item of popularity rank r has weight (r + 1)^-0.9
//   (ranks are a random permutation of the item numbers), so a few thousand items take most
//   interactions and most items are rarely seen;
// - user activity is long-tailed: a user's number of items is drawn from a log-normal
//   distribution (sigma 1) rescaled to the requested mean, at least 2 and at most 5% of the
//   catalog; the totals are adjusted to give exactly `interactions` lines;
// - latent structure: every item belongs to one of `groups` taste groups, every user to one
//   group; 70% of a user's items come from the group (by popularity within it), the rest from
//   the whole catalog;
// - ratings 4-5 for items of the user's group, 1-5 otherwise; times increase along each
//   user's history (for time splits).
// Prints a summary line to stderr.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <numeric>
#include <random>
#include <string>
#include <unordered_set>
#include <vector>

#include "CLI/CLI.hpp"

namespace {

// Draws an index with probability proportional to its weight: binary search in the cumulative
// weights (std::discrete_distribution is slow to build on 10^5 weights per group).
class WeightedPicker {
 public:
  explicit WeightedPicker(const std::vector<double>& weights) : cumulative_(weights.size()) {
    std::partial_sum(weights.begin(), weights.end(), cumulative_.begin());
  }
  size_t size() const { return cumulative_.size(); }
  template <typename Rng>
  size_t Pick(Rng& rng) const {
    std::uniform_real_distribution<double> u(0.0, cumulative_.back());
    const double x = u(rng);
    const size_t i =
        std::upper_bound(cumulative_.begin(), cumulative_.end(), x) - cumulative_.begin();
    return std::min(i, cumulative_.size() - 1);
  }

 private:
  std::vector<double> cumulative_;
};

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Synthetic large-catalog ratings in MovieLens u.data form"};
  int64_t users = 100000, items = 200000, interactions = 5000000, groups = 200;
  uint64_t seed = 1;
  std::string out_path;
  app.add_option("--users", users, "Users")->check(CLI::Range(int64_t{1}, int64_t{100000000}));
  app.add_option("--items", items, "Items")->check(CLI::Range(int64_t{2}, int64_t{100000000}));
  app.add_option("--interactions", interactions, "Lines (distinct user-item pairs)")
      ->check(CLI::Range(int64_t{1}, int64_t{10000000000}));
  app.add_option("--groups", groups, "Taste groups")
      ->check(CLI::Range(int64_t{1}, int64_t{100000}));
  app.add_option("--seed", seed, "Random seed");
  app.add_option("--out", out_path, "Output file")->required();
  CLI11_PARSE(app, argc, argv);
  const int64_t max_per_user = std::max<int64_t>(2, items / 20);
  if (interactions > users * max_per_user || interactions < 2 * users) {
    std::fprintf(stderr,
                 "catalog_gen: --interactions: must be between 2 x users and users x %lld (5%% "
                 "of items)\n",
                 static_cast<long long>(max_per_user));
    return 2;
  }
  std::mt19937_64 rng(seed);

  // Items: popularity rank (a permutation) and group.
  std::vector<int64_t> rank(items);
  std::iota(rank.begin(), rank.end(), 0);
  std::shuffle(rank.begin(), rank.end(), rng);
  std::vector<double> weight(items);
  std::vector<std::vector<int64_t>> group_items(groups);
  std::vector<std::vector<double>> group_weights(groups);
  std::vector<int64_t> group_of(items);
  for (int64_t i = 0; i < items; ++i) {
    weight[i] = std::pow(static_cast<double>(rank[i]) + 1.0, -0.9);
    group_of[i] = static_cast<int64_t>(rng() % static_cast<uint64_t>(groups));
    group_items[group_of[i]].push_back(i);
    group_weights[group_of[i]].push_back(weight[i]);
  }
  const WeightedPicker global(weight);
  std::vector<WeightedPicker> in_group;
  in_group.reserve(groups);
  for (int64_t g = 0; g < groups; ++g) in_group.emplace_back(group_weights[g]);

  // Users: history lengths, log-normal rescaled to the mean, clamped, then adjusted to the total.
  std::lognormal_distribution<double> activity(0.0, 1.0);
  std::vector<double> raw(users);
  for (double& r : raw) r = activity(rng);
  const double scale =
      static_cast<double>(interactions) / std::accumulate(raw.begin(), raw.end(), 0.0);
  std::vector<int64_t> length(users);
  int64_t total = 0;
  for (int64_t u = 0; u < users; ++u) {
    length[u] = std::clamp<int64_t>(std::llround(raw[u] * scale), 2, max_per_user);
    total += length[u];
  }
  // Spread the difference one line at a time over users in a fixed random order.
  std::vector<int64_t> order(users);
  std::iota(order.begin(), order.end(), 0);
  std::shuffle(order.begin(), order.end(), rng);
  for (size_t k = 0; total != interactions; k = (k + 1) % order.size()) {
    int64_t& len = length[order[k]];
    if (total < interactions && len < max_per_user) {
      ++len;
      ++total;
    } else if (total > interactions && len > 2) {
      --len;
      --total;
    }
  }

  std::FILE* out = std::fopen(out_path.c_str(), "w");
  if (out == nullptr) {
    std::fprintf(stderr, "catalog_gen: --out: cannot open %s\n", out_path.c_str());
    return 1;
  }
  std::vector<char> buffer(1 << 20);
  std::setvbuf(out, buffer.data(), _IOFBF, buffer.size());
  std::unordered_set<int64_t> seen;
  int64_t lines = 0, in_group_lines = 0;
  const int64_t base_time = 1'600'000'000;
  for (int64_t u = 0; u < users; ++u) {
    const int64_t group = static_cast<int64_t>(rng() % static_cast<uint64_t>(groups));
    seen.clear();
    int64_t time = base_time + static_cast<int64_t>(rng() % 86400);
    for (int64_t c = 0; c < length[u]; ++c) {
      int64_t item = -1;
      for (int attempt = 0; attempt < 64 && item < 0; ++attempt) {
        int64_t candidate;
        if (rng() % 10 < 7 && !group_items[group].empty()) {
          candidate = group_items[group][in_group[group].Pick(rng)];
        } else {
          candidate = static_cast<int64_t>(global.Pick(rng));
        }
        if (seen.insert(candidate).second) item = candidate;
      }
      // A user whose draws keep repeating takes the next unseen item number.
      for (int64_t i = static_cast<int64_t>(rng() % static_cast<uint64_t>(items)); item < 0;
           i = (i + 1) % items) {
        if (seen.insert(i).second) item = i;
      }
      const bool own = group_of[item] == group;
      in_group_lines += own;
      const int rating = own ? 4 + static_cast<int>(rng() % 2) : 1 + static_cast<int>(rng() % 5);
      time += 60 + static_cast<int64_t>(rng() % 86400);
      std::fprintf(out, "%lld\t%lld\t%d\t%lld\n", static_cast<long long>(u + 1),
                   static_cast<long long>(item + 1), rating, static_cast<long long>(time));
      ++lines;
    }
  }
  if (std::fclose(out) != 0) {
    std::fprintf(stderr, "catalog_gen: --out: cannot write %s\n", out_path.c_str());
    return 1;
  }
  std::fprintf(stderr,
               "catalog_gen: %lld lines, %lld users, %lld items, %lld groups, %.1f%% in the "
               "user's group, longest history %lld\n",
               static_cast<long long>(lines), static_cast<long long>(users),
               static_cast<long long>(items), static_cast<long long>(groups),
               100.0 * static_cast<double>(in_group_lines) / static_cast<double>(lines),
               static_cast<long long>(*std::max_element(length.begin(), length.end())));
  return 0;
}
