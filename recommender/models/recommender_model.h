// RecommenderModel: the interface every personal recommender implements (popularity, item_cf,
// sar, ease, hybrid).
//
// Life cycle: create by name (CreateModel), Fit() once on a Dataset, then treat as immutable:
// every const method is thread-safe and may be called concurrently (the service holds models
// as std::shared_ptr<const RecommenderModel> snapshots). A fitted model is self-contained: it
// keeps its own copy of the user and item id maps, item categories and the users' training
// histories, so it serves and serializes without the Dataset.
//
//   absl::StatusOr<std::unique_ptr<RecommenderModel>> model = TrainModel({.name = "ease"}, data);
//   RecommendRequest request;
//   request.user = (*model)->FindUser("web/42");
//   request.k = 10;
//   absl::StatusOr<std::vector<Recommendation>> items = (*model)->Recommend(request);
//   std::string bytes = (*model)->Serialize();          // persist ...
//   auto again = DeserializeModel(bytes);                // ... and load
#ifndef CLIENTELE_RECOMMENDER_MODELS_RECOMMENDER_MODEL_H_
#define CLIENTELE_RECOMMENDER_MODELS_RECOMMENDER_MODEL_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "recommender/data/dataset.h"
#include "recommender/models/model_names.h"  // ModelNames(), ServedModelNames().

namespace clientele::recommender {

// Why an item was recommended.
enum class ReasonKind {
  kPopular,           // "popular"
  kPopularInSegment,  // "popular in segment S"
  kBoughtWith,        // "bought with X": co-occurs with history item X
  kSimilarTo,         // "similar to X": X's neighbour by item-item similarity
};

struct Reason {
  ReasonKind kind = ReasonKind::kPopular;
  int32_t item = -1;    // The evidence item X (index), for kBoughtWith / kSimilarTo.
  std::string segment;  // For kPopularInSegment.
};

struct Recommendation {
  int32_t item = -1;  // Item index in the model's items().
  float score = 0;    // Higher is better; comparable within one call only.
  Reason reason;
  std::string reason_text;  // E.g. "bought with SKU123", "popular in segment champions".
};

// Returns a short English text for `reason`, naming the evidence item by its id in `items`.
std::string ReasonText(const Reason& reason, const IdIndex& items);

struct RecommendRequest {
  // A user known at fit time: their training history is used (plus `history`, if given).
  std::optional<int32_t> user;
  // Extra or replacing history: (item index, weight) pairs, e.g. a session or the latest
  // purchases the caller knows of. Unknown users pass only this. Items out of range are an
  // InvalidArgument.
  std::vector<std::pair<int32_t, float>> history;
  // Number of items wanted, 1..1000 (InvalidArgument otherwise). Fewer come back when fewer
  // items pass the filters.
  int k = 10;
  // Drop the items of the history (training + `history`): the default.
  bool exclude_seen = true;
  // More items never to return (indexes).
  absl::flat_hash_set<int32_t> exclude;
  // Only items of this category (by ItemMeta::category), when set.
  std::optional<std::string> category;
  // Only items for which this returns true, when set. Called from the serving thread.
  std::function<bool(int32_t item)> item_filter;
  // Segment of the user for segment popularity; defaults to the segment the user had at fit.
  std::optional<std::string> segment;
};

class RecommenderModel;

// Progress and cancellation during Fit: called with a fraction in [0, 1]; return false to
// cancel (Fit then returns Cancelled). May be called from the Fit thread only.
using FitProgress = std::function<bool(double fraction)>;

// The size of a training set, for the training cost estimates (EstimateFitBytes).
struct DataShape {
  int64_t users = 0;
  int64_t items = 0;
  int64_t interactions = 0;
};

struct ModelConfig {
  // "popularity", "item_cf", "sar", "ease", "rp3beta", "svd", "als", "hybrid".
  std::string name;
  // Hyper-parameters by name; unknown names are an InvalidArgument from CreateModel. See each
  // model's header for its parameters and defaults.
  std::map<std::string, double> params;
  // Segment of each user id (source key or profile id) for segment popularity; optional.
  absl::flat_hash_map<std::string, std::string> user_segments;
  // For "hybrid": its components and their blend weights ({name, params} each).
  std::vector<std::pair<ModelConfig, double>> components;
  // Serving cache: after Fit (and after DeserializeModel) the model precomputes the top
  // `cache_top_n` unseen items of every known user, so that the common request (a known user,
  // no extra history, seen items excluded, no segment override) costs a walk over that list
  // with the request's filters instead of a full scoring. 0 disables the cache. Costs
  // users x cache_top_n x 12 bytes and one full scoring per user at fit and at load.
  int cache_top_n = 100;
  // Memory budget of Fit in bytes (0: none). Fit first estimates its peak memory from the
  // data's shape (EstimateFitBytes) and, above the budget, returns ResourceExhausted naming
  // the flag --recommender_memory_budget before allocating anything.
  int64_t memory_budget_bytes = 0;
  // Threads Fit may use for its dense factorizations and products and the serving cache; 0:
  // one per hardware thread. The fitted model does not depend on it. Not serialized.
  int fit_threads = 0;
  // For "hybrid": models already fitted on the very Dataset the hybrid is fitted on, by name,
  // each with its default parameters (no params) and a memory budget no larger than this
  // config's. A default component of that name (no params) is then taken as it is instead of
  // fitted again on all of the data (its fit on the validation split still happens). The
  // train job passes its "ease" to its "hybrid".
  std::map<std::string, std::shared_ptr<const RecommenderModel>> fitted;
};

class RecommenderModel {
 public:
  virtual ~RecommenderModel() = default;

