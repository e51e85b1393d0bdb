#include "recommender/content/item_similarity_index.h"

#include <hnswlib/hnswlib.h>

#include <Eigen/Core>
#include <algorithm>
#include <atomic>
#include <cmath>
#include <exception>
#include <queue>
#include <thread>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "recommender/rules/internal/binary_io.h"

namespace clientele::recommender {

struct ItemSimilarityIndex::Hnsw {
  explicit Hnsw(int32_t dimension) : space(static_cast<size_t>(dimension)) {}
  hnswlib::InnerProductSpace space;
  std::unique_ptr<hnswlib::HierarchicalNSW<float>> graph;
  int32_t size = 0;  // Items in the graph (those with a vector).
};

namespace {

constexpr uint32_t kFormatVersion = 1;
constexpr int64_t kMaxDenseFloats = int64_t{1} << 31;

// Best first: higher score, then lower item index.
bool Better(const SimilarItem& a, const SimilarItem& b) {
  return a.score != b.score ? a.score > b.score : a.item < b.item;
}

// Keeps the k best SimilarItems seen (a bounded heap whose top is the worst kept).
class TopK {
 public:
  explicit TopK(int32_t k) : k_(static_cast<size_t>(std::max(k, 0))) {}
  void Push(SimilarItem s) {
    if (k_ == 0) return;
    if (heap_.size() < k_) {
      heap_.push_back(s);
      std::push_heap(heap_.begin(), heap_.end(), Better);
    } else if (Better(s, heap_.front())) {
      std::pop_heap(heap_.begin(), heap_.end(), Better);
      heap_.back() = s;
      std::push_heap(heap_.begin(), heap_.end(), Better);
    }
  }
  std::vector<SimilarItem> Take() {
    std::sort(heap_.begin(), heap_.end(), Better);
    return std::move(heap_);
  }

 private:
  size_t k_;
  std::vector<SimilarItem> heap_;
};

}  // namespace

std::string SimilarToReason(absl::string_view item_name) {
  return absl::StrCat("similar to ", item_name);
}

std::string ItemText(absl::string_view name, absl::string_view description) {
  if (description.empty()) return std::string(name);
  if (name.empty()) return std::string(description);
  return absl::StrCat(name, " ", description);
}

ItemSimilarityIndex::ItemSimilarityIndex() = default;
ItemSimilarityIndex::~ItemSimilarityIndex() = default;

absl::StatusOr<std::unique_ptr<ItemSimilarityIndex>> ItemSimilarityIndex::Build(
    absl::Span<const float> vectors, int32_t dimension, const SimilarityIndexOptions& options) {
  if (dimension < 1) {
    return absl::InvalidArgumentError(absl::StrCat("dimension must be >= 1, got ", dimension));
  }
  if (vectors.size() % static_cast<size_t>(dimension) != 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "vectors: ", vectors.size(), " floats is not a multiple of dimension ", dimension));
  }
  std::unique_ptr<ItemSimilarityIndex> index(new ItemSimilarityIndex());
  index->options_ = options;
  absl::Status status =
      index->InitDense(std::vector<float>(vectors.begin(), vectors.end()), dimension,
                       /*normalize=*/true);
  if (!status.ok()) return status;
  status = index->BuildGraph();
  if (!status.ok()) return status;
  return index;
}

absl::StatusOr<std::unique_ptr<ItemSimilarityIndex>> ItemSimilarityIndex::BuildFromText(
    absl::Span<const std::string> texts, const TfidfOptions& tfidf,
    const SimilarityIndexOptions& options) {
  absl::StatusOr<TfidfModel> model = TfidfModel::Fit(texts, tfidf);
  if (!model.ok()) return model.status();
  std::vector<SparseVector> rows;
  rows.reserve(texts.size());
  for (const std::string& text : texts) rows.push_back(model->Transform(text));
  std::unique_ptr<ItemSimilarityIndex> index(new ItemSimilarityIndex());
  index->options_ = options;
  const int32_t dimension = std::max(model->vocabulary_size(), 1);
  index->tfidf_ = *std::move(model);
  absl::Status status = index->InitSparse(std::move(rows), dimension);
  if (!status.ok()) return status;
  status = index->BuildGraph();
  if (!status.ok()) return status;
  return index;
}

