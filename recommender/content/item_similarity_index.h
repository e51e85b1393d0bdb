// Content-based similar items: cosine similarity over item vectors (TF-IDF from names and
// descriptions, or vectors a caller supplies, e.g. all-MiniLM-L6-v2 computed elsewhere), served
// by an HNSW graph (hnswlib) or, for small catalogs, by exact brute force.
//
//   // From text (TF-IDF over name + description):
//   CLT_ASSIGN_OR_RETURN(auto index, ItemSimilarityIndex::BuildFromText(texts, {}, {}));
//   // From caller-supplied vectors (row-major, num_items x dimension, any dimension >= 1):
//   CLT_ASSIGN_OR_RETURN(auto index, ItemSimilarityIndex::Build(vectors, 384, {}));
//   CLT_ASSIGN_OR_RETURN(std::vector<SimilarItem> similar, index->SimilarItems(item, 10));
//   // similar[i].item, similar[i].score (cosine), reason SimilarToReason(name of item)
//
// Vectors are L2-normalized at build time, so scores are cosines. Only items with a positive
// cosine are returned (a cosine <= 0 is no evidence of similarity). An item whose vector is all
// zeros (e.g. no known words) has no neighbours and is never returned.
//
// Storage: caller vectors are dense; text indexes keep sparse TF-IDF rows with postings (exact
// search touches only items sharing a term), and materialize dense rows at vocabulary
// dimension only when the HNSW graph is used.
//
// Immutable after Build; every const method may be called concurrently from any thread
// (hnswlib's search is thread-safe for readers; ef is fixed at build time). An `allow` filter
// must not call back into a similarity index on the same thread (exact text search keeps
// per-thread scratch buffers while it runs the filter).
#ifndef CLIENTELE_RECOMMENDER_CONTENT_ITEM_SIMILARITY_INDEX_H_
#define CLIENTELE_RECOMMENDER_CONTENT_ITEM_SIMILARITY_INDEX_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "recommender/content/tfidf.h"

namespace clientele::recommender {

struct SimilarItem {
  int32_t item = -1;
  float score = 0;          // Cosine similarity (SimilarToItems: weighted, see there).
  int32_t similar_to = -1;  // The query item that gave this score ("similar to Y"); -1 for a
                            // query by vector or text.
};

// "similar to <name>": the reason text for a SimilarItem, given the name of similar_to.
std::string SimilarToReason(absl::string_view item_name);

struct SimilarityIndexOptions {
  enum class Mode { kAuto, kExact, kHnsw };
  // kAuto: for caller vectors, exact brute force when the catalog has at most
  // brute_force_max_items items, HNSW otherwise; for text (BuildFromText) always exact, over
  // the TF-IDF postings: it touches only items sharing a word with the query (3 us per query on
  // Online Retail's 3,958 descriptions, where HNSW over the 2,170-dimensional dense rows takes
  // about 1 ms per query and seconds to build). kHnsw forces the graph for text too.
  Mode mode = Mode::kAuto;
  int32_t brute_force_max_items = 5000;
  // HNSW parameters (hnswlib names): graph degree, build and search beam widths, level seed.
  int32_t hnsw_m = 16;
  int32_t hnsw_ef_construction = 200;
  int32_t hnsw_ef_search = 100;
  uint64_t seed = 100;
  // Threads inserting into the HNSW graph at build time (hnswlib allows concurrent inserts).
  // With more than one the graph depends on thread timing; Deserialize always rebuilds with
  // one thread (deterministic). Not persisted.
  int32_t build_threads = 1;
};

// The item texts fed to TF-IDF: name and description joined by a space.
std::string ItemText(absl::string_view name, absl::string_view description);

class ItemSimilarityIndex {
 public:
  ~ItemSimilarityIndex();
  ItemSimilarityIndex(const ItemSimilarityIndex&) = delete;
  ItemSimilarityIndex& operator=(const ItemSimilarityIndex&) = delete;

  // Builds from `vectors` (row-major, num_items x dimension; num_items = vectors.size() /
  // dimension). InvalidArgument for dimension < 1, a size that is not a multiple of
  // dimension, or a non-finite value (naming the item). An empty catalog is valid.
  static absl::StatusOr<std::unique_ptr<ItemSimilarityIndex>> Build(
      absl::Span<const float> vectors, int32_t dimension, const SimilarityIndexOptions& options);

  // TF-IDF over `texts` (one per item, e.g. ItemText(name, description)); the fitted model is
  // kept for SimilarToText.
  static absl::StatusOr<std::unique_ptr<ItemSimilarityIndex>> BuildFromText(
      absl::Span<const std::string> texts, const TfidfOptions& tfidf,
      const SimilarityIndexOptions& options);

