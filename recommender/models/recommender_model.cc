#include "recommender/models/recommender_model.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/status/status_macros.h"
#include "recommender/models/internal/byte_io.h"
#include "recommender/models/internal/parallel_tasks.h"

namespace clientele::recommender {
namespace {

constexpr int kMaxK = 1000;

struct Candidate {
  bool scored;
  float key;  // The score when scored, else the popularity.
  int32_t item;
};

bool Better(const Candidate& a, const Candidate& b) {
  if (a.scored != b.scored) return a.scored;
  if (a.key != b.key) return a.key > b.key;
  return a.item < b.item;
}

// Per-thread buffers of Recommend, reused from call to call.
struct Scratch {
  std::vector<std::pair<int32_t, float>> history;
  std::vector<float> scores;
  std::vector<Candidate> candidates;
};

Scratch& ThreadScratch() {
  thread_local Scratch scratch;
  return scratch;
}

}  // namespace

std::string ReasonText(const Reason& reason, const IdIndex& items) {
  auto item_name = [&]() -> std::string {
    if (reason.item < 0 || reason.item >= items.size()) return "?";
    return items.id(reason.item);
  };
  switch (reason.kind) {
    case ReasonKind::kPopular:
      return "popular";
    case ReasonKind::kPopularInSegment:
      return absl::StrCat("popular in segment ", reason.segment);
    case ReasonKind::kBoughtWith:
      return absl::StrCat("bought with ", item_name());
    case ReasonKind::kSimilarTo:
      return absl::StrCat("similar to ", item_name());
  }
  return "popular";
}

int64_t RecommenderModel::EstimateFitBytes(const DataShape& shape) const {
  // Histories (item + value), offsets, popularity, id maps (~48 bytes an id), serving cache.
  const int64_t base = 8 * shape.interactions + 8 * shape.users + 8 * shape.items +
                       48 * (shape.users + shape.items) +
                       16 * shape.users * static_cast<int64_t>(cache_top_n_);
  return base + ModelFitBytes(shape);
}

absl::Status MemoryBudgetError(absl::string_view model, int64_t need, int64_t budget,
                               const DataShape& shape) {
  constexpr double kMiB = 1024.0 * 1024.0;
  return absl::ResourceExhaustedError(absl::StrFormat(
      "model %s: training on %d users, %d items and %d interactions needs about %.0f MiB, over "
      "the memory budget of %.0f MiB (--recommender_memory_budget); raise the budget or choose "
      "a model whose cost fits (docs/recommender.md, \"Training cost\")",
      model, shape.users, shape.items, shape.interactions, need / kMiB, budget / kMiB));
}

absl::Status RecommenderModel::Fit(const Dataset& data, const FitProgress& progress) {
  if (fitted_) return absl::FailedPreconditionError("model: already fitted");
  if (data.num_items() == 0 || data.num_interactions() == 0) {
    return absl::InvalidArgumentError("dataset: no interactions to fit on");
  }
  if (memory_budget_bytes_ > 0) {
    const DataShape shape{data.num_users(), data.num_items(), data.num_interactions()};
    const int64_t need = EstimateFitBytes(shape);
    if (need > memory_budget_bytes_) {
      return MemoryBudgetError(name(), need, memory_budget_bytes_, shape);
    }
  }
  users_ = data.users();
  items_ = data.items();
  categories_.clear();
  categories_.reserve(data.num_items());
  for (const ItemMeta& meta : data.all_item_meta()) categories_.push_back(meta.category);
  categories_.resize(data.num_items());
  row_offsets_ = data.row_offsets();
  history_items_ = data.item_index();
  history_values_ = data.values();
  popularity_.assign(data.num_items(), 0.0f);
  for (int32_t item : history_items_) popularity_[item] += 1.0f;
  OrderByPopularity();
  CLT_RETURN_IF_ERROR(FitImpl(data, progress));
  if (progress && !progress(1.0)) return absl::CancelledError("fit cancelled");
  fitted_ = true;
  BuildCache();
  return absl::OkStatus();
}

std::string ErasedUserId(int32_t index) { return absl::StrCat("\x01erased/", index); }

void RecommenderModel::ForgetUsers(const absl::flat_hash_set<int32_t>& users) {
  const int32_t num_users = users_.size();
  IdIndex ids;
  std::vector<int64_t> offsets(1, 0);
  offsets.reserve(row_offsets_.size());
  std::vector<int32_t> items;
  std::vector<float> values;
  items.reserve(history_items_.size());
  values.reserve(history_values_.size());
  for (int32_t u = 0; u < num_users; ++u) {
    const bool erased = users.contains(u);
    ids.Add(erased ? ErasedUserId(u) : users_.id(u));
    if (!erased) {
      for (int64_t n = row_offsets_[u]; n < row_offsets_[u + 1]; ++n) {
        items.push_back(history_items_[n]);
        values.push_back(history_values_[n]);
      }
    }
    offsets.push_back(static_cast<int64_t>(items.size()));
  }
  users_ = std::move(ids);
  row_offsets_ = std::move(offsets);
  history_items_ = std::move(items);
  history_values_ = std::move(values);
  if (!cache_offsets_.empty()) {
    std::vector<int64_t> cache_offsets(1, 0);
    std::vector<CachedRec> cache;
    for (int32_t u = 0; u < num_users; ++u) {
      if (users.contains(u)) {
        cache_complete_[u] = 0;
      } else {
        cache.insert(cache.end(), cache_.begin() + cache_offsets_[u],
                     cache_.begin() + cache_offsets_[u + 1]);
      }
      cache_offsets.push_back(static_cast<int64_t>(cache.size()));
    }
    cache_ = std::move(cache);
    cache_offsets_ = std::move(cache_offsets);
  }
  ForgetUsersImpl(users);
}

void RecommenderModel::OrderByPopularity() {
  popularity_order_.resize(popularity_.size());
  std::iota(popularity_order_.begin(), popularity_order_.end(), 0);
  std::sort(popularity_order_.begin(), popularity_order_.end(), [this](int32_t a, int32_t b) {
    if (popularity_[a] != popularity_[b]) return popularity_[a] > popularity_[b];
    return a < b;
  });
}

int RecommenderModel::fit_threads() const { return internal::FitThreads(fit_threads_); }

void RecommenderModel::BuildCache() {
  cache_offsets_.clear();
  cache_.clear();
  cache_complete_.clear();
  if (cache_top_n_ <= 0) return;
  // Users in chunks, each chunk's lists built on one thread and then joined in user order.
  constexpr int32_t kChunk = 256;
  const int32_t num_users = users_.size();
  const int64_t chunks = (num_users + kChunk - 1) / kChunk;
  std::vector<std::vector<CachedRec>> chunk_cache(chunks);
  std::vector<int64_t> counts(num_users, 0);
  std::vector<uint8_t> complete(num_users, 0);
  internal::ParallelTasks(chunks, fit_threads(), [&](int64_t chunk) {
    RecommendRequest request;
    request.k = std::min(cache_top_n_, kMaxK);
    const int32_t end = std::min<int32_t>(num_users, (chunk + 1) * kChunk);
    for (int32_t u = chunk * kChunk; u < end; ++u) {
      request.user = u;
      absl::StatusOr<std::vector<Recommendation>> recs = Recommend(request);
      CLT_CHECK(recs.ok());
      for (const Recommendation& r : *recs) {
        chunk_cache[chunk].push_back({r.item, r.score, r.reason.item, r.reason.kind});
      }
      counts[u] = static_cast<int64_t>(recs->size());
      complete[u] = recs->size() < static_cast<size_t>(request.k) ? 1 : 0;
    }
  });
  std::vector<int64_t> offsets(num_users + 1, 0);
  for (int32_t u = 0; u < num_users; ++u) offsets[u + 1] = offsets[u] + counts[u];
  std::vector<CachedRec> cache;
  cache.reserve(offsets.back());
  for (std::vector<CachedRec>& part : chunk_cache) {
    cache.insert(cache.end(), part.begin(), part.end());
    std::vector<CachedRec>().swap(part);
  }
  // Published only when complete, so Recommend above ran uncached.
  cache_ = std::move(cache);
  cache_complete_ = std::move(complete);
  cache_offsets_ = std::move(offsets);
}

bool RecommenderModel::RecommendFromCache(const RecommendRequest& request,
                                          std::vector<Recommendation>* out) const {
  if (cache_offsets_.empty() || !request.user.has_value() || !request.history.empty() ||
      !request.exclude_seen || request.segment.has_value()) {
    return false;
  }
  const int32_t user = *request.user;
  out->clear();
  std::string segment;
  for (int64_t n = cache_offsets_[user]; n < cache_offsets_[user + 1]; ++n) {
    const CachedRec& c = cache_[n];
    if (request.exclude.contains(c.item)) continue;
    if (request.category.has_value() && categories_[c.item] != *request.category) continue;
    if (request.item_filter && !request.item_filter(c.item)) continue;
    Recommendation rec;
    rec.item = c.item;
    rec.score = c.score;
    rec.reason.kind = c.kind;
    rec.reason.item = c.evidence;
    if (c.kind == ReasonKind::kPopularInSegment) {
      if (segment.empty()) segment = UserSegment(user);
      rec.reason.segment = segment;
    }
    rec.reason_text = ReasonText(rec.reason, items_);
    out->push_back(std::move(rec));
    if (out->size() == static_cast<size_t>(request.k)) return true;
  }
  // Fewer than k passed the filters: right only when the list held every candidate.
  return cache_complete_[user] != 0;
}

void RecommenderModel::ReplaceHistoryValues(std::vector<float> values) {
  CLT_CHECK(values.size() == history_values_.size());
  history_values_ = std::move(values);
}

absl::Span<const int32_t> RecommenderModel::UserItems(int32_t user) const {
  return absl::MakeConstSpan(history_items_)
      .subspan(row_offsets_[user], row_offsets_[user + 1] - row_offsets_[user]);
}

absl::Span<const float> RecommenderModel::UserValues(int32_t user) const {
  return absl::MakeConstSpan(history_values_)
      .subspan(row_offsets_[user], row_offsets_[user + 1] - row_offsets_[user]);
}

void RecommenderModel::AppendHistory(int32_t user,
                                     std::vector<std::pair<int32_t, float>>* out) const {
  for (int64_t n = row_offsets_[user]; n < row_offsets_[user + 1]; ++n) {
    out->emplace_back(history_items_[n], history_values_[n]);
  }
}

absl::StatusOr<std::vector<Recommendation>> RecommenderModel::Recommend(
    const RecommendRequest& request) const {
  if (!fitted_) return absl::FailedPreconditionError("model: not fitted");
  if (request.k < 1 || request.k > kMaxK) {
    return absl::InvalidArgumentError(
        absl::StrCat("k: must be in 1..", kMaxK, ", got ", request.k));
  }
  const int32_t n = items_.size();
  if (request.user.has_value() && (*request.user < 0 || *request.user >= users_.size())) {
    return absl::InvalidArgumentError(
        absl::StrCat("user: index ", *request.user, " out of range 0..", users_.size() - 1));
  }
  if (request.k <= cache_top_n_) {
    std::vector<Recommendation> cached;
    cached.reserve(request.k);
    if (RecommendFromCache(request, &cached)) return cached;
  }
  for (const auto& [item, weight] : request.history) {
    if (item < 0 || item >= n) {
      return absl::InvalidArgumentError(
          absl::StrCat("history: item index ", item, " out of range 0..", n - 1));
    }
    if (!std::isfinite(weight)) {
      return absl::InvalidArgumentError("history: weight is not a finite number");
    }
  }
  Scratch& s = ThreadScratch();
  s.history.clear();
  if (request.user.has_value()) AppendHistory(*request.user, &s.history);
  if (!request.history.empty()) {
    // Request entries replace training entries of the same item (and later request entries
    // earlier ones): stable sort by item, keep the last entry of each item.
    s.history.insert(s.history.end(), request.history.begin(), request.history.end());
    std::stable_sort(s.history.begin(), s.history.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    size_t kept = 0;
    for (size_t r = 0; r < s.history.size(); ++r) {
      if (r + 1 < s.history.size() && s.history[r + 1].first == s.history[r].first) continue;
      s.history[kept++] = s.history[r];
    }
    s.history.resize(kept);
  }
  std::string segment;
  if (request.segment.has_value()) {
    segment = *request.segment;
  } else if (request.user.has_value()) {
    segment = UserSegment(*request.user);
  }
  absl::Span<const std::pair<int32_t, float>> history(s.history);
  auto passes_filters = [&](int32_t i) {
    if (request.category.has_value() && categories_[i] != *request.category) return false;
    return !request.item_filter || request.item_filter(i);
  };
  const size_t wanted = static_cast<size_t>(request.k);
  s.candidates.clear();
  if (const std::vector<std::pair<int32_t, float>>* ranked = RankedScores(segment)) {
    // Scores that do not depend on the history: the first k of the model's order that are
    // neither excluded nor filtered out, when there are k (else the full scoring below).
    auto excluded = [&](int32_t i) {
      if (request.exclude_seen &&
          std::binary_search(s.history.begin(), s.history.end(), std::make_pair(i, 0.0f),
                             [](const auto& a, const auto& b) { return a.first < b.first; })) {
        return true;
      }
      return request.exclude.contains(i);
    };
    for (const auto& [i, score] : *ranked) {
      if (excluded(i) || !passes_filters(i)) continue;
      s.candidates.push_back({true, score, i});
      if (s.candidates.size() == wanted) break;
    }
    if (s.candidates.size() < wanted) s.candidates.clear();
  }
  constexpr float kExcluded = -INFINITY;
  const bool from_ranked = !s.candidates.empty();
  if (!from_ranked) {
    s.scores.assign(n, 0.0f);
    Score(history, segment, absl::MakeSpan(s.scores));
    if (request.exclude_seen) {
      for (const auto& h : s.history) s.scores[h.first] = kExcluded;
    }
    for (int32_t item : request.exclude) {
      if (item >= 0 && item < n) s.scores[item] = kExcluded;
    }
  }
  // Scored items (> 0) compete for the k places. Whenever the list reaches prune_at, it keeps
  // its k best and the k-th becomes a bound an item must beat to enter: one pass over the
  // scores, not a sort of the catalog, when a model scores every item.
  const size_t prune_at = std::max<size_t>(4 * wanted, 1024);
  bool bounded = false;
  Candidate bound{};
  for (int32_t i = 0; !from_ranked && i < n; ++i) {
    const float score = s.scores[i];
    if (!(score > 0)) continue;  // Excluded (-inf) or unscored: below.
    const Candidate c{true, score, i};
    if (bounded && !Better(c, bound)) continue;
    if (!passes_filters(i)) continue;
    s.candidates.push_back(c);
    if (s.candidates.size() >= prune_at) {
      std::nth_element(s.candidates.begin(), s.candidates.begin() + (wanted - 1),
                       s.candidates.end(), Better);
      s.candidates.resize(wanted);
      bound = s.candidates.back();
      bounded = true;
    }
  }
  // Unscored items come after every scored one, most popular first (Better's order among
  // them): the first that are not excluded and pass the filters, in popularity order.
  if (UsesPopularityFallback() && s.candidates.size() < wanted) {
    for (int32_t i : popularity_order_) {
      const float score = s.scores[i];
      if (score == kExcluded || score > 0 || !passes_filters(i)) continue;
      s.candidates.push_back({false, popularity_[i], i});
      if (s.candidates.size() == wanted) break;
    }
  }
  size_t k = std::min<size_t>(request.k, s.candidates.size());
  if (k < s.candidates.size()) {
    std::nth_element(s.candidates.begin(), s.candidates.begin() + k, s.candidates.end(), Better);
  }
  std::sort(s.candidates.begin(), s.candidates.begin() + k, Better);
  std::vector<Recommendation> out;
  out.reserve(k);
  for (size_t r = 0; r < k; ++r) {
    const Candidate& c = s.candidates[r];
    Recommendation rec;
    rec.item = c.item;
    rec.score = c.scored ? c.key : 0.0f;
    rec.reason = c.scored ? Explain(c.item, history, segment) : Reason{ReasonKind::kPopular};
    rec.reason_text = ReasonText(rec.reason, items_);
    out.push_back(std::move(rec));
  }
  return out;
}

namespace {
constexpr absl::string_view kMagic = "CLTRECM1";

void PutIds(std::string* out, const IdIndex& ids) {
  internal::Put<uint64_t>(out, ids.size());
  for (const std::string& id : ids.ids()) internal::PutString(out, id);
}

bool GetIds(absl::string_view* in, IdIndex* ids) {
  uint64_t count;
  if (!internal::Get(in, &count)) return false;
  std::string id;
  for (uint64_t n = 0; n < count; ++n) {
    if (!internal::GetString(in, &id)) return false;
    if (ids->Add(id) != static_cast<int32_t>(n)) return false;  // Duplicate id.
  }
  return true;
}
}  // namespace

std::string RecommenderModel::Serialize() const { return SerializeWithCache(cache_top_n_); }

std::string RecommenderModel::SerializeWithCache(int32_t cache_top_n) const {
  std::string out(kMagic);
  internal::PutString(&out, name());
  PutIds(&out, users_);
  PutIds(&out, items_);
  internal::Put<uint64_t>(&out, categories_.size());
  for (const std::string& c : categories_) internal::PutString(&out, c);
  internal::PutVector(&out, row_offsets_);
  internal::PutVector(&out, history_items_);
  internal::PutVector(&out, history_values_);
  internal::PutVector(&out, popularity_);
  internal::Put<int32_t>(&out, cache_top_n);
  SerializeImpl(&out);
  return out;
}

// Reads the base part written by Serialize() after the name; used by DeserializeModel.
absl::Status DeserializeBase(absl::string_view* in, IdIndex* users, IdIndex* items,
                             std::vector<std::string>* categories, std::vector<int64_t>* offsets,
                             std::vector<int32_t>* hist_items, std::vector<float>* hist_values,
                             std::vector<float>* popularity) {
  uint64_t ncat;
  if (!GetIds(in, users) || !GetIds(in, items) || !internal::Get(in, &ncat) ||
      ncat != static_cast<uint64_t>(items->size())) {
    return absl::DataLossError("model bytes: bad id maps");
  }
  categories->resize(ncat);
  for (std::string& c : *categories) {
    if (!internal::GetString(in, &c)) return absl::DataLossError("model bytes: bad categories");
  }
  if (!internal::GetVector(in, offsets) || !internal::GetVector(in, hist_items) ||
      !internal::GetVector(in, hist_values) || !internal::GetVector(in, popularity)) {
    return absl::DataLossError("model bytes: truncated history");
  }
  if (offsets->size() != static_cast<size_t>(users->size()) + 1 || offsets->front() != 0 ||
      offsets->back() != static_cast<int64_t>(hist_items->size()) ||
      hist_values->size() != hist_items->size() ||
      popularity->size() != static_cast<size_t>(items->size())) {
    return absl::DataLossError("model bytes: inconsistent history");
  }
  for (size_t u = 0; u + 1 < offsets->size(); ++u) {
    if ((*offsets)[u] > (*offsets)[u + 1]) return absl::DataLossError("model bytes: bad offsets");
  }
  for (int32_t item : *hist_items) {
    if (item < 0 || item >= items->size()) return absl::DataLossError("model bytes: bad item");
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<RecommenderModel>> NewModelByName(absl::string_view name);

absl::StatusOr<std::unique_ptr<RecommenderModel>> DeserializeModel(absl::string_view bytes) {
  if (bytes.substr(0, kMagic.size()) != kMagic) {
    return absl::DataLossError("model bytes: not a serialized recommender model");
  }
  bytes.remove_prefix(kMagic.size());
  std::string name;
  if (!internal::GetString(&bytes, &name)) return absl::DataLossError("model bytes: no name");
  absl::StatusOr<std::unique_ptr<RecommenderModel>> model = NewModelByName(name);
  if (!model.ok()) return absl::DataLossError(model.status().message());
  RecommenderModel& m = **model;
  CLT_RETURN_IF_ERROR(DeserializeBase(&bytes, &m.users_, &m.items_, &m.categories_, &m.row_offsets_,
                                      &m.history_items_, &m.history_values_, &m.popularity_));
  if (!internal::Get(&bytes, &m.cache_top_n_) || m.cache_top_n_ < 0 || m.cache_top_n_ > kMaxK) {
    return absl::DataLossError("model bytes: bad cache size");
  }
  CLT_RETURN_IF_ERROR(m.DeserializeImpl(&bytes));
  if (!bytes.empty()) return absl::DataLossError("model bytes: trailing bytes");
  m.OrderByPopularity();
  m.fitted_ = true;
  m.BuildCache();
  return model;
}

}  // namespace clientele::recommender
