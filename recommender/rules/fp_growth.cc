#include "recommender/rules/fp_growth.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <memory>
#include <thread>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/status/status_macros.h"
#include "recommender/rules/internal/binary_io.h"

namespace clientele::recommender {

// Builds a FrequentItemsets from its parts (the class's friend).
class FrequentItemsetsBuilder {
 public:
  static FrequentItemsets Make(int32_t num_transactions, int32_t num_items, int64_t min_count,
                               std::vector<int64_t> offsets, std::vector<int32_t> items,
                               std::vector<int32_t> counts) {
    FrequentItemsets sets;
    sets.num_transactions_ = num_transactions;
    sets.num_items_ = num_items;
    sets.min_count_ = min_count;
    sets.offsets_ = std::move(offsets);
    sets.items_ = std::move(items);
    sets.counts_ = std::move(counts);
    sets.BuildLookup();
    return sets;
  }
};

namespace {

constexpr int32_t kNone = -1;
constexpr uint32_t kFormatVersion = 1;

std::string KeyOf(absl::Span<const int32_t> itemset) {
  return std::string(reinterpret_cast<const char*>(itemset.data()),
                     itemset.size() * sizeof(int32_t));
}

// An FP-tree in flat arrays (node 0 is the root). Items are "ranks": global item ranks by
// descending frequency, so every root-to-leaf path is ascending. Reused across recursion steps
// at the same depth: Reset keeps the capacity, so mining allocates only while trees grow.
struct FpTree {
  std::vector<int32_t> rank, count, parent, first_child, next_sibling, next_same;
  std::vector<int32_t> head, total;  // Per rank: first node of the rank's list; summed count.
  bool branched = false;             // Some node has two or more children.

  void Reset(int32_t num_ranks) {
    rank.assign(1, kNone);
    count.assign(1, 0);
    parent.assign(1, kNone);
    first_child.assign(1, kNone);
    next_sibling.assign(1, kNone);
    next_same.assign(1, kNone);
    head.assign(num_ranks, kNone);
    total.assign(num_ranks, 0);
    branched = false;
  }

  // Inserts a path of ascending ranks with weight 1, given the nodes of its first
  // stack->size() ranks (the prefix it shares with the previously inserted path, which was
  // lexicographically smaller). On return *stack holds the nodes of the whole path.
  void AppendSortedPath(const int32_t* ranks, int32_t n, std::vector<int32_t>* stack) {
    const auto shared = static_cast<int32_t>(stack->size());
    for (int32_t i = 0; i < shared; ++i) {
      ++count[(*stack)[i]];
      ++total[ranks[i]];
    }
    int32_t cur = shared > 0 ? stack->back() : 0;
    for (int32_t i = shared; i < n; ++i) {
      const int32_t r = ranks[i];
      const auto child = static_cast<int32_t>(rank.size());
      if (first_child[cur] != kNone) branched = true;
      rank.push_back(r);
      count.push_back(1);
      parent.push_back(cur);
      first_child.push_back(kNone);
      next_sibling.push_back(first_child[cur]);
      next_same.push_back(head[r]);
      first_child[cur] = child;
      head[r] = child;
      ++total[r];
      stack->push_back(child);
      cur = child;
    }
  }

  // Inserts a path of ascending ranks with weight c.
  void Insert(const int32_t* ranks, int32_t n, int32_t c) {
    int32_t cur = 0;
    for (int32_t i = 0; i < n; ++i) {
      const int32_t r = ranks[i];
      int32_t child = first_child[cur];
      while (child != kNone && rank[child] != r) child = next_sibling[child];
      if (child == kNone) {
        child = static_cast<int32_t>(rank.size());
        if (first_child[cur] != kNone) branched = true;
        rank.push_back(r);
        count.push_back(0);
        parent.push_back(cur);
        first_child.push_back(kNone);
        next_sibling.push_back(first_child[cur]);
        next_same.push_back(head[r]);
        first_child[cur] = child;
        head[r] = child;
      }
      count[child] += c;
      total[r] += c;
      cur = child;
    }
  }
};

// Output of one worker: itemsets in CSR form, grouped into segments by top-level rank.
struct Output {
  std::vector<int64_t> offsets{0};
  std::vector<int32_t> items;
  std::vector<int32_t> counts;
  std::vector<std::pair<int32_t, std::pair<int32_t, int32_t>>> segments;  // rank, [begin, end)
};

// The itemset budget shared by the workers: every itemset is counted before it is built.
struct Budget {
  int64_t max = 0;  // 0: unlimited.
  std::atomic<int64_t> used{0};
  std::atomic<bool> exhausted{false};