absl::Status ItemSimilarityIndex::InitDense(std::vector<float> vectors, int32_t dimension,
                                            bool normalize) {
  dimension_ = dimension;
  num_items_ = static_cast<int32_t>(vectors.size() / static_cast<size_t>(dimension));
  dense_ = std::move(vectors);
  has_vector_.assign(static_cast<size_t>(num_items_), 0);
  for (int32_t item = 0; item < num_items_; ++item) {
    float* row = dense_.data() + static_cast<size_t>(item) * dimension_;
    double norm = 0;
    for (int32_t j = 0; j < dimension_; ++j) {
      if (!std::isfinite(row[j])) {
        return absl::InvalidArgumentError(
            absl::StrCat("vectors: item ", item, " has a non-finite value at position ", j));
      }
      norm += static_cast<double>(row[j]) * row[j];
    }
    if (norm > 0) {
      if (normalize) {
        const double inv = 1 / std::sqrt(norm);
        for (int32_t j = 0; j < dimension_; ++j) row[j] = static_cast<float>(row[j] * inv);
      }
      has_vector_[static_cast<size_t>(item)] = 1;
    }
  }
  return absl::OkStatus();
}

absl::Status ItemSimilarityIndex::InitSparse(std::vector<SparseVector> vectors, int32_t dimension) {
  dimension_ = dimension;
  num_items_ = static_cast<int32_t>(vectors.size());
  sparse_ = std::move(vectors);
  has_vector_.assign(static_cast<size_t>(num_items_), 0);
  posting_offsets_.assign(static_cast<size_t>(dimension_) + 1, 0);
  for (int32_t item = 0; item < num_items_; ++item) {
    const SparseVector& v = sparse_[static_cast<size_t>(item)];
    if (v.indices.size() != v.values.size()) {
      return absl::DataLossError(absl::StrCat("item ", item, ": malformed sparse vector"));
    }
    for (size_t j = 0; j < v.indices.size(); ++j) {
      if (v.indices[j] < 0 || v.indices[j] >= dimension_ ||
          (j > 0 && v.indices[j] <= v.indices[j - 1]) || !std::isfinite(v.values[j])) {
        return absl::DataLossError(absl::StrCat("item ", item, ": malformed sparse vector"));
      }
      if (v.values[j] != 0) has_vector_[static_cast<size_t>(item)] = 1;
      ++posting_offsets_[static_cast<size_t>(v.indices[j]) + 1];
    }
  }
  for (size_t t = 1; t < posting_offsets_.size(); ++t)
    posting_offsets_[t] += posting_offsets_[t - 1];
  posting_items_.resize(static_cast<size_t>(posting_offsets_.back()));
  posting_values_.resize(posting_items_.size());
  std::vector<int64_t> fill(posting_offsets_.begin(), posting_offsets_.end() - 1);
  for (int32_t item = 0; item < num_items_; ++item) {
    const SparseVector& v = sparse_[static_cast<size_t>(item)];
    for (size_t j = 0; j < v.indices.size(); ++j) {
      const int64_t at = fill[static_cast<size_t>(v.indices[j])]++;
      posting_items_[static_cast<size_t>(at)] = item;
      posting_values_[static_cast<size_t>(at)] = v.values[j];
    }
  }
  return absl::OkStatus();
}

std::vector<float> ItemSimilarityIndex::Densify(const SparseVector& v) const {
  std::vector<float> dense(static_cast<size_t>(dimension_), 0.0f);
  for (size_t j = 0; j < v.indices.size(); ++j) {
    dense[static_cast<size_t>(v.indices[j])] = v.values[j];
  }
  return dense;
}

