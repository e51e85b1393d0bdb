// Frequent itemsets, association rules and content similarity on public data sets.
//
//   recommender_groceries_bench groceries GROCERIES_CSV [--support=0.001] [--confidence=0.8]
//                               [--runs=21] [--threads=1] [--rules_out=FILE]
//       Reads the arules Groceries basket file (not timed), then runs FP-Growth `runs` times
//       and prints the itemset count (by size), the rule count at the confidence, and the
//       median / min / max mining time in ms. --rules_out writes the rules, one per line, as
//       "{a,b} => {c}<TAB>support<TAB>confidence<TAB>lift" (arules' labels).
//   recommender_groceries_bench similar ONLINE_RETAIL_CSV [--k=10] [--queries=1000]
//                               [--mode=hnsw|exact] [--ef=100] [--m=16] [--ef_construction=200]
//                               [--max_features=0]
//       One item per StockCode (its first non-empty Description), TF-IDF over the
//       descriptions, an index built in the given mode; prints build time, mean and p99 query
//       time of SimilarItems(k), and recall@k of HNSW against exact brute force.
//
//   recommender_groceries_bench vectors [--n=20000] [--dim=384] [--clusters=200] [--k=10]
//                               [--queries=1000] [--ef=100] [--m=16] [--ef_construction=200]
//                               [--threads=1]
//       Caller-supplied dense vectors (synthetic, clustered; the all-MiniLM-L6-v2 dimension):
//       HNSW build time, query time and recall@k against brute force.
//
// Prints one JSON object per run on the last line (for scripts), human-readable lines above.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/text/csv_reader.h"
#include "recommender/content/item_similarity_index.h"
#include "recommender/rules/association_rules.h"
#include "recommender/rules/basket_text.h"
#include "recommender/rules/fp_growth.h"

namespace {

using namespace clientele::recommender;  // NOLINT: a bench binary.
using Clock = std::chrono::steady_clock;

// CPU time of the whole process (all threads), in ms: robust to other jobs on the machine.
double CpuMs() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

double MsSince(Clock::time_point t) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

bool ReadFile(const std::string& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream s;
  s << in.rdbuf();
  *out = s.str();
  return true;
}

// --name=value flags after the positional arguments.
std::string Flag(int argc, char** argv, const std::string& name, const std::string& fallback) {
  const std::string prefix = "--" + name + "=";
  for (int i = 1; i < argc; ++i) {
    if (absl::StartsWith(argv[i], prefix)) return std::string(argv[i] + prefix.size());
  }
  return fallback;
}
double FlagDouble(int argc, char** argv, const std::string& name, double fallback) {
  double v = fallback;
  const std::string s = Flag(argc, argv, name, "");
  if (!s.empty() && !absl::SimpleAtod(s, &v)) std::fprintf(stderr, "bad --%s\n", name.c_str());
  return v;
}

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const size_t i = std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())));
  return v[i];
}

