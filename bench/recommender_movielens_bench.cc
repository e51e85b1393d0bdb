// recommender_movielens_bench: offline quality and serving cost of the recommender models.
//
//   build/bin/recommender_movielens_bench [--movielens=PATH/u.data] [--retail=PATH.csv]
//       [--seeds=5] [--sections=movielens,retail,latency] [--ease_grid=full|plain]
//       [--models=ease,svd,...]
//   build/bin/recommender_movielens_bench --sections=train [--seeds=5]   # default configs' cost
//   build/bin/recommender_movielens_bench --sections=scale [--scale_users=600
//       --scale_items=10000 --scale_interactions=100000]   # the same on a synthetic catalog
//   build/bin/recommender_movielens_bench --sections=als_grid [--seeds=3]
//       [--als_grid=coarse|fine|none]   # ALS defaults
//
// MovieLens 100k, Microsoft Recommenders' protocol: 75/25 random split stratified by user
// (per seed), top-10, the user's training items removed, every test item relevant. Each
// model's hyper-parameters are chosen per seed on a validation split carved out of the
// training part (75/25 again, another seed), by nDCG@10; the chosen model is refitted on the
// whole training part and scored once on the test part. The table shows the median over
// seeds of each metric. "hybrid" is the default hybrid (ease + svd), which chooses its blend
// weights itself by validation inside the training part it is given; "hybrid_tuned" is the
// same blend of the ease and svd configurations tuned here.
// Online Retail: implicit 1-5 ratings from the orders (DatasetBuilder), the last 30 days held
// out; relevant = products a known customer bought in the held-out month that they had not
// bought before (so excluding seen items is fair). Hyper-parameters chosen on the 30 days
// before the cut-off in the same way.
// Latency: single-thread CPU and wall time per Recommend call (top-10, known user) of each
// model.
// Reads the data from ../shared/data (nothing of it is committed). Release build only.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <map>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "common/text/csv_reader.h"
#include "recommender/data/dataset_builder.h"
#include "recommender/evaluation/evaluate.h"
#include "recommender/evaluation/split.h"
#include "recommender/models/hybrid_model.h"
#include "recommender/models/recommender_model.h"

