#include "recommender/models/hybrid_model.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/status/status_macros.h"
#include "recommender/evaluation/split.h"
#include "recommender/models/internal/byte_io.h"
#include "recommender/models/internal/parallel_tasks.h"
#include "recommender/models/internal/params.h"

namespace clientele::recommender {
namespace {

// Each component's scaled scores of the last Score call on this thread, read by Explain in the
// same Recommend call (Score and Explain of one call run on one thread, in that order).
std::vector<std::vector<float>>& ThreadComponentScores() {
  thread_local std::vector<std::vector<float>> scores;
  return scores;
}

}  // namespace

absl::StatusOr<std::unique_ptr<RecommenderModel>> HybridModel::Create(const ModelConfig& config) {
  std::vector<std::pair<ModelConfig, double>> components = config.components;
  const bool defaults = components.empty();
  if (defaults) {
    components.push_back({ModelConfig{"ease"}, 1.0});
    components.push_back({ModelConfig{"svd"}, 0.5});
  }
  auto model = std::make_unique<HybridModel>();
  internal::Params params(config.params);
  const double tune = params.Get("tune", defaults ? 1 : 0);
  const double tune_seed = params.Get("tune_seed", 1);
  const double tune_users = params.Get("tune_users", 5000);
  const double tune_ratio = params.Get("tune_ratio", 0.9);
  const double tune_folds = params.Get("tune_folds", 1);
  if (auto s = params.CheckAllUsed("hybrid"); !s.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(s.message(),
                                                   "; give component parameters to "
                                                   "its components"));
  }
  if (tune != 0 && tune != 1) return absl::InvalidArgumentError("params: tune must be 0 or 1");
  if (!(tune_seed >= 0 && tune_seed <= 1e15)) {
    return absl::InvalidArgumentError("params: tune_seed must be in 0..1e15");
  }
  if (!(tune_users >= 1 && tune_users <= 1e9)) {
    return absl::InvalidArgumentError("params: tune_users must be in 1..1e9");
  }
  if (!(tune_ratio >= 0.5 && tune_ratio <= 0.95)) {
    return absl::InvalidArgumentError("params: tune_ratio must be in [0.5, 0.95]");
  }
  if (!(tune_folds >= 1 && tune_folds <= 10)) {
    return absl::InvalidArgumentError("params: tune_folds must be in 1..10");
  }
  model->tune_ratio_ = tune_ratio;
  model->tune_folds_ = static_cast<int>(tune_folds);
  model->tune_ = tune == 1;
  model->tune_seed_ = static_cast<uint64_t>(tune_seed);
  model->tune_users_ = static_cast<int64_t>(tune_users);
  model->fitted_ = config.fitted;
  if (model->tune_ && !(components.front().second > 0)) {
    return absl::InvalidArgumentError("components: with tune, the first weight must be > 0");
  }
  for (auto& [component, weight] : components) {
    if (component.name == "hybrid") {
      return absl::InvalidArgumentError("components: a hybrid cannot contain a hybrid");
    }
    if (!(weight >= 0)) {
      return absl::InvalidArgumentError(
          absl::StrCat("components: weight of ", component.name, " must be >= 0"));
    }
    if (component.user_segments.empty()) component.user_segments = config.user_segments;
    component.cache_top_n = 0;  // Only the blend is served, not its components.
    if (component.fit_threads == 0) component.fit_threads = config.fit_threads;
    absl::StatusOr<std::unique_ptr<RecommenderModel>> m = CreateModel(component);
    if (!m.ok()) return m.status();
    model->components_.push_back(*std::move(m));
    model->configs_.push_back(component);
    model->weights_.push_back(weight);
  }
  return model;
}

namespace {

constexpr int kTuneK = 10;      // nDCG@10 is the tuning metric.
constexpr int kTuneTopN = 100;  // Candidates per component and user.
// A weight changes only when the blend gains more than this many standard errors of the
// per-user nDCG difference (noise in a small held-out part would otherwise move it).
constexpr double kTuneZ = 2;

}  // namespace