absl::Status ItemSimilarityIndex::BuildGraph() {
  hnsw_.reset();
  const bool use_hnsw = options_.mode == SimilarityIndexOptions::Mode::kHnsw ||
                        (options_.mode == SimilarityIndexOptions::Mode::kAuto && !tfidf_ &&
                         num_items_ > options_.brute_force_max_items);
  if (!use_hnsw) return absl::OkStatus();
  if (options_.hnsw_m < 2 || options_.hnsw_ef_construction < 1 || options_.hnsw_ef_search < 1) {
    return absl::InvalidArgumentError(
        "hnsw_m must be >= 2 and hnsw_ef_construction, hnsw_ef_search >= 1");
  }
  if (!sparse_.empty() && dense_.empty()) {
    // HNSW needs dense rows: materialize the TF-IDF vectors at vocabulary dimension.
    if (static_cast<int64_t>(num_items_) * dimension_ > kMaxDenseFloats) {
      return absl::InvalidArgumentError(
          absl::StrCat("HNSW over TF-IDF needs num_items x vocabulary floats (", num_items_, " x ",
                       dimension_, "): lower TfidfOptions.max_features"));
    }
    dense_.assign(static_cast<size_t>(num_items_) * dimension_, 0.0f);
    for (int32_t item = 0; item < num_items_; ++item) {
      const SparseVector& v = sparse_[static_cast<size_t>(item)];
      float* row = dense_.data() + static_cast<size_t>(item) * dimension_;
      for (size_t j = 0; j < v.indices.size(); ++j) row[v.indices[j]] = v.values[j];
    }
  }
  int32_t with_vector = 0;
  for (uint8_t h : has_vector_) with_vector += h;
  auto hnsw = std::make_unique<Hnsw>(dimension_);
  try {
    hnsw->graph = std::make_unique<hnswlib::HierarchicalNSW<float>>(
        &hnsw->space, static_cast<size_t>(std::max(with_vector, 1)),
        static_cast<size_t>(options_.hnsw_m), static_cast<size_t>(options_.hnsw_ef_construction),
        static_cast<size_t>(options_.seed));
    hnsw->graph->setEf(static_cast<size_t>(options_.hnsw_ef_search));
  } catch (const std::exception& e) {
    return absl::ResourceExhaustedError(absl::StrCat("building the HNSW graph: ", e.what()));
  }
  // Items are handed out in ascending order; with one thread the graph is deterministic.
  std::atomic<int32_t> next{0};
  std::atomic<bool> failed{false};
  std::string error;  // Written by the first failing thread only.
  auto insert = [&] {
    for (int32_t item = next++; item < num_items_ && !failed; item = next++) {
      if (!has_vector_[static_cast<size_t>(item)]) continue;
      try {
        hnsw->graph->addPoint(dense_.data() + static_cast<size_t>(item) * dimension_,
                              static_cast<hnswlib::labeltype>(item));
      } catch (const std::exception& e) {
        if (!failed.exchange(true)) error = e.what();
      }
    }
  };
  const int32_t threads = std::max(1, std::min(options_.build_threads, num_items_));
  std::vector<std::thread> workers;
  for (int32_t t = 1; t < threads; ++t) workers.emplace_back(insert);
  insert();
  for (std::thread& w : workers) w.join();
  if (failed) return absl::ResourceExhaustedError(absl::StrCat("building the HNSW graph: ", error));
  hnsw->size = with_vector;
  hnsw_ = std::move(hnsw);
  return absl::OkStatus();
}

ItemSimilarityIndex::Query ItemSimilarityIndex::ItemQuery(int32_t item) const {
  Query q;
  if (!dense_.empty()) {
    q.dense = absl::Span<const float>(dense_.data() + static_cast<size_t>(item) * dimension_,
                                      static_cast<size_t>(dimension_));
  }
  if (!sparse_.empty()) q.sparse = &sparse_[static_cast<size_t>(item)];
  return q;
}