  // Takes n itemsets from the budget; false (and exhausted) when that passes the maximum.
  bool Take(int64_t n) {
    if (max == 0) return true;
    if (used.fetch_add(n, std::memory_order_relaxed) + n > max) {
      exhausted = true;
      return false;
    }
    return true;
  }
};

// sum_{i=1..min(m, n)} C(n, i), or a value above `cap` when that sum exceeds `cap` (computed
// in double with early exit: exact below 2^53, and cap is far below that).
int64_t SubsetCountUpTo(int64_t n, int64_t m, int64_t cap) {
  const int64_t top = std::min(n, m);
  double c = 1, sum = 0;
  for (int64_t i = 1; i <= top; ++i) {
    c = c * static_cast<double>(n - i + 1) / static_cast<double>(i);
    sum += c;
    if (sum > static_cast<double>(cap)) return cap + 1;
  }
  return static_cast<int64_t>(std::llround(sum));
}

class Miner {
 public:
  Miner(const std::vector<int32_t>* rank_to_item, int32_t min_count, int32_t max_length,
        const std::function<bool()>* cancelled, Budget* budget)
      : rank_to_item_(rank_to_item),
        min_count_(min_count),
        max_length_(max_length),
        cancelled_(cancelled),
        budget_(budget) {}

  // Mines everything whose least frequent item (highest rank) is `r` in `tree`.
  bool MineTopLevel(const FpTree& tree, int32_t r, Output* out) {
    out_ = out;
    prefix_.clear();
    const int32_t begin = static_cast<int32_t>(out->counts.size());
    MineItem(tree, r, 0);
    out->segments.push_back({r, {begin, static_cast<int32_t>(out->counts.size())}});
    return !stop_;
  }

 private:
  FpTree& TreeAt(size_t depth) {
    while (trees_.size() <= depth) trees_.push_back(std::make_unique<FpTree>());
    return *trees_[depth];
  }

  // Appends prefix_ as an itemset; the caller has taken it from the budget.
  void Emit(int32_t count) {
    const size_t start = out_->items.size();
    for (int32_t r : prefix_) out_->items.push_back((*rank_to_item_)[r]);
    std::sort(out_->items.begin() + static_cast<std::ptrdiff_t>(start), out_->items.end());
    out_->offsets.push_back(static_cast<int64_t>(out_->items.size()));
    out_->counts.push_back(count);
    if ((++emitted_ & 0xfff) == 0 && *cancelled_ && (*cancelled_)()) stop_ = true;
  }

  bool LengthLeft() const {
    return max_length_ == 0 || static_cast<int32_t>(prefix_.size()) < max_length_;
  }