// One validation user: candidate items, their scaled score under each component (row-major,
// candidates x components), whether each is held out (relevant), and the ideal DCG.
struct HybridModel::TuneUser {
  std::vector<int32_t> items;
  std::vector<float> scores;
  std::vector<uint8_t> relevant;
  double idcg = 0;
};

namespace {

// nDCG@kTuneK of the blend `weights` for each of `users` (ties to the lower item index).
std::vector<double> BlendNdcg(const std::vector<HybridModel::TuneUser>& users,
                              const std::vector<double>& weights) {
  const size_t count = weights.size();
  std::vector<std::pair<float, int32_t>> ranked;  // (-score, candidate)
  std::vector<double> out;
  out.reserve(users.size());
  for (const HybridModel::TuneUser& u : users) {
    ranked.clear();
    for (size_t c = 0; c < u.items.size(); ++c) {
      double v = 0;
      for (size_t m = 0; m < count; ++m) v += weights[m] * u.scores[c * count + m];
      if (v > 0) ranked.emplace_back(static_cast<float>(-v), static_cast<int32_t>(c));
    }
    const size_t depth = std::min<size_t>(kTuneK, ranked.size());
    auto better = [&](const auto& a, const auto& b) {
      return a.first != b.first ? a.first < b.first : u.items[a.second] < u.items[b.second];
    };
    std::partial_sort(ranked.begin(), ranked.begin() + depth, ranked.end(), better);
    double dcg = 0;
    for (size_t r = 0; r < depth; ++r) {
      if (u.relevant[ranked[r].second]) dcg += 1.0 / std::log2(r + 2.0);
    }
    out.push_back(dcg / u.idcg);
  }
  return out;
}

double Mean(const std::vector<double>& v) {
  double sum = 0;
  for (double x : v) sum += x;
  return v.empty() ? 0 : sum / v.size();
}

// Whether `trial` beats `current` (per-user values of the same users) by more than kTuneZ
// standard errors of the mean paired difference.
bool SignificantlyBetter(const std::vector<double>& trial, const std::vector<double>& current) {
  const size_t n = trial.size();
  if (n < 2) return false;
  double mean = 0;
  for (size_t i = 0; i < n; ++i) mean += trial[i] - current[i];
  mean /= n;
  double var = 0;
  for (size_t i = 0; i < n; ++i) {
    const double d = trial[i] - current[i] - mean;
    var += d * d;
  }
  var /= n - 1;
  return mean > 0 && mean > kTuneZ * std::sqrt(var / n);
}

}  // namespace