  // The factory name ("ease", ...).
  virtual std::string name() const = 0;

  // Fits the model. Call once, before any other method but name(). InvalidArgument for an
  // empty dataset; Cancelled when `progress` returns false.
  absl::Status Fit(const Dataset& data, const FitProgress& progress = nullptr);

  // Top-k items for a user or a history, best first, with reasons. Thread-safe. A user with
  // no history gets the (segment) popularity fallback of the model, if any, else an empty list.
  absl::StatusOr<std::vector<Recommendation>> Recommend(const RecommendRequest& request) const;

  // Id maps and item categories as fitted.
  const IdIndex& users() const { return users_; }
  const IdIndex& items() const { return items_; }
  std::optional<int32_t> FindUser(absl::string_view id) const { return users_.Find(id); }
  std::optional<int32_t> FindItem(absl::string_view id) const { return items_.Find(id); }
  const std::string& item_category(int32_t item) const { return categories_[item]; }
  bool fitted() const { return fitted_; }
  // What the fit left out or changed, in one sentence (e.g. items beyond a cap that fall back
  // to popularity); empty when nothing. Not serialized.
  const std::string& fit_note() const { return fit_note_; }

  // Training history of a known user: (item, value) pairs.
  absl::Span<const int32_t> UserItems(int32_t user) const;
  absl::Span<const float> UserValues(int32_t user) const;

  // Bytes that DeserializeModel turns back into an equal model (same recommendations).
  std::string Serialize() const;

  // Erasure of data subjects (docs/recommender.md, "Privacy"): removes what the model keeps
  // of each user index in `users` without refitting. Their ids are replaced by placeholders
  // that name nobody (ErasedUserId: FindUser no longer finds them; the user indexes of the
  // others stay), their training histories and serving-cache lists are emptied, and the
  // model's own per-user state goes (ForgetUsersImpl: segments, user factors, a hybrid's
  // components). Item-level state learnt from all users (item weights, popularity) stays.
  // Indexes out of range are ignored. Not thread-safe: call on a model nobody serves yet
  // (e.g. one just read by DeserializeModel), then serve or Serialize() it.
  void ForgetUsers(const absl::flat_hash_set<int32_t>& users);

  // Estimated peak memory of Fit on data of this shape, in bytes: the fit's working memory,
  // the fitted model and its serving cache (see docs/recommender.md, "Training cost"). An
  // estimate, not a bound on the allocator: it counts the large arrays.
  int64_t EstimateFitBytes(const DataShape& shape) const;

 protected:
  // Scores every item for `history` (item, weight; deduplicated, sorted by item) into `scores`
  // (num_items entries, zero-filled on entry). Items left at <= 0 are treated as unscored and
  // may come back only after the scored ones, ordered by the fallback. `segment` may be empty.
  virtual void Score(absl::Span<const std::pair<int32_t, float>> history, absl::string_view segment,
                     absl::Span<float> scores) const = 0;
  // The evidence for recommending `item` to `history`.
  virtual Reason Explain(int32_t item, absl::Span<const std::pair<int32_t, float>> history,
                         absl::string_view segment) const = 0;
  // Fits the model-specific state; the base has already copied the id maps and histories.
  virtual absl::Status FitImpl(const Dataset& data, const FitProgress& progress) = 0;
  // Model-specific state to/from bytes (see internal/byte_io.h).
  virtual void SerializeImpl(std::string* out) const = 0;
  virtual absl::Status DeserializeImpl(absl::string_view* in) = 0;
  // EstimateFitBytes without the base part (the copied histories, id maps and serving cache).
  virtual int64_t ModelFitBytes(const DataShape& shape) const = 0;
  // Segment a known user had at fit time ("" if none). Used when the request has none.
  virtual std::string UserSegment(int32_t user) const { return ""; }
  // ForgetUsers' model-specific part, called after the base part (default: nothing kept per
  // user beyond the base's ids and histories).
  virtual void ForgetUsersImpl(const absl::flat_hash_set<int32_t>& /*users*/) {}
  // Whether the model falls back to popularity for items left unscored (default true).
  virtual bool UsesPopularityFallback() const { return true; }
  // For a model whose scores do not depend on the history (popularity): the items that Score
  // gives a score > 0 for `segment`, best first (score descending, then item index), with
  // those scores. Recommend then walks this list instead of scoring the whole catalog (and
  // scores the catalog only when the list cannot fill k). nullptr (the default): no list.
  virtual const std::vector<std::pair<int32_t, float>>* RankedScores(
      absl::string_view segment) const {
    return nullptr;
  }