  // Emits prefix + {r} and recurses into r's conditional tree. `tree` lives at `depth`.
  void MineItem(const FpTree& tree, int32_t r, size_t depth) {
    if (stop_) return;
    if (!budget_->Take(1)) {
      stop_ = true;
      return;
    }
    prefix_.push_back(r);
    Emit(tree.total[r]);
    if (LengthLeft() && r > 0) {
      // Pass 1: counts of the ranks on r's prefix paths.
      cond_counts_.assign(static_cast<size_t>(r), 0);
      for (int32_t node = tree.head[r]; node != kNone; node = tree.next_same[node]) {
        const int32_t c = tree.count[node];
        for (int32_t p = tree.parent[node]; p != 0; p = tree.parent[p]) {
          cond_counts_[tree.rank[p]] += c;
        }
      }
      int32_t top = kNone;  // Highest frequent rank in the conditional base.
      for (int32_t q = r - 1; q >= 0; --q) {
        if (cond_counts_[q] >= min_count_) {
          top = q;
          break;
        }
      }
      if (top != kNone) {
        // Pass 2: insert the frequent part of each prefix path.
        FpTree& cond = TreeAt(depth + 1);
        cond.Reset(top + 1);
        for (int32_t node = tree.head[r]; node != kNone; node = tree.next_same[node]) {
          path_.clear();
          for (int32_t p = tree.parent[node]; p != 0; p = tree.parent[p]) {
            const int32_t q = tree.rank[p];
            if (q <= top && cond_counts_[q] >= min_count_) path_.push_back(q);
          }
          if (path_.empty()) continue;
          std::reverse(path_.begin(), path_.end());
          cond.Insert(path_.data(), static_cast<int32_t>(path_.size()), tree.count[node]);
        }
        MineTree(cond, depth + 1);
      }
    }
    prefix_.pop_back();
  }

  // Mines every frequent rank of `tree` (which lives at `depth`) under the current prefix.
  void MineTree(const FpTree& tree, size_t depth) {
    if (!tree.branched) {
      MineSinglePath(tree);
      return;
    }
    for (int32_t r = static_cast<int32_t>(tree.head.size()) - 1; r >= 0 && !stop_; --r) {
      if (tree.total[r] >= min_count_) MineItem(tree, r, depth);
    }
  }

  // A tree that is one chain: every non-empty subset of its frequent nodes is frequent with
  // the count of its deepest node.
  void MineSinglePath(const FpTree& tree) {
    chain_.clear();
    for (int32_t node = tree.first_child[0]; node != kNone; node = tree.first_child[node]) {
      if (tree.count[node] < min_count_) break;  // Counts never grow along a path.
      chain_.push_back(node);
    }
    // Choosing the deepest node d and j <= extra nodes above it gives sum_j C(d, j) itemsets;
    // summed over d, that is sum_{i=1..extra+1} C(|chain|, i) (2^|chain| - 1 without a length
    // limit). Counted before any is built: a long chain must not build 2^n itemsets first.
    const auto n = static_cast<int64_t>(chain_.size());
    const int64_t extra =
        max_length_ == 0 ? n : max_length_ - static_cast<int64_t>(prefix_.size()) - 1;
    const int64_t cap = budget_->max > 0 ? budget_->max : INT64_MAX / 2;
    if (!budget_->Take(SubsetCountUpTo(n, extra + 1, cap))) {
      stop_ = true;
      return;
    }
    // Enumerate subsets by choosing the deepest node d, then any subset of the nodes above it.
    for (size_t d = 0; d < chain_.size() && !stop_; ++d) {
      Subsets(tree, d, 0, tree.count[chain_[d]]);
    }
  }

  // Emits prefix + {chain_[d]} + S for every subset S of chain_[from .. d) (within max_length).
  void Subsets(const FpTree& tree, size_t d, size_t from, int32_t count) {
    if (stop_) return;
    if (from == d) {
      prefix_.push_back(tree.rank[chain_[d]]);
      Emit(count);
      prefix_.pop_back();
      return;
    }
    Subsets(tree, d, from + 1, count);  // Without chain_[from].
    if (max_length_ == 0 || static_cast<int32_t>(prefix_.size()) + 2 <= max_length_) {
      prefix_.push_back(tree.rank[chain_[from]]);
      Subsets(tree, d, from + 1, count);
      prefix_.pop_back();
    }
  }