absl::Status HybridModel::CollectTuneUsers(const Dataset& data, uint64_t seed,
                                           const FitProgress& progress,
                                           std::vector<TuneUser>* tune_users) const {
  absl::StatusOr<TrainTest> split = StratifiedRandomSplit(data, tune_ratio_, seed);
  if (!split.ok()) return split.status();
  const Dataset& train = split->train;
  const Dataset& held = split->test;
  const size_t count = components_.size();
  std::vector<std::unique_ptr<RecommenderModel>> parts;
  for (size_t m = 0; m < count; ++m) {
    absl::StatusOr<std::unique_ptr<RecommenderModel>> part = CreateModel(configs_[m]);
    if (!part.ok()) return part.status();
    FitProgress sub = nullptr;
    if (progress) sub = [&](double f) { return progress(0.8 * (m + f) / count); };
    if (train.num_interactions() == 0) break;  // Too little data.
    if (auto s = (*part)->Fit(train, sub); !s.ok()) return s;
    parts.push_back(*std::move(part));
  }
  if (parts.size() != count) return absl::OkStatus();
  // Validation users: held-out cells and a training history; at most tune_users_ of them.
  std::vector<int32_t> users;
  for (int32_t u = 0; u < data.num_users(); ++u) {
    if (!held.UserItems(u).empty() && !train.UserItems(u).empty()) users.push_back(u);
  }
  std::mt19937_64 rng(seed);
  if (static_cast<int64_t>(users.size()) > tune_users_) {
    std::shuffle(users.begin(), users.end(), rng);
    users.resize(tune_users_);
    std::sort(users.begin(), users.end());
  }
  const int32_t n = data.num_items();
  // Users in chunks scored on the fit's threads, each chunk with its own buffers; the
  // results land in user order whatever the thread count.
  struct Buffers {
    std::vector<std::vector<float>> part_scores;
    std::vector<int32_t> slot;  // Candidate index of an item for the current user.
    std::vector<uint8_t> seen;
    std::vector<std::pair<int32_t, float>> history;
    std::vector<std::pair<float, int32_t>> top;
  };
  constexpr size_t kChunk = 64;
  const int threads = fit_threads();
  std::vector<TuneUser> collected(users.size());
  auto score_user = [&](Buffers& b, size_t x) {
    if (b.slot.empty()) {
      b.part_scores.assign(count, std::vector<float>(n));
      b.slot.assign(n, -1);
      b.seen.assign(n, 0);
    }
    const int32_t u = users[x];
    b.history.clear();
    auto items = train.UserItems(u);
    auto values = train.UserValues(u);
    for (size_t a = 0; a < items.size(); ++a) {
      b.history.emplace_back(items[a], values[a]);
      b.seen[items[a]] = 1;
    }
    std::string segment;
    for (const auto& p : parts) {
      if (segment.empty()) segment = p->UserSegment(u);
    }
    TuneUser& tu = collected[x];
    for (size_t m = 0; m < count; ++m) {
      std::vector<float>& s = b.part_scores[m];
      std::fill(s.begin(), s.end(), 0.0f);
      parts[m]->Score(b.history, segment, absl::MakeSpan(s));
      // Scaled as Score() does: positive scores over the component's maximum.
      float max = 0;
      for (float v : s) max = std::max(max, v);
      const float scale = max > 0 ? 1.0f / max : 0.0f;
      b.top.clear();
      for (int32_t i = 0; i < n; ++i) {
        s[i] = s[i] > 0 && !b.seen[i] ? s[i] * scale : 0.0f;
        if (s[i] > 0) b.top.emplace_back(-s[i], i);
      }
      const size_t keep = std::min<size_t>(kTuneTopN, b.top.size());
      std::partial_sort(b.top.begin(), b.top.begin() + keep, b.top.end());
      for (size_t r = 0; r < keep; ++r) {
        const int32_t i = b.top[r].second;
        if (b.slot[i] < 0) {
          b.slot[i] = static_cast<int32_t>(tu.items.size());
          tu.items.push_back(i);
        }
      }
    }
    tu.scores.resize(tu.items.size() * count);
    tu.relevant.assign(tu.items.size(), 0);
    for (size_t c = 0; c < tu.items.size(); ++c) {
      for (size_t m = 0; m < count; ++m) tu.scores[c * count + m] = b.part_scores[m][tu.items[c]];
    }
    auto relevant = held.UserItems(u);
    for (int32_t i : relevant) {
      if (b.slot[i] >= 0) tu.relevant[b.slot[i]] = 1;
    }
    const size_t ideal = std::min<size_t>(kTuneK, relevant.size());
    for (size_t r = 0; r < ideal; ++r) tu.idcg += 1.0 / std::log2(r + 2.0);
    for (int32_t i : tu.items) b.slot[i] = -1;
    for (int32_t i : items) b.seen[i] = 0;
  };
  const size_t chunks = (users.size() + kChunk - 1) / kChunk;
  // Groups of 4 chunks per thread between progress reports (made on this thread).
  const size_t group = 4 * static_cast<size_t>(threads);
  for (size_t first = 0; first < chunks; first += group) {
    if (progress && !progress(0.8 + 0.2 * first / chunks)) {
      return absl::CancelledError("fit cancelled");
    }
    const size_t in_group = std::min(group, chunks - first);
    internal::ParallelTasks(in_group, threads, [&](int64_t t) {
      Buffers b;  // Per chunk of kChunk users: small beside their scoring.
      const size_t begin = (first + t) * kChunk;
      for (size_t x = begin; x < std::min(users.size(), begin + kChunk); ++x) score_user(b, x);
    });
  }
  for (TuneUser& tu : collected) tune_users->push_back(std::move(tu));
  return absl::OkStatus();
}