std::vector<SimilarItem> ItemSimilarityIndex::ExactSearch(
    const Query& query, int32_t k, int32_t skip_item,
    const std::function<bool(int32_t)>& allow) const {
  TopK top(k);
  auto offer = [&](int32_t item, float score) {
    if (score <= 0 || item == skip_item || !has_vector_[static_cast<size_t>(item)]) return;
    if (allow && !allow(item)) return;
    top.Push({item, score, -1});
  };
  if (query.sparse != nullptr && !sparse_.empty()) {
    // Accumulate over the postings of the query's terms; only items sharing a term can score
    // above 0, so only those are offered. The per-thread buffers keep this allocation-free
    // and proportional to the postings read (an index may serve many threads at once).
    thread_local std::vector<float> scores;
    thread_local std::vector<uint8_t> seen;
    thread_local std::vector<int32_t> touched;
    if (scores.size() < static_cast<size_t>(num_items_)) {
      scores.assign(static_cast<size_t>(num_items_), 0.0f);
      seen.assign(static_cast<size_t>(num_items_), 0);
    }
    touched.clear();
    for (size_t j = 0; j < query.sparse->indices.size(); ++j) {
      const auto term = static_cast<size_t>(query.sparse->indices[j]);
      if (term + 1 >= posting_offsets_.size()) continue;
      const float q = query.sparse->values[j];
      for (int64_t p = posting_offsets_[term]; p < posting_offsets_[term + 1]; ++p) {
        const auto item = static_cast<size_t>(posting_items_[static_cast<size_t>(p)]);
        if (!seen[item]) {
          seen[item] = 1;
          touched.push_back(static_cast<int32_t>(item));
        }
        scores[item] += q * posting_values_[static_cast<size_t>(p)];
      }
    }
    for (int32_t item : touched) {
      offer(item, scores[static_cast<size_t>(item)]);
      scores[static_cast<size_t>(item)] = 0.0f;
      seen[static_cast<size_t>(item)] = 0;
    }
  } else if (!query.dense.empty()) {
    // One vectorized matrix-vector product (Eigen) over the row-major item matrix.
    using RowMajor = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
    const Eigen::Map<const RowMajor> items(dense_.data(), num_items_, dimension_);
    const Eigen::Map<const Eigen::VectorXf> q(query.dense.data(), dimension_);
    const Eigen::VectorXf scores = items * q;
    for (int32_t item = 0; item < num_items_; ++item) offer(item, scores[item]);
  }
  return top.Take();
}

std::vector<SimilarItem> ItemSimilarityIndex::Search(const Query& query, int32_t k,
                                                     int32_t skip_item,
                                                     const std::function<bool(int32_t)>& allow,
                                                     bool exact) const {
  if (k <= 0) return {};
  if (exact || hnsw_ == nullptr) return ExactSearch(query, k, skip_item, allow);
  std::vector<float> densified;
  absl::Span<const float> dense = query.dense;
  if (dense.empty() && query.sparse != nullptr) {
    densified = Densify(*query.sparse);
    dense = densified;
  }
  // Ask the graph for more than k when items are skipped or filtered out; give up on the
  // graph (exact search) when the filter rejects most of what it returns.
  size_t want = static_cast<size_t>(k) + 1;
  const auto graph_size = static_cast<size_t>(hnsw_->size);
  for (;;) {
    want = std::min(want, graph_size);
    std::priority_queue<std::pair<float, hnswlib::labeltype>> found;
    try {
      found = hnsw_->graph->searchKnn(dense.data(), want);
    } catch (const std::exception&) {
      return ExactSearch(query, k, skip_item, allow);
    }
    std::vector<SimilarItem> result;
    bool reached_non_positive = false;  // The graph ran out of positive cosines.
    while (!found.empty()) {
      const auto [distance, label] = found.top();
      found.pop();
      const auto item = static_cast<int32_t>(label);
      const float score = 1.0f - distance;
      if (score <= 0) reached_non_positive = true;
      if (score <= 0 || item == skip_item || (allow && !allow(item))) continue;
      result.push_back({item, score, -1});
    }
    if (static_cast<int32_t>(result.size()) >= k || want >= graph_size || reached_non_positive) {
      std::sort(result.begin(), result.end(), Better);
      if (static_cast<int32_t>(result.size()) > k) result.resize(static_cast<size_t>(k));
      return result;
    }
    if (want * 4 > graph_size) return ExactSearch(query, k, skip_item, allow);
    want *= 4;
  }
}

absl::StatusOr<std::vector<SimilarItem>> ItemSimilarityIndex::SimilarItems(
    int32_t item, int32_t k, const std::function<bool(int32_t)>& allow) const {
  if (item < 0 || item >= num_items_) {
    return absl::NotFoundError(
        absl::StrCat("item ", item, " is not in the similarity index (", num_items_, " items)"));
  }
  if (k < 1) return absl::InvalidArgumentError(absl::StrCat("k must be >= 1, got ", k));
  if (!has_vector_[static_cast<size_t>(item)]) return std::vector<SimilarItem>{};
  std::vector<SimilarItem> result = Search(ItemQuery(item), k, item, allow, /*exact=*/false);
  for (SimilarItem& s : result) s.similar_to = item;
  return result;
}