namespace clientele::recommender {
namespace {

using Clock = std::chrono::steady_clock;

// The EASE tuning grid: "full" (default) or "plain"; see Candidates().
std::string g_ease_grid = "full";
std::string g_als_grid = "coarse";
// Only these models (comma-separated) when not empty. hybrid_tuned uses the ease and svd
// configurations tuned in the same run, or those models' defaults when they are not run.
std::string g_models;

std::vector<std::string> Selected(const std::vector<std::string>& names) {
  if (g_models.empty()) return names;
  std::vector<std::string> out;
  std::vector<std::string> wanted = absl::StrSplit(g_models, ',');
  for (const std::string& n : names) {
    if (std::find(wanted.begin(), wanted.end(), n) != wanted.end()) out.push_back(n);
  }
  return out;
}

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

// CPU time of the calling thread, in microseconds (not counting time the thread was
// preempted: the machine is shared).
double ThreadCpuMicros() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

[[noreturn]] void Die(const std::string& message) {
  std::fprintf(stderr, "error: %s\n", message.c_str());
  std::exit(1);
}

template <typename T>
T OrDie(absl::StatusOr<T> v) {
  if (!v.ok()) Die(v.status().ToString());
  return *std::move(v);
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) Die("cannot read " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string ParamsText(const ModelConfig& c) {
  std::vector<std::string> parts;
  for (const auto& [k, v] : c.params) parts.push_back(absl::StrCat(k, "=", v));
  for (const auto& [comp, w] : c.components) {
    parts.push_back(absl::StrCat(comp.name, "(", ParamsText(comp), ")x", w));
  }
  return absl::StrJoin(parts, " ");
}

// Candidate configurations of each model; the first is used when there is nothing to tune.
std::vector<ModelConfig> Candidates(const std::string& name, const ModelConfig* best_ease,
                                    const ModelConfig* best_cf, const ModelConfig* best_svd,
                                    const std::vector<double>& lambdas) {
  std::vector<ModelConfig> out;
  if (name == "popularity") {
    out.push_back({"popularity"});
  } else if (name == "item_cf") {
    for (double n : {100, 200, 400, 800, 0}) out.push_back({"item_cf", {{"neighbors", n}}});
  } else if (name == "sar") {
    // Microsoft Recommenders' SAR settings: Jaccard, 30-day half-life, all neighbours.
    out.push_back({"sar", {{"similarity", 1}, {"half_life_days", 30}, {"neighbors", 0}}});
  } else if (name == "ease") {
    // Plain EASE (dropout 0), the emphasized-denoising variant (EDLAE, dropout > 0), each
    // also with user rows scaled by |row|^-0.25 (whose G is about 10x smaller on MovieLens,
    // hence lambdas / 8).
    // --ease_grid=plain: no user_norm, dropout 0 / 0.1 / 0.25 (the first published run).
    const bool plain = g_ease_grid == "plain";
    for (double u : plain ? std::vector<double>{0.0} : std::vector<double>{0.0, 0.25}) {
      for (double l : lambdas) {
        for (double p :
             plain ? std::vector<double>{0.0, 0.1, 0.25} : std::vector<double>{0.0, 0.25}) {
          ModelConfig c{"ease", {{"lambda", u > 0 ? l / 8 : l}}};
          if (p > 0) c.params["dropout"] = p;
          if (u > 0) c.params["user_norm"] = u;
          out.push_back(c);
        }
      }
    }
  } else if (name == "rp3beta") {
    for (double a : {0.5, 0.75, 1.0}) {
      for (double b : {0.2, 0.3, 0.4, 0.5}) {
        for (double n : {100, 200}) {
          out.push_back({"rp3beta", {{"alpha", a}, {"beta", b}, {"neighbors", n}}});
        }
      }
    }
  } else if (name == "svd") {
    for (double f : {16, 32, 64, 128}) out.push_back({"svd", {{"factors", f}}});
  } else if (name == "als") {
    out.push_back({"als"});
    for (double alpha : {5.0, 20.0}) {
      for (double reg : {0.1, 10.0, 100.0}) {
        out.push_back({"als", {{"alpha", alpha}, {"regularization", reg}}});
      }
    }
  } else if (name == "hybrid") {
    // The default hybrid: it chooses its blend weights itself, by validation on a split of
    // the training data it is given (nothing to tune here).
    out.push_back({"hybrid"});
  } else if (name == "hybrid_tuned") {
    // The default hybrid's components (ease, svd) with the parameters this bench tuned for
    // each on its validation split; blend weights chosen by the hybrid's own validation.
    ModelConfig c{"hybrid", {{"tune", 1}}};
    c.components.push_back({*best_ease, 1.0});
    c.components.push_back({*best_svd, 0.5});
    out.push_back(c);
  }
  return out;
}

struct Choice {
  ModelConfig config;
  double val_ndcg = 0;
};

Choice Tune(const std::vector<ModelConfig>& candidates, const Dataset& train, const Dataset& val,
            const EvaluateOptions& options) {
  Choice best{candidates.front(), -1};
  if (candidates.size() == 1) return best;
  for (const ModelConfig& c : candidates) {
    auto model = OrDie(TrainModel(c, train));
    Evaluation e = OrDie(Evaluate(*model, val, options));
    if (e.metrics.ndcg > best.val_ndcg) best = {c, e.metrics.ndcg};
  }
  return best;
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

struct Row {
  std::vector<RankingMetrics> runs;
  std::vector<std::string> chosen;
  std::vector<double> fit_seconds;
};

void PrintTable(const std::vector<std::string>& names, std::map<std::string, Row>& rows) {
  std::printf(
      "| model | MAP | nDCG@10 | P@10 | R@10 | F1@10 | MRR | hit rate | coverage | fit s | "
      "chosen (per run) |\n|---|---|---|---|---|---|---|---|---|---|---|\n");
  for (const std::string& name : names) {
    Row& r = rows[name];
    auto med = [&](auto field) {
      std::vector<double> v;
      for (const RankingMetrics& m : r.runs) v.push_back(m.*field);
      return Median(v);
    };
    std::printf("| %s | %.4f | %.4f | %.4f | %.4f | %.4f | %.4f | %.4f | %.3f | %.2f | %s |\n",
                name.c_str(), med(&RankingMetrics::map), med(&RankingMetrics::ndcg),
                med(&RankingMetrics::precision), med(&RankingMetrics::recall),
                med(&RankingMetrics::f1), med(&RankingMetrics::mrr), med(&RankingMetrics::hit_rate),
                med(&RankingMetrics::coverage), Median(r.fit_seconds),
                absl::StrJoin(r.chosen, "; ").c_str());
  }
  std::fflush(stdout);
}

// Tunes and evaluates every model on one (train, val-train, val-test, test) setting.
void RunModels(const std::vector<std::string>& names, const Dataset& train,
               const Dataset& val_train, const Dataset& val_test, const Dataset& test,
               const EvaluateOptions& options, const std::vector<double>& lambdas,
               std::map<std::string, Row>* rows,
               std::map<std::string, std::shared_ptr<RecommenderModel>>* fitted) {
  ModelConfig best_ease{"ease"}, best_cf{"item_cf"}, best_svd{"svd"};
  for (const std::string& name : names) {
    Choice choice = Tune(Candidates(name, &best_ease, &best_cf, &best_svd, lambdas), val_train,
                         val_test, options);
    if (name == "ease") best_ease = choice.config;
    if (name == "item_cf") best_cf = choice.config;
    if (name == "svd") best_svd = choice.config;
    Clock::time_point start = Clock::now();
    std::shared_ptr<RecommenderModel> model = OrDie(TrainModel(choice.config, train));
    double fit = Seconds(start);
    Evaluation e = OrDie(Evaluate(*model, test, options));
    Row& row = (*rows)[name];
    row.runs.push_back(e.metrics);
    row.fit_seconds.push_back(fit);
    std::string chosen = ParamsText(choice.config);
    if (const auto* h = dynamic_cast<const HybridModel*>(model.get())) {
      // The weights the hybrid chose by its own validation.
      std::vector<std::string> parts;
      for (int m = 0; m < h->num_components(); ++m) {
        parts.push_back(absl::StrCat(h->component(m).name(), " ", h->weight(m)));
      }
      chosen = absl::StrCat(absl::StrJoin(parts, " + "), " (val nDCG ", h->tuning_ndcg(), ")");
    }
    row.chosen.push_back(chosen);
    if (fitted) (*fitted)[name] = model;
    std::fprintf(stderr, "  %s: ndcg@10 %.4f (val %.4f) users %lld fit %.2fs [%s]\n", name.c_str(),
                 e.metrics.ndcg, choice.val_ndcg, static_cast<long long>(e.metrics.users), fit,
                 chosen.c_str());
  }
}

void Latency(const std::vector<std::string>& names,
             const std::map<std::string, std::shared_ptr<RecommenderModel>>& models,
             const char* label) {
  std::printf(
      "\nRecommend cost, %s (single thread, top-10, users round robin). \"cached\": a known "
      "user (the serving cache of precomputed top-100 lists answers); \"full\": the same "
      "user's items passed as a history, scored in full:\n\n",
      label);
  std::printf(
      "| model | path | calls | CPU mean us | CPU p50 us | CPU p99 us | wall mean us | wall p99 "
      "us |\n|---|---|---|---|---|---|---|---|\n");
  for (const std::string& name : names) {
    const RecommenderModel& model = *models.at(name);
    for (int full = 0; full < 2; ++full) {
      const int calls = full ? 5000 : 20000;
      std::vector<double> cpu, wall;
      cpu.reserve(calls);
      wall.reserve(calls);
      for (int c = 0; c < calls; ++c) {
        const int32_t user = c % model.users().size();
        RecommendRequest request;
        request.k = 10;
        if (full) {
          auto items = model.UserItems(user);
          auto values = model.UserValues(user);
          for (size_t n = 0; n < items.size(); ++n)
            request.history.push_back({items[n], values[n]});
        } else {
          request.user = user;
        }
        double cpu0 = ThreadCpuMicros();
        Clock::time_point t = Clock::now();
        auto recs = model.Recommend(request);
        wall.push_back(Seconds(t) * 1e6);
        cpu.push_back(ThreadCpuMicros() - cpu0);
        if (!recs.ok()) Die(recs.status().ToString());
      }
      auto mean = [](const std::vector<double>& v) {
        double m = 0;
        for (double x : v) m += x;
        return m / v.size();
      };
      double cpu_mean = mean(cpu), wall_mean = mean(wall);
      std::sort(cpu.begin(), cpu.end());
      std::sort(wall.begin(), wall.end());
      std::printf("| %s | %s | %d | %.1f | %.1f | %.1f | %.1f | %.1f |\n", name.c_str(),
                  full ? "full" : "cached", calls, cpu_mean, cpu[calls / 2], cpu[calls * 99 / 100],
                  wall_mean, wall[calls * 99 / 100]);
    }
  }
  std::fflush(stdout);
}

// CPU time of the whole process (every thread), in seconds.
double ProcessCpuSeconds() {
  timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

Dataset LoadMovieLens(const std::string& path);

// Training cost of the default configurations: each model fitted with its defaults (nothing
// tuned here) on the 75/25 split of each seed, timed (wall and process CPU), then scored.
void TrainCost(const std::string& path, int seeds) {
  Dataset data = LoadMovieLens(path);
  const std::vector<std::string> names =
      Selected({"popularity", "item_cf", "ease", "svd", "als", "hybrid"});
  std::printf("## Training cost of the defaults, MovieLens 100k, median of %d seeds\n\n", seeds);
  std::printf("| model | nDCG@10 | fit wall s | fit CPU s |\n|---|---|---|---|\n");
  std::map<std::string, std::vector<double>> ndcg, wall, cpu;
  EvaluateOptions options;
  options.k = 10;
  for (int seed = 1; seed <= seeds; ++seed) {
    TrainTest split = OrDie(StratifiedRandomSplit(data, 0.75, seed));
    for (const std::string& name : names) {
      const double cpu0 = ProcessCpuSeconds();
      Clock::time_point start = Clock::now();
      std::unique_ptr<RecommenderModel> model = OrDie(TrainModel({name}, split.train));
      wall[name].push_back(Seconds(start));
      cpu[name].push_back(ProcessCpuSeconds() - cpu0);
      ndcg[name].push_back(OrDie(Evaluate(*model, split.test, options)).metrics.ndcg);
      std::fprintf(stderr, "  seed %d %s: ndcg@10 %.4f fit %.2fs wall %.2fs CPU\n", seed,
                   name.c_str(), ndcg[name].back(), wall[name].back(), cpu[name].back());
    }
  }
  for (const std::string& name : names) {
    std::printf("| %s | %.4f | %.2f | %.2f |\n", name.c_str(), Median(ndcg[name]),
                Median(wall[name]), Median(cpu[name]));
  }
  std::fflush(stdout);
}

// A synthetic catalog: `users` users, `items` items, about `interactions` cells; item
// popularity Zipf-like (rank^-0.8) and users in 20 taste groups that each prefer a random
// fifth of the catalog (so that models have structure to find).
Dataset Synthetic(int64_t users, int64_t items, int64_t interactions, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<double> weight(items);
  for (int64_t i = 0; i < items; ++i) weight[i] = std::pow(i + 1.0, -0.8);
  std::discrete_distribution<int64_t> popular(weight.begin(), weight.end());
  std::vector<int64_t> group_of(items);
  for (int64_t i = 0; i < items; ++i) group_of[i] = rng() % 20;
  std::vector<std::vector<int64_t>> group_items(20);
  for (int64_t i = 0; i < items; ++i) group_items[group_of[i]].push_back(i);
  DatasetBuilder builder;
  const int64_t per_user = std::max<int64_t>(1, interactions / users);
  for (int64_t u = 0; u < users; ++u) {
    const int64_t group = u % 20;
    std::exponential_distribution<double> length(1.0 / per_user);
    const int64_t count = std::min<int64_t>(items / 2, 1 + static_cast<int64_t>(length(rng)));
    for (int64_t c = 0; c < count; ++c) {
      int64_t item = popular(rng);
      if (rng() % 2 == 0) {  // Half of a user's items come from the group's part.
        const auto& own = group_items[group];
        item = own[popular(rng) % own.size()];
      }
      (void)builder.AddRating(absl::StrCat("u", u), absl::StrCat("i", item), 1,
                              absl::FromUnixSeconds(1'600'000'000 + c));
    }
  }
  return OrDie(builder.Build());
}

// Training cost of the default configurations on a synthetic catalog (75/25 split, seed 1).
void ScaleCost(int64_t users, int64_t items, int64_t interactions) {
  Dataset data = Synthetic(users, items, interactions, 1);
  TrainTest split = OrDie(StratifiedRandomSplit(data, 0.75, 1));
  std::printf("## Training cost of the defaults, synthetic %d users x %d items, %lld cells\n\n",
              data.num_users(), data.num_items(), static_cast<long long>(data.num_interactions()));
  std::printf(
      "| model | nDCG@10 | fit wall s | fit CPU s | evaluate wall s | estimated fit MiB |\n"
      "|---|---|---|---|---|---|\n");
  EvaluateOptions options;
  options.k = 10;
  const DataShape shape{split.train.num_users(), split.train.num_items(),
                        split.train.num_interactions()};
  std::vector<std::pair<std::string, ModelConfig>> configs;
  for (const std::string& name :
       Selected({"popularity", "item_cf", "ease", "svd", "als", "hybrid"})) {
    configs.push_back({name, ModelConfig{name}});
    // als scores by dot product over every item below hnsw_min_items (20,000), above it over
    // candidates from an HNSW graph: the exact variant beside it on the same catalog.
    if (name == "als" && items >= 20000) {
      configs.push_back(
          {"als (exact dot products)", ModelConfig{"als", {{"hnsw_min_items", 1e12}}}});
    }
  }
  std::vector<std::string> als_labels;
  std::map<std::string, std::shared_ptr<RecommenderModel>> als_models;
  for (const auto& [label, config] : configs) {
    const double cpu0 = ProcessCpuSeconds();
    Clock::time_point start = Clock::now();
    std::shared_ptr<RecommenderModel> model = OrDie(TrainModel(config, split.train));
    const double wall = Seconds(start), cpu = ProcessCpuSeconds() - cpu0;
    start = Clock::now();
    const double ndcg = OrDie(Evaluate(*model, split.test, options)).metrics.ndcg;
    const double eval_wall = Seconds(start);
    std::printf("| %s | %.4f | %.2f | %.2f | %.2f | %.0f |\n", label.c_str(), ndcg, wall, cpu,
                eval_wall, OrDie(EstimateFitBytes(config, shape)) / 1048576.0);
    std::fflush(stdout);
    if (config.name == "als") {
      als_labels.push_back(label);
      als_models[label] = model;
    }
  }
  if (als_labels.size() > 1) Latency(als_labels, als_models, "the synthetic catalog");
}

// ALS defaults on two differently shaped data sets: every configuration of a grid fitted on a
// validation split carved out of the training part (75/25 again, seed + 100) and scored there
// by nDCG@10, so that choosing defaults never looks at a test part; then the listed defaults
// fitted on the training part and scored on the test part. Data: MovieLens 100k (75/25,
// seeds 1..seeds) and the synthetic 10,000-item catalog of section scale (600 users, ~100,000
// cells, seed 1).
void AlsGrid(const std::string& path, int seeds) {
  struct Split {
    std::string name;
    TrainTest outer, inner;
  };
  std::vector<Split> splits;
  const Dataset movielens = LoadMovieLens(path);
  for (int seed = 1; seed <= seeds; ++seed) {
    TrainTest outer = OrDie(StratifiedRandomSplit(movielens, 0.75, seed));
    TrainTest inner = OrDie(StratifiedRandomSplit(outer.train, 0.75, seed + 100));
    splits.push_back({absl::StrCat("movielens seed ", seed), std::move(outer), std::move(inner)});
  }
  const Dataset synthetic = Synthetic(600, 10000, 100000, 1);
  {
    TrainTest outer = OrDie(StratifiedRandomSplit(synthetic, 0.75, 1));
    TrainTest inner = OrDie(StratifiedRandomSplit(outer.train, 0.75, 101));
    splits.push_back({"synthetic 10k", std::move(outer), std::move(inner)});
  }
  EvaluateOptions options;
  options.k = 10;
  std::vector<ModelConfig> grid = {{"popularity"}, {"svd"}, {"ease"}};  // For reference.
  if (g_als_grid == "coarse") {
    for (double factors : {64.0, 128.0}) {
      for (double alpha : {5.0, 10.0, 20.0, 40.0}) {
        for (double reg : {0.1, 10.0, 30.0, 100.0, 300.0}) {
          grid.push_back(
              {"als", {{"factors", factors}, {"alpha", alpha}, {"regularization", reg}}});
        }
      }
    }
  } else if (g_als_grid == "fine") {
    for (double alpha : {10.0, 15.0, 20.0}) {
      for (double reg : {50.0, 100.0, 150.0, 200.0}) {
        grid.push_back({"als", {{"alpha", alpha}, {"regularization", reg}}});
      }
    }
  }
  for (double iterations : {5.0, 10.0, 25.0}) {
    if (g_als_grid == "none") break;
    grid.push_back({"als", {{"alpha", 10}, {"regularization", 100}, {"iterations", iterations}}});
  }
  std::printf("## ALS grid: validation nDCG@10 (MovieLens: median of %d seeds)\n\n", seeds);
  std::printf(
      "| params | movielens | synthetic 10k | fit CPU s (movielens) |\n|---|---|---|---|\n");
  for (const ModelConfig& config : grid) {
    std::vector<double> ml;
    double synth = 0, cpu_total = 0;
    for (const Split& split : splits) {
      const double cpu0 = ProcessCpuSeconds();
      auto model = OrDie(TrainModel(config, split.inner.train));
      const double cpu = ProcessCpuSeconds() - cpu0;
      const double ndcg = OrDie(Evaluate(*model, split.inner.test, options)).metrics.ndcg;
      if (absl::StartsWith(split.name, "movielens")) {
        ml.push_back(ndcg);
        cpu_total += cpu;
      } else {
        synth = ndcg;
      }
    }
    std::printf("| %s %s | %.4f | %.4f | %.2f |\n", config.name.c_str(), ParamsText(config).c_str(),
                Median(ml), synth, cpu_total / std::max<size_t>(1, ml.size()));
    std::fflush(stdout);
  }
  std::printf("\n## ALS on the test parts (MovieLens: median of %d seeds)\n\n", seeds);
  std::printf("| params | movielens | synthetic 10k |\n|---|---|---|\n");
  std::vector<ModelConfig> finals = {{"popularity"},
                                     {"svd"},
                                     {"ease"},
                                     {"als"},
                                     {"als", {{"alpha", 5}, {"regularization", 0.1}}},
                                     {"als", {{"alpha", 20}, {"regularization", 100}}},
                                     {"als", {{"alpha", 10}, {"regularization", 100}}}};
  for (const ModelConfig& config : finals) {
    std::vector<double> ml;
    double synth = 0;
    for (const Split& split : splits) {
      auto model = OrDie(TrainModel(config, split.outer.train));
      const double ndcg = OrDie(Evaluate(*model, split.outer.test, options)).metrics.ndcg;
      if (absl::StartsWith(split.name, "movielens")) {
        ml.push_back(ndcg);
      } else {
        synth = ndcg;
      }
    }
    std::printf(
        "| %s | %.4f | %.4f |\n",
        absl::StrCat(config.name, " ", config.params.empty() ? "(defaults)" : ParamsText(config))
            .c_str(),
        Median(ml), synth);
    std::fflush(stdout);
  }
}

Dataset LoadMovieLens(const std::string& path) {
  std::string text = ReadFile(path);
  DatasetBuilder builder;
  int64_t line = 0;
  for (absl::string_view row : absl::StrSplit(text, '\n', absl::SkipEmpty())) {
    ++line;
    std::vector<absl::string_view> f = absl::StrSplit(row, '\t');
    double rating;
    int64_t ts;
    if (f.size() != 4 || !absl::SimpleAtod(f[2], &rating) || !absl::SimpleAtoi(f[3], &ts)) {
      Die(absl::StrCat(path, " line ", line, ": not user<TAB>item<TAB>rating<TAB>time"));
    }
    auto s = builder.AddRating(f[0], f[1], rating, absl::FromUnixSeconds(ts));
    if (!s.ok()) Die(absl::StrCat(path, " line ", line, ": ", s.ToString()));
  }
  return OrDie(builder.Build());
}

// Validation nDCG@10 (seed-1 split of the training part only; the test part is not touched)
// of an EASE grid, to see which parameters are worth a place in the tuning grid.
void ExploreEase(const std::string& path) {
  Dataset data = LoadMovieLens(path);
  TrainTest split = OrDie(StratifiedRandomSplit(data, 0.75, 1));
  TrainTest val = OrDie(StratifiedRandomSplit(split.train, 0.75, 1001));
  for (double u : {0.25, 0.5}) {
    for (double p : {0.0, 0.25}) {
      for (double l : {2.0, 5.0, 10.0, 20.0, 40.0, 60.0}) {
        ModelConfig c{"ease", {{"lambda", l}, {"dropout", p}, {"user_norm", u}}};
        auto model = OrDie(TrainModel(c, val.train));
        Evaluation e = OrDie(Evaluate(*model, val.test, {}));
        std::printf("user_norm %.2f dropout %.2f lambda %6.0f: val nDCG@10 %.4f\n", u, p, l,
                    e.metrics.ndcg);
        std::fflush(stdout);
      }
    }
  }
}

void MovieLens(const std::string& path, int seeds, bool latency) {
  Dataset data = LoadMovieLens(path);
  std::printf("## MovieLens 100k (%d users, %d items, %lld ratings), median of %d seeds\n\n",
              data.num_users(), data.num_items(), static_cast<long long>(data.num_interactions()),
              seeds);
  const std::vector<std::string> names = Selected(
      {"popularity", "item_cf", "sar", "ease", "rp3beta", "svd", "als", "hybrid", "hybrid_tuned"});
  std::map<std::string, Row> rows;
  std::map<std::string, std::shared_ptr<RecommenderModel>> fitted;
  EvaluateOptions options;
  options.k = 10;
  for (int seed = 1; seed <= seeds; ++seed) {
    std::fprintf(stderr, "movielens seed %d\n", seed);
    TrainTest split = OrDie(StratifiedRandomSplit(data, 0.75, seed));
    TrainTest val = OrDie(StratifiedRandomSplit(split.train, 0.75, 1000 + seed));
    RunModels(names, split.train, val.train, val.test, split.test, options,
              g_ease_grid == "plain" ? std::vector<double>{200, 300, 400, 500, 600, 800, 1200}
                                     : std::vector<double>{300, 400, 500, 650, 800},
              &rows, seed == 1 ? &fitted : nullptr);
  }
  PrintTable(names, rows);
  if (latency) Latency(names, fitted, "MovieLens 100k, models fitted on the seed-1 training part");
}

struct RetailLine {
  std::string customer, invoice, sku;
  double quantity, revenue;
  int64_t time;
};

Dataset BuildRetail(const std::vector<RetailLine>& lines,
                    const std::map<std::string, std::string>& names, int64_t from, int64_t to,
                    bool as_test) {
  DatasetBuilderOptions options;
  options.reference_time = absl::FromUnixSeconds(to);
  DatasetBuilder builder(options);
  for (const auto& [sku, name] : names) {
    if (!as_test) (void)builder.SetItemMeta(sku, ItemMeta{name, "", ""});
  }
  for (const RetailLine& l : lines) {
    if (l.time < from || l.time >= to) continue;
    absl::Status s;
    if (as_test) {
      if (l.quantity > 0) {
        s = builder.AddInteraction(l.customer, l.sku, 1.0, absl::FromUnixSeconds(l.time));
      }
    } else {
      s = builder.AddOrderLine(l.customer, l.invoice, l.sku, l.quantity, l.revenue,
                               absl::FromUnixSeconds(l.time));
    }
    if (!s.ok()) Die(s.ToString());
  }
  return OrDie(builder.Build());
}

void Retail(const std::string& path, bool latency) {
  std::string text = ReadFile(path);
  text::CsvReader reader(text);
  text::CsvRecord rec;
  std::vector<RetailLine> lines;
  std::map<std::string, std::string> names;
  bool header = true;
  int64_t max_time = 0, skipped = 0;
  while (reader.Next(&rec)) {
    if (header) {
      header = false;
      continue;
    }
    if (!rec.error.empty() || rec.fields.size() != 8) Die(absl::StrCat("bad row ", rec.line));
    const auto& f = rec.fields;
    absl::string_view customer(f[6].data(), f[6].size());
    absl::string_view sku(f[1].data(), f[1].size());
    double qty, price;
    absl::Time t;
    std::string err;
    if (customer.empty() || sku.empty() || !(sku[0] >= '0' && sku[0] <= '9') ||
        !absl::SimpleAtod(absl::string_view(f[3].data(), f[3].size()), &qty) ||
        !absl::SimpleAtod(absl::string_view(f[5].data(), f[5].size()), &price) || price <= 0 ||
        !absl::ParseTime("%Y-%m-%d %H:%M:%S", std::string(f[4]), absl::UTCTimeZone(), &t, &err)) {
      ++skipped;
      continue;
    }
    RetailLine l{std::string(absl::StripSuffix(customer, ".0")),
                 std::string(f[0]),
                 std::string(sku),
                 qty,
                 qty * price,
                 absl::ToUnixSeconds(t)};
    max_time = std::max(max_time, l.time);
    names.emplace(l.sku, std::string(f[2]));
    lines.push_back(std::move(l));
  }
  const int64_t month = 30 * 86400;
  const int64_t cutoff = max_time - month + 1;
  Dataset train = BuildRetail(lines, names, INT64_MIN, cutoff, false);
  Dataset test = BuildRetail(lines, names, cutoff, INT64_MAX, true);
  Dataset val_train = BuildRetail(lines, names, INT64_MIN, cutoff - month, false);
  Dataset val_test = BuildRetail(lines, names, cutoff - month, cutoff, true);
  std::printf(
      "\n## Online Retail, last 30 days held out (%zu product lines of known customers, %lld "
      "other rows skipped; train %d customers x %d products, %lld pairs)\n\n",
      lines.size(), static_cast<long long>(skipped), train.num_users(), train.num_items(),
      static_cast<long long>(train.num_interactions()));
  const std::vector<std::string> names_ = Selected(
      {"popularity", "item_cf", "sar", "ease", "rp3beta", "svd", "hybrid", "hybrid_tuned"});
  EvaluateOptions options;
  options.k = 10;
  options.drop_seen_test_items = true;
  std::map<std::string, Row> rows;
  std::map<std::string, std::shared_ptr<RecommenderModel>> fitted;
  std::fprintf(stderr, "online retail\n");
  RunModels(names_, train, val_train, val_test, test, options, {100, 400, 1000}, &rows, &fitted);
  Evaluation e = OrDie(Evaluate(*fitted.begin()->second, test, options));
  std::printf(
      "Test customers %lld: %lld new to the model (skipped), %lld with no new product "
      "(skipped); evaluated %lld.\n\n",
      static_cast<long long>(e.test_users), static_cast<long long>(e.cold_users),
      static_cast<long long>(e.skipped_no_relevant), static_cast<long long>(e.metrics.users));
  PrintTable(names_, rows);
  if (latency) Latency(names_, fitted, "Online Retail, models fitted on the training months");
}

}  // namespace
}  // namespace clientele::recommender

int main(int argc, char** argv) {
  CLI::App app{"Recommender models on MovieLens 100k and Online Retail"};
  std::string movielens = "../shared/data/movielens-100k/ml-100k/u.data";
  std::string retail = "../shared/data/online_retail/online_retail.csv";
  std::string sections = "movielens,retail,latency";
  int seeds = 5;
  int64_t scale_users = 600, scale_items = 10000, scale_interactions = 100000;
  app.add_option("--scale_users", scale_users, "Synthetic catalog (section scale): users");
  app.add_option("--scale_items", scale_items, "Synthetic catalog: items");
  app.add_option("--scale_interactions", scale_interactions, "Synthetic catalog: interactions");
  app.add_option("--movielens", movielens, "MovieLens 100k u.data");
  app.add_option("--retail", retail, "Online Retail CSV");
  app.add_option("--seeds", seeds, "MovieLens split seeds (median reported)");
  app.add_option("--ease_grid", clientele::recommender::g_ease_grid,
                 "EASE tuning grid on MovieLens: full (with user_norm) or plain")
      ->check(CLI::IsMember({"full", "plain"}));
  app.add_option("--als_grid", clientele::recommender::g_als_grid,
                 "ALS grid of section als_grid: coarse, fine (around the defaults) or none")
      ->check(CLI::IsMember({"coarse", "fine", "none"}));
  app.add_option("--models", clientele::recommender::g_models,
                 "Comma-separated models to run (default: all)");
  app.add_option("--sections", sections,
                 "Comma-separated: movielens, retail, latency, train, scale, als_grid");
  CLI11_PARSE(app, argc, argv);
  bool latency = sections.find("latency") != std::string::npos;
  if (sections == "explore") {
    clientele::recommender::ExploreEase(movielens);
    return 0;
  }
  if (sections.find("als_grid") != std::string::npos) {
    clientele::recommender::AlsGrid(movielens, seeds);
  }
  if (sections.find("scale") != std::string::npos) {
    clientele::recommender::ScaleCost(scale_users, scale_items, scale_interactions);
  }
  if (sections.find("train") != std::string::npos) {
    clientele::recommender::TrainCost(movielens, seeds);
  }
  if (sections.find("movielens") != std::string::npos) {
    clientele::recommender::MovieLens(movielens, seeds, latency);
  }
  if (sections.find("retail") != std::string::npos) {
    clientele::recommender::Retail(retail, latency);
  }
  return 0;
}