absl::Status HybridModel::TuneWeights(const Dataset& data, const FitProgress& progress) {
  const size_t count = components_.size();
  std::vector<TuneUser> tune_users;
  for (int fold = 0; fold < tune_folds_; ++fold) {
    const double from = 0.5 * fold / tune_folds_, span = 0.5 / tune_folds_;
    FitProgress fold_progress = nullptr;
    if (progress) fold_progress = [&](double f) { return progress(from + span * f); };
    if (auto s = CollectTuneUsers(data, tune_seed_ + fold, fold_progress, &tune_users); !s.ok()) {
      return s;
    }
  }
  if (tune_users.empty()) return absl::OkStatus();  // Too little data: keep the weights.
  // Coordinate ascent over the weights of components 1.. (component 0 keeps its weight): each
  // weight moves to the grid value with the best mean nDCG among those significantly better
  // than the current blend.
  static constexpr double kGrid[] = {0, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1, 1.5, 2, 3};
  std::vector<double> weights = weights_;
  std::vector<double> current = BlendNdcg(tune_users, weights);
  for (int round = 0; round < 2; ++round) {
    for (size_t m = 1; m < count; ++m) {
      if (progress && !progress(0.5)) return absl::CancelledError("fit cancelled");
      std::vector<double> best_weights;
      std::vector<double> best;
      for (double g : kGrid) {
        std::vector<double> trial = weights;
        trial[m] = g * weights_[0];
        if (trial[m] == weights[m]) continue;
        std::vector<double> v = BlendNdcg(tune_users, trial);
        if (SignificantlyBetter(v, current) && (best.empty() || Mean(v) > Mean(best))) {
          best = std::move(v);
          best_weights = std::move(trial);
        }
      }
      if (!best.empty()) {
        current = std::move(best);
        weights = std::move(best_weights);
      }
    }
  }
  const double best = Mean(current);
  weights_ = std::move(weights);
  tuning_ndcg_ = best;
  return absl::OkStatus();
}

absl::Status HybridModel::FitImpl(const Dataset& data, const FitProgress& progress) {
  double from = 0;
  if (tune_) {
    if (auto s = TuneWeights(data, progress); !s.ok()) return s;
    // Components the validation gave no weight are not fitted nor served.
    size_t kept = 0;
    for (size_t m = 0; m < components_.size(); ++m) {
      if (m > 0 && weights_[m] == 0) continue;
      if (kept != m) {
        components_[kept] = std::move(components_[m]);
        configs_[kept] = std::move(configs_[m]);
        weights_[kept] = weights_[m];
      }
      ++kept;
    }
    components_.resize(kept);
    configs_.resize(kept);
    weights_.resize(kept);
    from = 0.5;
  }
  const size_t count = components_.size();
  std::map<std::string, std::shared_ptr<const RecommenderModel>> fitted = std::move(fitted_);
  fitted_.clear();
  for (size_t m = 0; m < count; ++m) {
    if (configs_[m].params.empty()) {
      auto given = fitted.find(configs_[m].name);
      if (given != fitted.end() && given->second != nullptr && given->second->fitted() &&
          given->second->name() == configs_[m].name &&
          given->second->items().size() == data.num_items() &&
          given->second->users().size() == data.num_users()) {
        components_[m] = given->second;  // Fitted on this data already.
        continue;
      }
    }
    FitProgress part = nullptr;
    if (progress) {
      part = [&](double f) { return progress(from + (1 - from) * (m + f) / count); };
    }
    absl::StatusOr<std::unique_ptr<RecommenderModel>> component = CreateModel(configs_[m]);
    if (!component.ok()) return component.status();
    if (auto s = (*component)->Fit(data, part); !s.ok()) return s;
    components_[m] = *std::move(component);
  }
  return absl::OkStatus();
}