  const std::vector<int32_t>* const rank_to_item_;
  const int32_t min_count_;
  const int32_t max_length_;
  const std::function<bool()>* const cancelled_;
  Budget* const budget_;
  Output* out_ = nullptr;
  std::vector<std::unique_ptr<FpTree>> trees_;
  std::vector<int32_t> prefix_, cond_counts_, path_, chain_;
  uint64_t emitted_ = 0;
  bool stop_ = false;
};

}  // namespace

int64_t MinSupportCount(double min_support, int64_t num_transactions) {
  if (num_transactions <= 0 || !(min_support > 0)) return 1;
  const double n = static_cast<double>(num_transactions);
  // The test is the convention's own, count / n >= min_support in IEEE double: division is
  // correctly rounded and monotonic in count, so the smallest passing count is well defined,
  // and for a support written in decimal whose product with n is an integer c (0.07 * 100),
  // c / n rounds to exactly the double of that decimal, so c passes (ceil(0.07 * 100) would
  // give 8, because 0.07 * 100 evaluates to 7.000000000000001).
  auto frequent = [&](int64_t count) { return static_cast<double>(count) / n >= min_support; };
  int64_t c = std::min<int64_t>(static_cast<int64_t>(std::ceil(min_support * n)), num_transactions);
  c = std::max<int64_t>(c, 1);
  while (c > 1 && frequent(c - 1)) --c;
  while (c <= num_transactions && !frequent(c)) ++c;
  return c;
}

std::vector<int32_t> FrequentItemsets::CountBySize() const {
  std::vector<int32_t> by_size(1, 0);
  for (int32_t i = 0; i < size(); ++i) {
    const size_t s = static_cast<size_t>(offsets_[i + 1] - offsets_[i]);
    if (by_size.size() <= s) by_size.resize(s + 1, 0);
    ++by_size[s];
  }
  return by_size;
}

std::optional<int32_t> FrequentItemsets::Find(absl::Span<const int32_t> itemset) const {
  if (itemset.empty()) return num_transactions_;
  auto it = lookup_.find(KeyOf(itemset));
  if (it == lookup_.end()) return std::nullopt;
  return counts_[it->second];
}

void FrequentItemsets::BuildLookup() {
  lookup_.clear();
  lookup_.reserve(counts_.size());
  for (int32_t i = 0; i < size(); ++i) lookup_.emplace(KeyOf(items(i)), i);
}

std::string FrequentItemsets::Serialize() const {
  std::string out = "CLTFIS";
  internal::Writer w(&out);
  w.Varint(kFormatVersion);
  w.Varint(static_cast<uint64_t>(num_transactions_));
  w.Varint(static_cast<uint64_t>(num_items_));
  w.Varint(static_cast<uint64_t>(min_count_));
  w.Varint(counts_.size());
  for (int32_t i = 0; i < size(); ++i) {
    absl::Span<const int32_t> set = items(i);
    w.Varint(set.size());
    for (int32_t item : set) w.Varint(static_cast<uint64_t>(item));
    w.Varint(static_cast<uint64_t>(counts_[i]));
  }
  return out;
}

absl::StatusOr<FrequentItemsets> FrequentItemsets::Deserialize(absl::string_view bytes) {
  if (bytes.substr(0, 6) != "CLTFIS") {
    return absl::DataLossError("frequent itemsets: bad magic");
  }
  internal::Reader r(bytes.substr(6));
  if (r.Varint() != kFormatVersion || !r.ok()) {
    return absl::DataLossError("frequent itemsets: unsupported format version");
  }
  const auto num_transactions = static_cast<int32_t>(r.Bounded(INT32_MAX));
  const auto num_items = static_cast<int32_t>(r.Bounded(INT32_MAX));
  const auto min_count = static_cast<int64_t>(r.Bounded(INT32_MAX));
  const uint64_t n = r.Bounded(r.remaining());
  std::vector<int64_t> offsets{0};
  std::vector<int32_t> items, counts;
  for (uint64_t i = 0; i < n && r.ok(); ++i) {
    const uint64_t len = r.Bounded(r.remaining());
    int64_t previous = -1;
    for (uint64_t j = 0; j < len && r.ok(); ++j) {
      const auto item = static_cast<int32_t>(r.Bounded(num_items > 0 ? num_items - 1 : 0));
      if (item <= previous) {
        return absl::DataLossError("frequent itemsets: items not ascending");
      }
      previous = item;
      items.push_back(item);
    }
    offsets.push_back(static_cast<int64_t>(items.size()));
    counts.push_back(static_cast<int32_t>(r.Bounded(INT32_MAX)));
  }
  if (!r.done()) return absl::DataLossError("frequent itemsets: truncated or trailing bytes");
  return FrequentItemsetsBuilder::Make(num_transactions, num_items, min_count, std::move(offsets),
                                       std::move(items), std::move(counts));
}

absl::StatusOr<FrequentItemsets> MineFrequentItemsets(const Transactions& transactions,
                                                      const FpGrowthOptions& options) {
  if (!(options.min_support >= 0 && options.min_support <= 1)) {
    return absl::InvalidArgumentError(
        absl::StrCat("min_support must be in [0, 1], got ", options.min_support));
  }
  if (options.max_length < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("max_length must be >= 0, got ", options.max_length));
  }
  if (options.max_itemsets < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("max_itemsets must be >= 0, got ", options.max_itemsets));
  }
  if (options.num_threads < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("num_threads must be >= 1, got ", options.num_threads));
  }
  const int32_t n = transactions.size();
  const int32_t num_items = transactions.num_items();
  const auto min_count = static_cast<int32_t>(MinSupportCount(options.min_support, n));

  // Item frequencies, then ranks by descending frequency (ties: lower item index first).
  std::vector<int32_t> frequency(static_cast<size_t>(num_items), 0);
  for (int32_t t = 0; t < n; ++t) {
    for (int32_t item : transactions[t]) ++frequency[item];
  }
  std::vector<int32_t> rank_to_item;
  for (int32_t item = 0; item < num_items; ++item) {
    if (frequency[item] >= min_count) rank_to_item.push_back(item);
  }
  std::sort(rank_to_item.begin(), rank_to_item.end(), [&](int32_t a, int32_t b) {
    return frequency[a] != frequency[b] ? frequency[a] > frequency[b] : a < b;
  });
  std::vector<int32_t> item_to_rank(static_cast<size_t>(num_items), kNone);
  for (size_t r = 0; r < rank_to_item.size(); ++r) {
    item_to_rank[rank_to_item[r]] = static_cast<int32_t>(r);
  }
  const auto num_ranks = static_cast<int32_t>(rank_to_item.size());

  // The global tree, built from the rank paths in lexicographic order: each path then shares
  // exactly its common prefix with the previous one, and every new node is its parent's
  // largest child, so insertion never scans sibling lists.
  std::vector<int64_t> path_offsets{0};
  std::vector<int32_t> path_ranks;
  path_ranks.reserve(static_cast<size_t>(transactions.num_occurrences()));
  for (int32_t t = 0; t < n; ++t) {
    const size_t start = path_ranks.size();
    for (int32_t item : transactions[t]) {
      if (item_to_rank[item] != kNone) path_ranks.push_back(item_to_rank[item]);
    }
    std::sort(path_ranks.begin() + static_cast<std::ptrdiff_t>(start), path_ranks.end());
    path_offsets.push_back(static_cast<int64_t>(path_ranks.size()));
  }
  std::vector<int32_t> sorted(static_cast<size_t>(n));
  for (int32_t t = 0; t < n; ++t) sorted[static_cast<size_t>(t)] = t;
  auto path = [&](int32_t t) {
    return absl::Span<const int32_t>(path_ranks.data() + path_offsets[t],
                                     static_cast<size_t>(path_offsets[t + 1] - path_offsets[t]));
  };
  std::sort(sorted.begin(), sorted.end(), [&](int32_t a, int32_t b) {
    const absl::Span<const int32_t> pa = path(a), pb = path(b);
    return std::lexicographical_compare(pa.begin(), pa.end(), pb.begin(), pb.end());
  });
  FpTree tree;
  tree.Reset(num_ranks);
  std::vector<int32_t> stack;  // Nodes of the previous path, by depth.
  absl::Span<const int32_t> previous;
  for (int32_t t : sorted) {
    const absl::Span<const int32_t> p = path(t);
    size_t common = 0;
    while (common < p.size() && common < previous.size() && p[common] == previous[common]) {
      ++common;
    }
    stack.resize(common);
    tree.AppendSortedPath(p.data(), static_cast<int32_t>(p.size()), &stack);
    previous = p;
  }

  // Top-level ranks are handed out dynamically, highest rank (least frequent item) first.
  const int32_t workers = std::max(1, std::min(options.num_threads, num_ranks));
  std::vector<Output> outputs(static_cast<size_t>(workers));
  std::atomic<int32_t> next_rank{num_ranks - 1};
  std::atomic<bool> stopped{false};
  Budget budget;
  budget.max = options.max_itemsets;
  auto work = [&](int32_t w) {
    Miner miner(&rank_to_item, min_count, options.max_length, &options.cancelled, &budget);
    for (;;) {
      if (options.cancelled && options.cancelled()) stopped = true;
      if (stopped) return;
      const int32_t r = next_rank.fetch_sub(1);
      if (r < 0) return;
      if (!miner.MineTopLevel(tree, r, &outputs[static_cast<size_t>(w)])) stopped = true;
    }
  };
  if (workers == 1) {
    work(0);
  } else {
    std::vector<std::thread> threads;
    for (int32_t w = 1; w < workers; ++w) threads.emplace_back(work, w);
    work(0);
    for (std::thread& t : threads) t.join();
  }
  if (budget.exhausted) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "frequent itemsets: more than max_itemsets = ", options.max_itemsets,
        " at min_support = ", options.min_support, " (", min_count, " of ", n,
        " baskets) and max_length = ", options.max_length,
        options.max_length == 0 ? " (no limit)" : "",
        ": raise min_support, set a smaller max_length (3 or 4 serve basket completion) or "
        "raise max_itemsets"));
  }
  if (stopped) return absl::CancelledError("frequent itemset mining was cancelled");

  // Concatenate the segments in rank order (descending), independent of the thread count.
  std::vector<std::pair<int32_t, std::pair<size_t, int32_t>>> order;  // rank, (output, segment)
  size_t total_sets = 0, total_items = 0;
  for (size_t w = 0; w < outputs.size(); ++w) {
    total_sets += outputs[w].counts.size();
    total_items += outputs[w].items.size();
    for (size_t s = 0; s < outputs[w].segments.size(); ++s) {
      order.push_back({outputs[w].segments[s].first, {w, static_cast<int32_t>(s)}});
    }
  }
  std::sort(order.begin(), order.end(),
            [](const auto& a, const auto& b) { return a.first > b.first; });
  std::vector<int64_t> offsets;
  offsets.reserve(total_sets + 1);
  offsets.push_back(0);
  std::vector<int32_t> items, counts;
  items.reserve(total_items);
  counts.reserve(total_sets);
  for (const auto& [rank, where] : order) {
    const Output& out = outputs[where.first];
    const auto [begin, end] = out.segments[static_cast<size_t>(where.second)].second;
    for (int32_t i = begin; i < end; ++i) {
      items.insert(items.end(), out.items.begin() + out.offsets[i],
                   out.items.begin() + out.offsets[i + 1]);
      offsets.push_back(static_cast<int64_t>(items.size()));
      counts.push_back(out.counts[i]);
    }
  }
  return FrequentItemsetsBuilder::Make(n, num_items, min_count, std::move(offsets),
                                       std::move(items), std::move(counts));
}

}  // namespace clientele::recommender