int Groceries(int argc, char** argv) {
  std::string text;
  if (!ReadFile(argv[2], &text)) {
    std::fprintf(stderr, "cannot read %s\n", argv[2]);
    return 1;
  }
  const double support = FlagDouble(argc, argv, "support", 0.001);
  const double confidence = FlagDouble(argc, argv, "confidence", 0.8);
  const int runs = static_cast<int>(FlagDouble(argc, argv, "runs", 21));
  const int threads = static_cast<int>(FlagDouble(argc, argv, "threads", 1));
  absl::StatusOr<BasketText> data = ParseBasketText(text);
  if (!data.ok()) {
    std::fprintf(stderr, "%s\n", data.status().ToString().c_str());
    return 1;
  }
  std::printf("transactions %d, items %zu, occurrences %lld, min count %lld\n",
              data->transactions.size(), data->item_names.size(),
              static_cast<long long>(data->transactions.num_occurrences()),
              static_cast<long long>(MinSupportCount(support, data->transactions.size())));
  FpGrowthOptions options;
  options.min_support = support;
  options.num_threads = threads;
  std::vector<double> times, cpu_times;
  absl::StatusOr<FrequentItemsets> sets;
  for (int run = 0; run < runs; ++run) {
    const Clock::time_point start = Clock::now();
    const double cpu_start = CpuMs();
    sets = MineFrequentItemsets(data->transactions, options);
    times.push_back(MsSince(start));
    cpu_times.push_back(CpuMs() - cpu_start);
    if (!sets.ok()) {
      std::fprintf(stderr, "%s\n", sets.status().ToString().c_str());
      return 1;
    }
  }
  const Clock::time_point rules_start = Clock::now();
  absl::StatusOr<AssociationRules> rules = GenerateRules(*sets, {.min_confidence = confidence});
  const double rules_ms = MsSince(rules_start);
  if (!rules.ok()) {
    std::fprintf(stderr, "%s\n", rules.status().ToString().c_str());
    return 1;
  }
  const std::vector<int32_t> by_size = sets->CountBySize();
  std::printf("itemsets %d (by size: %s)\n", sets->size(),
              absl::StrJoin(by_size.begin() + 1, by_size.end(), " ").c_str());
  std::printf("rules %d at confidence %g (%.2f ms)\n", rules->size(), confidence, rules_ms);
  std::printf(
      "itemsets time over %d runs: median %.2f ms, min %.2f, max %.2f (threads %d); CPU time "
      "median %.2f ms\n",
      runs, Percentile(times, 0.5), Percentile(times, 0), Percentile(times, 1), threads,
      Percentile(cpu_times, 0.5));
  const std::string rules_out = Flag(argc, argv, "rules_out", "");
  if (!rules_out.empty()) {
    std::ofstream out(rules_out);
    for (const AssociationRule& rule : rules->rules()) {
      std::vector<std::string> lhs;
      for (int32_t item : rule.antecedent) lhs.push_back(data->item_names[item]);
      out << "{" << absl::StrJoin(lhs, ",") << "} => {" << data->item_names[rule.consequent]
          << "}\t" << rule.support << "\t" << rule.confidence << "\t" << rule.lift << "\n";
    }
  }
  std::printf(
      "{\"transactions\": %d, \"items\": %zu, \"min_support\": %g, \"itemsets\": %d, "
      "\"min_confidence\": %g, \"rules\": %d, \"runs\": %d, \"threads\": %d, "
      "\"median_ms\": %.3f, \"min_ms\": %.3f, \"max_ms\": %.3f, \"cpu_median_ms\": %.3f, "
      "\"rules_ms\": %.3f}\n",
      data->transactions.size(), data->item_names.size(), support, sets->size(), confidence,
      rules->size(), runs, threads, Percentile(times, 0.5), Percentile(times, 0),
      Percentile(times, 1), Percentile(cpu_times, 0.5), rules_ms);
  return 0;
}

// One text per StockCode: the first non-empty Description, in file order.
std::vector<std::string> RetailDescriptions(const std::string& csv) {
  std::vector<std::string> texts;
  absl::flat_hash_set<std::string> seen;
  clientele::text::CsvReader reader(csv);
  clientele::text::CsvRecord record;
  bool header = true;
  while (reader.Next(&record)) {
    if (header) {
      header = false;
      continue;
    }
    if (record.fields.size() < 3 || record.fields[2].empty()) continue;
    std::string code(record.fields[1]);
    if (seen.contains(code)) continue;
    seen.insert(code);
    texts.emplace_back(record.fields[2]);
  }
  return texts;
}