  void set_fit_note(std::string note) { fit_note_ = std::move(note); }
  // No serving cache for this model (e.g. a copy fitted only to be validated).
  void DisableServingCache() { cache_top_n_ = 0; }
  // ModelConfig::fit_threads resolved (at least 1).
  int fit_threads() const;
  // Item popularity (number of users) from the fit, available to every model.
  const std::vector<float>& item_popularity() const { return popularity_; }
  // Replaces the stored training-history values (same layout as the Dataset's values), e.g.
  // by time-decayed affinities. For FitImpl only.
  void ReplaceHistoryValues(std::vector<float> values);
  // The stored training history of `user` as (item, value) pairs, sorted by item.
  void AppendHistory(int32_t user, std::vector<std::pair<int32_t, float>>* out) const;

 private:
  friend absl::StatusOr<std::unique_ptr<RecommenderModel>> DeserializeModel(absl::string_view);
  friend class HybridModel;

  // One precomputed recommendation of the serving cache.
  struct CachedRec {
    int32_t item;
    float score;  // 0 for a popularity-fallback item.
    int32_t evidence;
    ReasonKind kind;
  };
  // Fills popularity_order_ from popularity_.
  void OrderByPopularity();
  // Fills the serving cache (no-op when cache_top_n_ is 0), users split over fit_threads_.
  void BuildCache();
  // Serialize() with `cache_top_n` recorded instead of the model's own (a hybrid's component
  // is never served alone: it is written without a cache).
  std::string SerializeWithCache(int32_t cache_top_n) const;
  // The cached answer to `request` if the cache can give it; false otherwise.
  bool RecommendFromCache(const RecommendRequest& request, std::vector<Recommendation>* out) const;
  friend absl::StatusOr<std::unique_ptr<RecommenderModel>> CreateModel(const ModelConfig&);

  int32_t cache_top_n_ = 0;
  int64_t memory_budget_bytes_ = 0;
  int fit_threads_ = 0;
  std::vector<int64_t> cache_offsets_;  // Per user + 1; empty without a cache.
  std::vector<CachedRec> cache_;
  std::vector<uint8_t> cache_complete_;  // Per user: the list holds every candidate.

  IdIndex users_;
  IdIndex items_;
  std::vector<std::string> categories_;
  std::vector<int64_t> row_offsets_{0};
  std::vector<int32_t> history_items_;
  std::vector<float> history_values_;
  std::vector<float> popularity_;
  // Item indexes by popularity_, most popular first (ties: lower index first).
  std::vector<int32_t> popularity_order_;
  bool fitted_ = false;
  std::string fit_note_;
};

// The id an erased user `index` has in a model after ForgetUsers: "\x01erased/<index>", which no
// source key or profile id can be (both are printable).
std::string ErasedUserId(int32_t index);

// A new, unfitted model by config.name. InvalidArgument for an unknown name or parameter.
absl::StatusOr<std::unique_ptr<RecommenderModel>> CreateModel(const ModelConfig& config);

// CreateModel + Fit.
absl::StatusOr<std::unique_ptr<RecommenderModel>> TrainModel(const ModelConfig& config,
                                                             const Dataset& data,
                                                             const FitProgress& progress = nullptr);

// Reads bytes written by Serialize(). DataLoss for corrupt or truncated bytes.
absl::StatusOr<std::unique_ptr<RecommenderModel>> DeserializeModel(absl::string_view bytes);

// EstimateFitBytes of the model `config` describes. InvalidArgument as CreateModel.
absl::StatusOr<int64_t> EstimateFitBytes(const ModelConfig& config, const DataShape& shape);

// OK when the model `config` describes fits `shape` within config.memory_budget_bytes (or has
// no budget); otherwise ResourceExhausted naming --recommender_memory_budget, the estimate and
// the shape. What Fit checks first; a job can call it before loading anything big.
absl::Status CheckMemoryBudget(const ModelConfig& config, const DataShape& shape);

}  // namespace clientele::recommender

#endif  // CLIENTELE_RECOMMENDER_MODELS_RECOMMENDER_MODEL_H_