  // The k most similar items to `item` (never `item` itself, never items with a zero vector),
  // best first; `allow` (if set) must return true for an item to be returned. NotFound for an
  // item index out of range; InvalidArgument for k < 1. Fewer than k results when fewer items
  // qualify.
  absl::StatusOr<std::vector<SimilarItem>> SimilarItems(
      int32_t item, int32_t k, const std::function<bool(int32_t)>& allow = {}) const;

  // The k items most similar to any item of `history` (item, weight): each candidate's score is
  // max over history items h of weight(h) * cosine(h, candidate), and similar_to names that h.
  // History items and `exclude` are never returned. Unknown history items are ignored. Only
  // the kMaxHistory heaviest history items are searched (ties: earlier in `history` first), so
  // the cost is bounded: at most kMaxHistory single-item searches.
  static constexpr int32_t kMaxHistory = 32;
  std::vector<SimilarItem> SimilarToItems(absl::Span<const std::pair<int32_t, float>> history,
                                          int32_t k, absl::Span<const int32_t> exclude = {},
                                          const std::function<bool(int32_t)>& allow = {}) const;

  // Nearest items to an arbitrary query vector of dimension() (normalized here). Empty on a
  // dimension mismatch or a zero query.
  std::vector<SimilarItem> SimilarToVector(absl::Span<const float> query, int32_t k,
                                           const std::function<bool(int32_t)>& allow = {}) const;
  // As SimilarToVector, always by exact brute force (the reference for recall measurements).
  std::vector<SimilarItem> ExactSimilarToVector(
      absl::Span<const float> query, int32_t k,
      const std::function<bool(int32_t)>& allow = {}) const;
  // Query by free text; FailedPrecondition when the index was not built from text.
  absl::StatusOr<std::vector<SimilarItem>> SimilarToText(
      absl::string_view text, int32_t k, const std::function<bool(int32_t)>& allow = {}) const;

  int32_t num_items() const { return num_items_; }
  // Dense dimension: the caller's dimension, or the TF-IDF vocabulary size for BuildFromText.
  int32_t dimension() const { return dimension_; }
  bool uses_hnsw() const { return hnsw_ != nullptr; }
  bool has_vector(int32_t item) const { return has_vector_[static_cast<size_t>(item)] != 0; }
  const TfidfModel* tfidf() const { return tfidf_ ? &*tfidf_ : nullptr; }

  // Versioned binary form: options, vectors and the TF-IDF model. Deserialize rebuilds the
  // HNSW graph (deterministic for the stored seed); DataLoss on malformed bytes.
  std::string Serialize() const;
  static absl::StatusOr<std::unique_ptr<ItemSimilarityIndex>> Deserialize(absl::string_view bytes);

 private:
  struct Hnsw;
  // A query in the form the index stores: dense (normalized, dimension_ floats) or sparse.
  struct Query {
    absl::Span<const float> dense;
    const SparseVector* sparse = nullptr;
  };

  ItemSimilarityIndex();
  absl::Status InitDense(std::vector<float> vectors, int32_t dimension, bool normalize);
  absl::Status InitSparse(std::vector<SparseVector> vectors, int32_t dimension);
  absl::Status BuildGraph();
  Query ItemQuery(int32_t item) const;
  std::vector<float> Densify(const SparseVector& v) const;
  // The k best items for `query` that pass `allow` (may be empty) and are not `skip_item`.
  std::vector<SimilarItem> Search(const Query& query, int32_t k, int32_t skip_item,
                                  const std::function<bool(int32_t)>& allow, bool exact) const;
  std::vector<SimilarItem> ExactSearch(const Query& query, int32_t k, int32_t skip_item,
                                       const std::function<bool(int32_t)>& allow) const;

  SimilarityIndexOptions options_;
  int32_t num_items_ = 0;
  int32_t dimension_ = 0;
  std::vector<uint8_t> has_vector_;  // 1 iff the item's vector is non-zero.
  // Dense storage (Build, or BuildFromText in HNSW mode): row-major, L2-normalized.
  std::vector<float> dense_;
  // Sparse storage (BuildFromText): normalized TF-IDF rows and the transposed postings
  // (term -> items) for exact search.
  std::vector<SparseVector> sparse_;
  std::vector<int64_t> posting_offsets_;
  std::vector<int32_t> posting_items_;
  std::vector<float> posting_values_;
  std::optional<TfidfModel> tfidf_;
  std::unique_ptr<Hnsw> hnsw_;  // Null in exact mode.
};

}  // namespace clientele::recommender

#endif  // CLIENTELE_RECOMMENDER_CONTENT_ITEM_SIMILARITY_INDEX_H_