int Similar(int argc, char** argv) {
  std::string csv;
  if (!ReadFile(argv[2], &csv)) {
    std::fprintf(stderr, "cannot read %s\n", argv[2]);
    return 1;
  }
  const int k = static_cast<int>(FlagDouble(argc, argv, "k", 10));
  const int queries = static_cast<int>(FlagDouble(argc, argv, "queries", 1000));
  const std::string mode = Flag(argc, argv, "mode", "hnsw");
  SimilarityIndexOptions options;
  options.mode =
      mode == "exact" ? SimilarityIndexOptions::Mode::kExact : SimilarityIndexOptions::Mode::kHnsw;
  options.hnsw_ef_search = static_cast<int32_t>(FlagDouble(argc, argv, "ef", 100));
  options.hnsw_m = static_cast<int32_t>(FlagDouble(argc, argv, "m", 16));
  options.hnsw_ef_construction =
      static_cast<int32_t>(FlagDouble(argc, argv, "ef_construction", 200));
  TfidfOptions tfidf;
  tfidf.max_features = static_cast<int32_t>(FlagDouble(argc, argv, "max_features", 0));
  const std::vector<std::string> texts = RetailDescriptions(csv);
  const Clock::time_point build_start = Clock::now();
  absl::StatusOr<std::unique_ptr<ItemSimilarityIndex>> index =
      ItemSimilarityIndex::BuildFromText(texts, tfidf, options);
  const double build_ms = MsSince(build_start);
  if (!index.ok()) {
    std::fprintf(stderr, "%s\n", index.status().ToString().c_str());
    return 1;
  }
  // Reference: the same TF-IDF in exact mode.
  SimilarityIndexOptions exact_options = options;
  exact_options.mode = SimilarityIndexOptions::Mode::kExact;
  absl::StatusOr<std::unique_ptr<ItemSimilarityIndex>> exact =
      ItemSimilarityIndex::BuildFromText(texts, tfidf, exact_options);
  if (!exact.ok()) return 1;
  const int32_t n = (*index)->num_items();
  std::vector<double> times, exact_times;
  int64_t hits = 0, relevant = 0;
  for (int q = 0; q < queries; ++q) {
    const int32_t item = static_cast<int32_t>((static_cast<int64_t>(q) * 7919) % n);
    Clock::time_point start = Clock::now();
    absl::StatusOr<std::vector<SimilarItem>> got = (*index)->SimilarItems(item, k);
    times.push_back(MsSince(start));
    start = Clock::now();
    absl::StatusOr<std::vector<SimilarItem>> want = (*exact)->SimilarItems(item, k);
    exact_times.push_back(MsSince(start));
    if (!got.ok() || !want.ok()) return 1;
    // Recall against the exact top k; items tied with the k-th exact score count as hits.
    const float kth = want->empty() ? 0 : want->back().score;
    for (const SimilarItem& g : *got) {
      bool in = false;
      for (const SimilarItem& w : *want) in = in || w.item == g.item;
      hits += (in || g.score >= kth - 1e-6f) ? 1 : 0;
    }
    relevant += static_cast<int64_t>(want->size());
  }
  double mean = 0;
  for (double t : times) mean += t;
  mean /= std::max<size_t>(times.size(), 1);
  const double recall = relevant > 0 ? static_cast<double>(hits) / relevant : 1.0;
  std::printf("items %d, vocabulary %d, mode %s (hnsw %d), build %.1f ms\n", n,
              (*index)->dimension(), mode.c_str(), (*index)->uses_hnsw() ? 1 : 0, build_ms);
  std::printf(
      "SimilarItems(k=%d) over %d queries: mean %.3f ms, p50 %.3f, p99 %.3f; exact "
      "p50 %.3f ms; recall@%d vs exact %.4f\n",
      k, queries, mean, Percentile(times, 0.5), Percentile(times, 0.99),
      Percentile(exact_times, 0.5), k, recall);
  std::printf(
      "{\"items\": %d, \"vocabulary\": %d, \"mode\": \"%s\", \"build_ms\": %.1f, "
      "\"k\": %d, \"queries\": %d, \"mean_ms\": %.4f, \"p50_ms\": %.4f, "
      "\"p99_ms\": %.4f, \"exact_p50_ms\": %.4f, \"recall\": %.4f}\n",
      n, (*index)->dimension(), mode.c_str(), build_ms, k, queries, mean, Percentile(times, 0.5),
      Percentile(times, 0.99), Percentile(exact_times, 0.5), recall);
  return 0;
}