void HybridModel::ForgetUsersImpl(const absl::flat_hash_set<int32_t>& users) {
  for (std::shared_ptr<const RecommenderModel>& component : components_) {
    absl::StatusOr<std::unique_ptr<RecommenderModel>> copy =
        DeserializeModel(component->SerializeWithCache(/*cache_top_n=*/0));
    CLT_CHECK(copy.ok());  // Bytes this process just wrote.
    (*copy)->ForgetUsers(users);
    component = *std::move(copy);
  }
}

std::string HybridModel::UserSegment(int32_t user) const {
  for (const auto& m : components_) {
    std::string s = m->UserSegment(user);
    if (!s.empty()) return s;
  }
  return "";
}

void HybridModel::Score(absl::Span<const std::pair<int32_t, float>> history,
                        absl::string_view segment, absl::Span<float> scores) const {
  auto& parts = ThreadComponentScores();
  parts.resize(components_.size());
  for (size_t m = 0; m < components_.size(); ++m) {
    std::vector<float>& part = parts[m];
    part.assign(scores.size(), 0.0f);
    components_[m]->Score(history, segment, absl::MakeSpan(part));
    // The maximum over the items not in the history (those a recommendation can return).
    for (const auto& [item, weight] : history) {
      if (part[item] > 0) part[item] = -part[item];
    }
    float max = 0;
    for (float v : part) max = std::max(max, v);
    for (const auto& [item, weight] : history) {
      if (part[item] < 0) part[item] = -part[item];
    }
    const float scale = max > 0 ? static_cast<float>(weights_[m]) / max : 0.0f;
    for (size_t i = 0; i < scores.size(); ++i) {
      part[i] = part[i] > 0 ? part[i] * scale : 0.0f;
      scores[i] += part[i];
    }
  }
}

Reason HybridModel::Explain(int32_t item, absl::Span<const std::pair<int32_t, float>> history,
                            absl::string_view segment) const {
  const auto& parts = ThreadComponentScores();
  int best = -1;
  float best_value = 0;
  for (size_t m = 0; m < components_.size() && m < parts.size(); ++m) {
    if (parts[m][item] > best_value) {
      best_value = parts[m][item];
      best = static_cast<int>(m);
    }
  }
  if (best < 0) return Reason{ReasonKind::kPopular};
  return components_[best]->Explain(item, history, segment);
}

void HybridModel::SerializeImpl(std::string* out) const {
  internal::Put<uint64_t>(out, components_.size());
  for (size_t m = 0; m < components_.size(); ++m) {
    internal::Put<double>(out, weights_[m]);
    internal::PutString(out, components_[m]->SerializeWithCache(/*cache_top_n=*/0));
  }
}

absl::Status HybridModel::DeserializeImpl(absl::string_view* in) {
  uint64_t count;
  if (!internal::Get(in, &count) || count > in->size()) {
    return absl::DataLossError("hybrid bytes: truncated");
  }
  components_.clear();
  configs_.clear();
  weights_.clear();
  std::string bytes;
  for (uint64_t m = 0; m < count; ++m) {
    double weight;
    if (!internal::Get(in, &weight) || !internal::GetString(in, &bytes)) {
      return absl::DataLossError("hybrid bytes: truncated component");
    }
    absl::StatusOr<std::unique_ptr<RecommenderModel>> component = DeserializeModel(bytes);
    if (!component.ok()) return component.status();
    if ((*component)->name() == "hybrid" || (*component)->items().size() != items().size()) {
      return absl::DataLossError("hybrid bytes: bad component");
    }
    configs_.push_back(ModelConfig{(*component)->name()});
    components_.push_back(*std::move(component));
    weights_.push_back(weight);
  }
  return absl::OkStatus();
}

int64_t HybridModel::ModelFitBytes(const DataShape& shape) const {
  // The components, each fitted on the tuning split and then on all data: the larger of the
  // two fits' working memory is bounded by the full-data estimate; kept side by side (sum).
  int64_t bytes = tune_ ? 2 * 16 * shape.interactions : 0;  // The tuning split's two parts.
  for (const auto& component : components_) bytes += component->EstimateFitBytes(shape);
  return bytes;
}

}  // namespace clientele::recommender
