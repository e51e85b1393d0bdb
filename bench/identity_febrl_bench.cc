// FEBRL 1-3 deduplication with the identity matching core and weights it estimates itself.
//
//   identity_febrl_bench [DATA_DIR=../shared/data/febrl] [DATASETS=1,2,3]
//   identity_febrl_bench --events EVENTS.jsonl TRUTH.csv    (e.g. from `clientele gen`)
//
// Per data set: reads datasetN.csv with the febrl importer, builds PersonRecords (rec_id is
// the source id only), blocks, estimates the model (u from random pairs, m and the prior by EM
// over the candidate pairs), then
//   batch:       scores every candidate pair, links those the model decides kLink, and
//                clusters them (union-find, guarded: two clusters join only if no scored
//                cross pair is a confident non-match);
//   incremental: records in file order, each scored against earlier records only (as the
//                resolver does); a record joins the cluster of its best linking candidate,
//                and clusters it links to as well merge under the same guard. Three model
//                schedules: inc/default (the generic starting config, never estimated),
//                inc/first10% (estimated once from the first 10% of the file), inc/refresh
//                (estimated from the records seen so far at 10%, 20%, 40% and 80%).
// Prints blocking completeness, pairwise precision / recall / F1 against
// datasetN_true_links.csv, and the time of each phase. Same config for every data set.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <numeric>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_split.h"
#include "identity/matching/blocking.h"
#include "identity/matching/linkage_metrics.h"
#include "identity/matching/match_model.h"
#include "identity/matching/model_estimation.h"
#include "identity/matching/person_record.h"
#include "ingest/import/importer.h"

namespace {

using clientele::identity::BlockingKeys;
using clientele::identity::Compare;
using clientele::identity::ComparisonPattern;
using clientele::identity::DefaultMatchModelConfig;
using clientele::identity::EstimationReport;
using clientele::identity::FieldName;
using clientele::identity::LevelName;
using clientele::identity::LinkageMetrics;
using clientele::identity::MatchDecision;
using clientele::identity::MatchModel;
using clientele::identity::MatchModelConfig;
using clientele::identity::MatchModelEstimator;
using clientele::identity::MatchResult;
using clientele::identity::PersonRecord;
using Clock = std::chrono::steady_clock;

// Posting lists longer than this are skipped (as the resolver's cap).
constexpr size_t kMaxPosting = 200;
constexpr int kRandomPairs = 200000;
// A scored cross pair below this probability vetoes joining two clusters.
constexpr double kCannotLinkProbability = 0.01;

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

// CPU time of this thread: unlike wall time, not inflated by other processes on the machine.
double ThreadCpuSeconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

struct Dataset {
  std::vector<std::string> ids;  // rec_id per record
  std::vector<PersonRecord> records;
  std::vector<std::pair<std::string, std::string>> truth;
  double normalize_seconds = 0;                // FromCustomerUpsert only
  absl::flat_hash_set<std::string> truth_set;  // "a|b" with a < b