// Caller-supplied dense vectors (the all-MiniLM-L6-v2 shape: 384 floats), synthetic: `clusters`
// Gaussian centres plus noise. Reports HNSW build and query time and recall@k vs brute force.
int Vectors(int argc, char** argv) {
  const int32_t n = static_cast<int32_t>(FlagDouble(argc, argv, "n", 20000));
  const int32_t dim = static_cast<int32_t>(FlagDouble(argc, argv, "dim", 384));
  const int32_t clusters = static_cast<int32_t>(FlagDouble(argc, argv, "clusters", 200));
  const int k = static_cast<int>(FlagDouble(argc, argv, "k", 10));
  const int queries = static_cast<int>(FlagDouble(argc, argv, "queries", 1000));
  SimilarityIndexOptions options;
  options.mode = SimilarityIndexOptions::Mode::kHnsw;
  options.hnsw_ef_search = static_cast<int32_t>(FlagDouble(argc, argv, "ef", 100));
  options.hnsw_m = static_cast<int32_t>(FlagDouble(argc, argv, "m", 16));
  options.hnsw_ef_construction =
      static_cast<int32_t>(FlagDouble(argc, argv, "ef_construction", 200));
  options.build_threads = static_cast<int32_t>(FlagDouble(argc, argv, "threads", 1));
  std::mt19937 rng(1);
  std::normal_distribution<float> g(0, 1);
  std::vector<float> centres(static_cast<size_t>(clusters) * dim);
  for (float& x : centres) x = g(rng);
  std::vector<float> v(static_cast<size_t>(n) * dim);
  for (int32_t i = 0; i < n; ++i) {
    const size_t c = rng() % static_cast<uint32_t>(clusters);
    for (int32_t j = 0; j < dim; ++j) {
      v[static_cast<size_t>(i) * dim + j] = centres[c * dim + j] + 0.8f * g(rng);
    }
  }
  const Clock::time_point build_start = Clock::now();
  absl::StatusOr<std::unique_ptr<ItemSimilarityIndex>> index =
      ItemSimilarityIndex::Build(v, dim, options);
  const double build_ms = MsSince(build_start);
  if (!index.ok()) {
    std::fprintf(stderr, "%s\n", index.status().ToString().c_str());
    return 1;
  }
  std::vector<double> times, exact_times;
  int64_t hits = 0, relevant = 0;
  for (int q = 0; q < queries; ++q) {
    const int32_t item = static_cast<int32_t>((static_cast<int64_t>(q) * 7919) % n);
    Clock::time_point start = Clock::now();
    absl::StatusOr<std::vector<SimilarItem>> got = (*index)->SimilarItems(item, k);
    times.push_back(MsSince(start));
    if (!got.ok()) return 1;
    absl::Span<const float> query(v.data() + static_cast<size_t>(item) * dim,
                                  static_cast<size_t>(dim));
    start = Clock::now();
    const std::vector<SimilarItem> want =
        (*index)->ExactSimilarToVector(query, k, [item](int32_t x) { return x != item; });
    exact_times.push_back(MsSince(start));
    for (const SimilarItem& w : want) {
      for (const SimilarItem& x : *got) hits += x.item == w.item ? 1 : 0;
    }
    relevant += static_cast<int64_t>(want.size());
  }
  const double recall = relevant > 0 ? static_cast<double>(hits) / relevant : 1.0;
  std::printf(
      "vectors %d x %d (%d clusters), HNSW M %d ef_construction %d ef %d: build %.0f ms "
      "(%d threads)\n",
      n, dim, clusters, options.hnsw_m, options.hnsw_ef_construction, options.hnsw_ef_search,
      build_ms, options.build_threads);
  std::printf(
      "SimilarItems(k=%d) over %d queries: p50 %.3f ms, p99 %.3f; brute force p50 %.3f "
      "ms; recall@%d %.4f\n",
      k, queries, Percentile(times, 0.5), Percentile(times, 0.99), Percentile(exact_times, 0.5), k,
      recall);
  std::printf(
      "{\"items\": %d, \"dim\": %d, \"build_ms\": %.1f, \"k\": %d, \"queries\": %d, "
      "\"p50_ms\": %.4f, \"p99_ms\": %.4f, \"exact_p50_ms\": %.4f, \"recall\": %.4f}\n",
      n, dim, build_ms, k, queries, Percentile(times, 0.5), Percentile(times, 0.99),
      Percentile(exact_times, 0.5), recall);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc >= 3 && std::string(argv[1]) == "groceries") return Groceries(argc, argv);
  if (argc >= 3 && std::string(argv[1]) == "similar") return Similar(argc, argv);
  if (argc >= 2 && std::string(argv[1]) == "vectors") return Vectors(argc, argv);
  std::fprintf(stderr,
               "usage: recommender_groceries_bench groceries FILE [--support=S] "
               "[--confidence=C] [--runs=N] [--threads=T] [--rules_out=FILE]\n"
               "       recommender_groceries_bench similar ONLINE_RETAIL_CSV [--k=10] "
               "[--queries=1000] [--mode=hnsw|exact]\n"
               "       recommender_groceries_bench vectors [--n=20000] [--dim=384]\n");
  return 2;
}