std::vector<SimilarItem> ItemSimilarityIndex::SimilarToItems(
    absl::Span<const std::pair<int32_t, float>> history, int32_t k,
    absl::Span<const int32_t> exclude, const std::function<bool(int32_t)>& allow) const {
  if (k <= 0) return {};
  std::vector<int32_t> banned(exclude.begin(), exclude.end());
  for (const auto& [item, weight] : history) banned.push_back(item);
  std::sort(banned.begin(), banned.end());
  auto allowed = [&](int32_t item) {
    return !std::binary_search(banned.begin(), banned.end(), item) && (!allow || allow(item));
  };
  // The kMaxHistory heaviest known history items (stable: earlier first among equal weights).
  std::vector<std::pair<int32_t, float>> sources;
  for (const auto& [source, weight] : history) {
    if (source >= 0 && source < num_items_ && has_vector_[static_cast<size_t>(source)]) {
      sources.push_back({source, weight});
    }
  }
  std::stable_sort(sources.begin(), sources.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  if (sources.size() > static_cast<size_t>(kMaxHistory)) sources.resize(kMaxHistory);
  absl::flat_hash_map<int32_t, SimilarItem> best;
  for (const auto& [source, weight] : sources) {
    if (source < 0 || source >= num_items_ || !has_vector_[static_cast<size_t>(source)]) continue;
    for (const SimilarItem& s : Search(ItemQuery(source), k, source, allowed, false)) {
      const float score = weight * s.score;
      auto [it, inserted] = best.emplace(s.item, SimilarItem{s.item, score, source});
      if (!inserted && (score > it->second.score ||
                        (score == it->second.score && source < it->second.similar_to))) {
        it->second = SimilarItem{s.item, score, source};
      }
    }
  }
  TopK top(k);
  for (const auto& [item, s] : best) top.Push(s);
  return top.Take();
}

std::vector<SimilarItem> ItemSimilarityIndex::SimilarToVector(
    absl::Span<const float> query, int32_t k, const std::function<bool(int32_t)>& allow) const {
  if (static_cast<int32_t>(query.size()) != dimension_) return {};
  std::vector<float> normalized(query.begin(), query.end());
  double norm = 0;
  for (float x : normalized) norm += static_cast<double>(x) * x;
  if (!(norm > 0) || !std::isfinite(norm)) return {};
  for (float& x : normalized) x = static_cast<float>(x / std::sqrt(norm));
  Query q;
  q.dense = normalized;
  SparseVector sparse;
  if (dense_.empty()) {  // A text index in exact mode searches its postings.
    for (int32_t j = 0; j < dimension_; ++j) {
      if (normalized[static_cast<size_t>(j)] != 0) {
        sparse.indices.push_back(j);
        sparse.values.push_back(normalized[static_cast<size_t>(j)]);
      }
    }
    q.sparse = &sparse;
  }
  return Search(q, k, -1, allow, false);
}

std::vector<SimilarItem> ItemSimilarityIndex::ExactSimilarToVector(
    absl::Span<const float> query, int32_t k, const std::function<bool(int32_t)>& allow) const {
  if (static_cast<int32_t>(query.size()) != dimension_ || k <= 0) return {};
  std::vector<float> normalized(query.begin(), query.end());
  double norm = 0;
  for (float x : normalized) norm += static_cast<double>(x) * x;
  if (!(norm > 0) || !std::isfinite(norm)) return {};
  for (float& x : normalized) x = static_cast<float>(x / std::sqrt(norm));
  Query q;
  SparseVector sparse;
  if (!dense_.empty()) {
    q.dense = normalized;
  } else {
    for (int32_t j = 0; j < dimension_; ++j) {
      if (normalized[static_cast<size_t>(j)] != 0) {
        sparse.indices.push_back(j);
        sparse.values.push_back(normalized[static_cast<size_t>(j)]);
      }
    }
    q.sparse = &sparse;
  }
  return ExactSearch(q, k, -1, allow);
}

absl::StatusOr<std::vector<SimilarItem>> ItemSimilarityIndex::SimilarToText(
    absl::string_view text, int32_t k, const std::function<bool(int32_t)>& allow) const {
  if (!tfidf_) {
    return absl::FailedPreconditionError("the similarity index was not built from text");
  }
  if (k < 1) return absl::InvalidArgumentError(absl::StrCat("k must be >= 1, got ", k));
  const SparseVector v = tfidf_->Transform(text);
  if (v.indices.empty()) return std::vector<SimilarItem>{};
  Query q;
  q.sparse = &v;
  return Search(q, k, -1, allow, false);
}

std::string ItemSimilarityIndex::Serialize() const {
  std::string out = "CLTSIM";
  internal::Writer w(&out);
  w.Varint(kFormatVersion);
  w.Varint(static_cast<uint64_t>(options_.mode));
  w.Varint(static_cast<uint64_t>(options_.brute_force_max_items));
  w.Varint(static_cast<uint64_t>(options_.hnsw_m));
  w.Varint(static_cast<uint64_t>(options_.hnsw_ef_construction));
  w.Varint(static_cast<uint64_t>(options_.hnsw_ef_search));
  w.Varint(options_.seed);
  w.Varint(static_cast<uint64_t>(num_items_));
  w.Varint(static_cast<uint64_t>(dimension_));
  if (tfidf_) {
    w.Varint(1);
    w.Bytes(tfidf_->Serialize());
    for (const SparseVector& v : sparse_) {
      w.Varint(v.indices.size());
      for (int32_t t : v.indices) w.Varint(static_cast<uint64_t>(t));
      w.Floats(v.values.data(), v.values.size());
    }
  } else {
    w.Varint(0);
    w.Floats(dense_.data(), dense_.size());
  }
  return out;
}

absl::StatusOr<std::unique_ptr<ItemSimilarityIndex>> ItemSimilarityIndex::Deserialize(
    absl::string_view bytes) {
  if (bytes.substr(0, 6) != "CLTSIM") return absl::DataLossError("similarity index: bad magic");
  internal::Reader r(bytes.substr(6));
  if (r.Varint() != kFormatVersion || !r.ok()) {
    return absl::DataLossError("similarity index: unsupported format version");
  }
  SimilarityIndexOptions options;
  options.mode = static_cast<SimilarityIndexOptions::Mode>(r.Bounded(2));
  options.brute_force_max_items = static_cast<int32_t>(r.Bounded(INT32_MAX));
  options.hnsw_m = static_cast<int32_t>(r.Bounded(1 << 16));
  options.hnsw_ef_construction = static_cast<int32_t>(r.Bounded(INT32_MAX));
  options.hnsw_ef_search = static_cast<int32_t>(r.Bounded(INT32_MAX));
  options.seed = r.Varint();
  const auto num_items = static_cast<int32_t>(r.Bounded(INT32_MAX));
  const auto dimension = static_cast<int32_t>(r.Bounded(INT32_MAX));
  const uint64_t from_text = r.Bounded(1);
  if (!r.ok() || dimension < 1) return absl::DataLossError("similarity index: bad header");
  std::unique_ptr<ItemSimilarityIndex> index(new ItemSimilarityIndex());
  index->options_ = options;
  absl::Status status;
  if (from_text == 1) {
    absl::StatusOr<TfidfModel> model = TfidfModel::Deserialize(r.Bytes());
    if (!model.ok()) return model.status();
    if (std::max(model->vocabulary_size(), 1) != dimension) {
      return absl::DataLossError("similarity index: vocabulary size does not match dimension");
    }
    index->tfidf_ = *std::move(model);
    std::vector<SparseVector> rows;
    for (int32_t item = 0; item < num_items && r.ok(); ++item) {
      SparseVector v;
      const uint64_t n = r.Bounded(r.remaining());
      for (uint64_t j = 0; j < n && r.ok(); ++j) {
        v.indices.push_back(static_cast<int32_t>(r.Bounded(static_cast<uint64_t>(dimension))));
      }
      r.Floats(static_cast<size_t>(n), &v.values);
      rows.push_back(std::move(v));
    }
    if (!r.done()) return absl::DataLossError("similarity index: truncated or trailing bytes");
    status = index->InitSparse(std::move(rows), dimension);
  } else {
    std::vector<float> dense;
    const uint64_t floats = static_cast<uint64_t>(num_items) * static_cast<uint64_t>(dimension);
    r.Floats(static_cast<size_t>(floats), &dense);
    if (!r.done()) return absl::DataLossError("similarity index: truncated or trailing bytes");
    status =
        index->InitDense(std::move(dense), dimension, /*normalize=*/false);  // stored normalized
  }
  if (!status.ok()) return absl::DataLossError(status.message());
  status = index->BuildGraph();
  if (!status.ok()) return status;
  return index;
}

}  // namespace clientele::recommender