  void IndexTruth() {
    for (const auto& [a, b] : truth) truth_set.insert(a < b ? a + "|" + b : b + "|" + a);
  }
  bool Same(int a, int b) const {
    const std::string& x = ids[a];
    const std::string& y = ids[b];
    return truth_set.contains(x < y ? x + "|" + y : y + "|" + x);
  }
};

void ReadTruth(const std::string& path, Dataset* d) {
  std::ifstream links(path);
  std::string line;
  std::getline(links, line);  // header
  while (std::getline(links, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    std::vector<std::string> parts = absl::StrSplit(line, ',');
    if (parts.size() == 2) d->truth.emplace_back(parts[0], parts[1]);
  }
  d->IndexTruth();
}

// An events-jsonl file (e.g. `clientele gen`): CustomerUpserts of one source key merge, as in
// the resolver; ids are source keys "system/id", as in the truth file.
bool LoadEvents(const std::string& events, const std::string& truth, Dataset* d) {
  auto importer = clientele::ingest::OpenImporter(clientele::ingest::ImportFormat::kEventsJsonl,
                                                  events, clientele::ingest::ImportOptions());
  if (!importer.ok()) {
    std::fprintf(stderr, "%s\n", importer.status().ToString().c_str());
    return false;
  }
  clientele::ingest::ImportBatch batch;
  const clientele::identity::NormalizationOptions options;
  absl::flat_hash_map<std::string, size_t> index;
  for (;;) {
    auto more = (*importer)->Next(1000, &batch);
    if (!more.ok() || !*more) break;
    for (const auto& e : batch.events) {
      if (!e.has_customer_upsert()) continue;
      const std::string key = e.source().system() + "/" + e.source().id();
      const double start = ThreadCpuSeconds();
      PersonRecord r = clientele::identity::FromCustomerUpsert(key, e.customer_upsert(), options);
      d->normalize_seconds += ThreadCpuSeconds() - start;
      auto [it, inserted] = index.emplace(key, d->records.size());
      if (inserted) {
        d->ids.push_back(key);
        d->records.push_back(std::move(r));
      } else {
        d->records[it->second] = clientele::identity::MergeNewer(d->records[it->second], r);
      }
    }
  }
  ReadTruth(truth, d);
  return true;
}

bool Load(const std::string& dir, int n, Dataset* d) {
  const std::string csv = dir + "/dataset" + std::to_string(n) + ".csv";
  auto importer = clientele::ingest::OpenImporter(clientele::ingest::ImportFormat::kFebrl, csv,
                                                  clientele::ingest::ImportOptions());
  if (!importer.ok()) {
    std::fprintf(stderr, "%s\n", importer.status().ToString().c_str());
    return false;
  }
  clientele::ingest::ImportBatch batch;
  clientele::identity::NormalizationOptions options;  // defaults, as for any source
  // FEBRL_NO_SECONDARY_ID=1: ignore soc_sec_id, as most CRM sources have no such identifier.
  if (std::getenv("FEBRL_NO_SECONDARY_ID") != nullptr) options.secondary_id_attributes.clear();
  for (;;) {
    auto more = (*importer)->Next(1000, &batch);
    if (!more.ok() || !*more) break;
    const double start = ThreadCpuSeconds();
    for (const auto& e : batch.events) {
      d->ids.push_back(e.source().id());
      d->records.push_back(clientele::identity::FromCustomerUpsert(
          e.source().system() + "/" + e.source().id(), e.customer_upsert(), options));
    }
    d->normalize_seconds += ThreadCpuSeconds() - start;
    for (const auto& r : batch.rejections) {
      std::fprintf(stderr, "rejected row %lld: %s %s\n", static_cast<long long>(r.row()),
                   r.field().c_str(), r.reason().c_str());
    }
  }
  ReadTruth(dir + "/dataset" + std::to_string(n) + "_true_links.csv", d);
  return true;
}

class UnionFind {
 public:
  explicit UnionFind(size_t n) : parent_(n) { std::iota(parent_.begin(), parent_.end(), 0); }
  int Find(int x) {
    while (parent_[x] != x) x = parent_[x] = parent_[parent_[x]];
    return x;
  }
  void Union(int a, int b) { parent_[Find(b)] = Find(a); }

 private:
  std::vector<int> parent_;
};

// Pair key for hash sets and maps: (min, max).
uint64_t PairKey(int a, int b) {
  if (a > b) std::swap(a, b);
  return (static_cast<uint64_t>(a) << 32) | static_cast<uint32_t>(b);
}

// Clusters under construction with the guard: two clusters join only if no pair scored
// between them is a confident non-match.
class GuardedClusters {
 public:
  explicit GuardedClusters(size_t n) : uf_(n), members_(n) {
    for (size_t i = 0; i < n; ++i) members_[i] = {static_cast<int>(i)};
  }
  // Remembers the probability of a scored pair.
  void Scored(int a, int b, double probability) { scored_[PairKey(a, b)] = probability; }
  int Find(int x) { return uf_.Find(x); }
  // Joins the clusters of a and b unless the guard forbids it; true if joined (or already one).
  bool Join(int a, int b) {
    int ra = uf_.Find(a), rb = uf_.Find(b);
    if (ra == rb) return true;
    for (int x : members_[ra]) {
      for (int y : members_[rb]) {
        auto it = scored_.find(PairKey(x, y));
        if (it != scored_.end() && it->second < kCannotLinkProbability) {
          ++refused_;
          return false;
        }
      }
    }
    if (members_[ra].size() < members_[rb].size()) std::swap(ra, rb);
    uf_.Union(ra, rb);
    members_[ra].insert(members_[ra].end(), members_[rb].begin(), members_[rb].end());
    members_[rb].clear();
    return true;
  }
  int refused() const { return refused_; }

 private:
  UnionFind uf_;
  std::vector<std::vector<int>> members_;
  absl::flat_hash_map<uint64_t, double> scored_;
  int refused_ = 0;
};

LinkageMetrics Evaluate(const Dataset& d, GuardedClusters* clusters) {
  absl::flat_hash_map<std::string, std::string> cluster_of;
  for (size_t i = 0; i < d.ids.size(); ++i) {
    cluster_of[d.ids[i]] = std::to_string(clusters->Find(static_cast<int>(i)));
  }
  return clientele::identity::PairwiseLinkageMetrics(d.truth, cluster_of);
}

// Key -> records, skipping keys over kMaxPosting when queried.
using Index = absl::flat_hash_map<std::string, std::vector<int>>;

std::vector<std::pair<int, int>> CandidatePairs(const std::vector<std::vector<std::string>>& keys,
                                                size_t n) {
  Index index;
  for (size_t i = 0; i < n; ++i) {
    for (const std::string& k : keys[i]) index[k].push_back(static_cast<int>(i));
  }
  absl::flat_hash_set<uint64_t> seen;
  std::vector<std::pair<int, int>> pairs;
  for (const auto& [key, posting] : index) {
    if (posting.size() > kMaxPosting) continue;
    for (size_t x = 0; x < posting.size(); ++x) {
      for (size_t y = x + 1; y < posting.size(); ++y) {
        if (seen.insert(PairKey(posting[x], posting[y])).second) {
          pairs.emplace_back(posting[x], posting[y]);
        }
      }
    }
  }
  std::sort(pairs.begin(), pairs.end());
  return pairs;
}

// The config of every run: the generic defaults. The environment variables below change it,
// for exploring their effect only.
MatchModelConfig BenchConfig() {
  MatchModelConfig config = DefaultMatchModelConfig();
  if (const char* p = std::getenv("FEBRL_LINK_PROBABILITY")) config.link_probability = std::atof(p);
  // FEBRL_FIXED_U=1: u from random pairs only (EM estimates m and the prior alone).
  if (std::getenv("FEBRL_FIXED_U") != nullptr) config.em_updates_u = false;
  return config;
}

MatchModel EstimateModel(const Dataset& d, size_t n, const std::vector<std::pair<int, int>>& pairs,
                         EstimationReport* report) {
  MatchModelEstimator estimator(BenchConfig());
  std::mt19937_64 rng(42);
  std::uniform_int_distribution<size_t> pick(0, n - 1);
  // No more draws than there are distinct pairs: repeated draws of a few records would count
  // as evidence they are not.
  const int draws = static_cast<int>(std::min<double>(kRandomPairs, n * (n - 1.0) / 2));
  for (int i = 0; i < draws; ++i) {
    const size_t a = pick(rng), b = pick(rng);
    if (a != b) estimator.ObserveRandom(Compare(d.records[a], d.records[b]));
  }
  for (const auto& [a, b] : pairs) estimator.Observe(Compare(d.records[a], d.records[b]));
  auto model = estimator.Estimate(report);
  if (!model.ok()) return MatchModel(BenchConfig());
  return *std::move(model);
}

void PrintMetrics(const char* label, const LinkageMetrics& m, double seconds) {
  std::printf(
      "  %-12s precision %.4f  recall %.4f  F1 %.4f  (true %lld, predicted %lld, "
      "correct %lld)  %.3f s\n",
      label, m.precision, m.recall, m.f1, static_cast<long long>(m.true_pairs),
      static_cast<long long>(m.predicted_pairs), static_cast<long long>(m.correct_pairs), seconds);
}

// Prints, per field and level, the model's m and u next to the level's frequency among the true
// matching candidate pairs ("m (true)") and the non-matching ones ("u (true)"): labels the
// estimation never sees.
void ShowParameters(const Dataset& d, const std::vector<std::pair<int, int>>& pairs,
                    const MatchModel& model) {
  using clientele::identity::FieldAt;
  using clientele::identity::kFieldCount;
  using clientele::identity::kMissingLevel;
  using clientele::identity::LevelCount;
  double counts[2][kFieldCount][8] = {};
  double known[2][kFieldCount] = {};
  for (const auto& [a, b] : pairs) {
    const bool same = d.Same(a, b);
    const ComparisonPattern p = Compare(d.records[a], d.records[b]);
    for (int f = 0; f < kFieldCount; ++f) {
      if (p.levels[f] == kMissingLevel) continue;
      counts[same][f][p.levels[f]] += 1;
      known[same][f] += 1;
    }
  }
  std::printf("  %-13s %-22s %8s %8s %10s %10s\n", "field", "level", "m (EM)", "m (true)",
              "u (model)", "u (true)");
  for (int f = 0; f < kFieldCount; ++f) {
    if (known[1][f] == 0) continue;
    for (int l = 0; l < LevelCount(FieldAt(f)); ++l) {
      std::printf("  %-13s %-22s %8.4f %8.4f %10.6f %10.6f\n",
                  std::string(FieldName(FieldAt(f))).c_str(),
                  std::string(LevelName(FieldAt(f), l)).c_str(), model.config().fields[f].m[l],
                  counts[1][f][l] / known[1][f], model.config().fields[f].u[l],
                  known[0][f] > 0 ? counts[0][f][l] / known[0][f] : 0.0);
    }
  }
}

void RunBatch(const Dataset& d) {
  const size_t n = d.records.size();
  Clock::time_point start = Clock::now();
  std::vector<std::vector<std::string>> keys(n);
  for (size_t i = 0; i < n; ++i) keys[i] = BlockingKeys(d.records[i]);
  const std::vector<std::pair<int, int>> pairs = CandidatePairs(keys, n);
  const double blocking_s = Seconds(start);

  absl::flat_hash_map<std::string, int> index_of;
  for (size_t i = 0; i < n; ++i) index_of[d.ids[i]] = static_cast<int>(i);
  absl::flat_hash_set<uint64_t> candidate_set;
  for (const auto& [a, b] : pairs) candidate_set.insert(PairKey(a, b));
  int blocked_true = 0;
  for (const auto& [a, b] : d.truth) {
    blocked_true += candidate_set.contains(PairKey(index_of[a], index_of[b])) ? 1 : 0;
  }
  std::printf("  blocking     %zu candidate pairs, %d of %zu true pairs (%.4f)  %.3f s\n",
              pairs.size(), blocked_true, d.truth.size(),
              static_cast<double>(blocked_true) / d.truth.size(), blocking_s);

  start = Clock::now();
  EstimationReport report;
  const MatchModel model = EstimateModel(d, n, pairs, &report);
  std::printf(
      "  estimation   EM %d iterations (%s), prior %.4f = %.0f expected matches, %lld "
      "patterns  %.3f s\n",
      report.iterations, report.converged ? "converged" : "not converged", report.prior,
      report.expected_matches, static_cast<long long>(report.distinct_patterns), Seconds(start));

  if (std::getenv("FEBRL_SHOW_PARAMS") != nullptr) ShowParameters(d, pairs, model);

  // Throughput of the parts the resolver repeats per record: best of 5 passes.
  double scoring_s = 1e100, keys_s = 1e100;
  size_t checksum = 0;
  for (int pass = 0; pass < 5; ++pass) {
    double t = ThreadCpuSeconds();
    for (const auto& [a, b] : pairs) {
      checksum += static_cast<size_t>(model.Evaluate(d.records[a], d.records[b]).decision);
    }
    scoring_s = std::min(scoring_s, ThreadCpuSeconds() - t);
    t = ThreadCpuSeconds();
    for (size_t i = 0; i < n; ++i) checksum += BlockingKeys(d.records[i]).size();
    keys_s = std::min(keys_s, ThreadCpuSeconds() - t);
  }
  std::printf(
      "  speed (CPU)  Evaluate %.2f M pairs/s; BlockingKeys %.0f k records/s; "
      "FromCustomerUpsert %.0f k records/s (checksum %zu)\n",
      pairs.size() / scoring_s / 1e6, n / keys_s / 1e3,
      n / std::max(d.normalize_seconds, 1e-9) / 1e3, checksum);

  start = Clock::now();
  std::vector<MatchResult> results;
  results.reserve(pairs.size());
  for (const auto& [a, b] : pairs) results.push_back(model.Evaluate(d.records[a], d.records[b]));

  GuardedClusters clusters(n);
  std::vector<size_t> order;
  for (size_t i = 0; i < pairs.size(); ++i) {
    clusters.Scored(pairs[i].first, pairs[i].second, results[i].probability);
    if (results[i].decision == MatchDecision::kLink) order.push_back(i);
  }
  std::sort(order.begin(), order.end(),
            [&](size_t x, size_t y) { return results[x].weight > results[y].weight; });
  for (size_t i : order) clusters.Join(pairs[i].first, pairs[i].second);
  PrintMetrics("batch", Evaluate(d, &clusters), Seconds(start) + blocking_s);
  size_t review = 0;
  for (const MatchResult& r : results) review += r.decision == MatchDecision::kReview ? 1 : 0;
  std::printf("  batch        %zu linked pairs, %zu for review, %d joins refused by the guard\n",
              order.size(), review, clusters.refused());

  if (std::getenv("FEBRL_SHOW_ERRORS") != nullptr) {
    GuardedClusters* c = &clusters;
    int shown = 0;
    std::vector<std::pair<int, int>> shown_pairs = pairs;
    for (const auto& [a, b] : d.truth) shown_pairs.emplace_back(index_of[a], index_of[b]);
    absl::flat_hash_set<uint64_t> done;
    for (size_t i = 0; i < shown_pairs.size() && shown < 40; ++i) {
      const auto [a, b] = shown_pairs[i];
      if (!done.insert(PairKey(a, b)).second) continue;
      const bool same = d.Same(a, b);
      const bool linked = c->Find(a) == c->Find(b);
      if (same == linked) continue;
      ++shown;
      auto e = model.Score(d.records[a], d.records[b]);
      std::printf("  %s %s %s w=%.2f p=%.4f\n", same ? "MISSED" : "FALSE", d.ids[a].c_str(),
                  d.ids[b].c_str(), e.weight, e.probability);
      for (const auto& f : e.fields) {
        if (f.level == "missing") continue;
        std::printf("      %-13s %-22s %6.2f  '%s' | '%s'\n", f.field.c_str(), f.level.c_str(),
                    f.weight, f.value_a.c_str(), f.value_b.c_str());
      }
    }
  }
}

enum class Refresh { kNever, kOnce, kDoubling };

// Records in file order, each scored against earlier ones only. The model: the default config
// until the first estimation, which happens at 10% of the file (kOnce, kDoubling) and again
// at 20%, 40% and 80% (kDoubling); kNever keeps the default config throughout.
void RunIncremental(const Dataset& d, Refresh refresh, const char* label) {
  const size_t n = d.records.size();
  const Clock::time_point start = Clock::now();
  MatchModel model(BenchConfig());
  Index index;
  GuardedClusters clusters(n);
  std::vector<std::pair<int, int>> seen_pairs;  // candidate pairs so far, for re-estimation
  size_t next_refresh = refresh == Refresh::kNever ? n : std::max<size_t>(n / 10, 1);
  double estimation_s = 0;
  int estimations = 0;
  std::vector<int> candidates;
  absl::flat_hash_set<int> candidate_set;
  for (size_t i = 0; i < n; ++i) {
    if (i == next_refresh) {
      const Clock::time_point t = Clock::now();
      EstimationReport report;
      model = EstimateModel(d, i, seen_pairs, &report);
      if (std::getenv("FEBRL_SHOW_ESTIMATES") != nullptr) {
        std::printf("  %-12s estimated at record %zu: %lld candidate pairs, prior %.4f\n", label, i,
                    static_cast<long long>(report.candidate_pairs), report.prior);
        for (int f = 0; f < clientele::identity::kFieldCount; ++f) {
          const auto field = clientele::identity::FieldAt(f);
          std::printf("    %-13s", std::string(FieldName(field)).c_str());
          for (int l = 0; l < clientele::identity::LevelCount(field); ++l) {
            std::printf(" %6.2f", model.LevelWeight(field, static_cast<uint8_t>(l)));
          }
          std::printf("\n");
        }
      }
      estimation_s += Seconds(t);
      ++estimations;
      next_refresh = refresh == Refresh::kDoubling ? next_refresh * 2 : n;
    }
    const std::vector<std::string> keys = BlockingKeys(d.records[i]);
    candidates.clear();
    candidate_set.clear();
    for (const std::string& k : keys) {
      auto it = index.find(k);
      if (it == index.end() || it->second.size() > kMaxPosting) continue;
      for (int c : it->second) {
        if (candidate_set.insert(c).second) candidates.push_back(c);
      }
    }
    // Best linking candidate first; then merge with other linking clusters under the guard.
    std::vector<std::pair<double, int>> links;
    for (int c : candidates) {
      seen_pairs.emplace_back(c, static_cast<int>(i));
      const MatchResult r = model.Evaluate(d.records[c], d.records[i]);
      clusters.Scored(c, static_cast<int>(i), r.probability);
      if (r.decision == MatchDecision::kLink) links.emplace_back(r.weight, c);
    }
    std::sort(links.rbegin(), links.rend());
    for (const auto& [weight, c] : links) clusters.Join(c, static_cast<int>(i));
    for (const std::string& k : keys) index[k].push_back(static_cast<int>(i));
  }
  const double total_s = Seconds(start);
  PrintMetrics(label, Evaluate(d, &clusters), total_s);
  std::printf(
      "  %-12s %.0f records/s without the %d estimations (%.3f s), %.1f candidates per "
      "record, %d joins refused\n",
      label, n / std::max(total_s - estimation_s, 1e-9), estimations, estimation_s,
      static_cast<double>(seen_pairs.size()) / n, clusters.refused());
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 4 && std::string(argv[1]) == "--events") {
    Dataset d;
    if (!LoadEvents(argv[2], argv[3], &d)) return 1;
    std::printf("%s: %zu records, %zu true pairs\n", argv[2], d.records.size(), d.truth.size());
    RunBatch(d);
    RunIncremental(d, Refresh::kNever, "inc/default");
    RunIncremental(d, Refresh::kDoubling, "inc/refresh");
    return 0;
  }
  const std::string dir = argc > 1 ? argv[1] : "../shared/data/febrl";
  const std::string which = argc > 2 ? argv[2] : "1,2,3";
  for (const std::string& part : std::vector<std::string>(absl::StrSplit(which, ','))) {
    const int n = std::atoi(part.c_str());
    Dataset d;
    const Clock::time_point start = Clock::now();
    if (!Load(dir, n, &d)) return 1;
    std::printf("dataset%d: %zu records, %zu true pairs (read + normalize %.3f s)\n", n,
                d.records.size(), d.truth.size(), Seconds(start));
    RunBatch(d);
    RunIncremental(d, Refresh::kNever, "inc/default");
    RunIncremental(d, Refresh::kOnce, "inc/first10%");
    RunIncremental(d, Refresh::kDoubling, "inc/refresh");
  }
  return 0;
}
