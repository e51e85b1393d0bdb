#include "recommender/content/tfidf.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "recommender/rules/internal/binary_io.h"

namespace clientele::recommender {
namespace {

constexpr uint32_t kFormatVersion = 1;

}  // namespace

float Dot(const SparseVector& a, const SparseVector& b) {
  float sum = 0;
  size_t i = 0, j = 0;
  while (i < a.indices.size() && j < b.indices.size()) {
    if (a.indices[i] < b.indices[j]) {
      ++i;
    } else if (a.indices[i] > b.indices[j]) {
      ++j;
    } else {
      sum += a.values[i++] * b.values[j++];
    }
  }
  return sum;
}

absl::StatusOr<TfidfModel> TfidfModel::Fit(absl::Span<const std::string> documents,
                                           const TfidfOptions& options) {
  if (options.min_df < 1) {
    return absl::InvalidArgumentError(absl::StrCat("min_df must be >= 1, got ", options.min_df));
  }
  if (!(options.max_df_fraction > 0 && options.max_df_fraction <= 1)) {
    return absl::InvalidArgumentError(
        absl::StrCat("max_df_fraction must be in (0, 1], got ", options.max_df_fraction));
  }
  if (options.max_features < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("max_features must be >= 0, got ", options.max_features));
  }
  struct Stats {
    int32_t df = 0;
    int64_t total = 0;
    int32_t last_doc = -1;
  };
  absl::flat_hash_map<std::string, Stats> stats;
  for (size_t d = 0; d < documents.size(); ++d) {
    for (std::string& token : Tokenize(documents[d], options.tokenizer)) {
      Stats& s = stats[std::move(token)];
      ++s.total;
      if (s.last_doc != static_cast<int32_t>(d)) {
        s.last_doc = static_cast<int32_t>(d);
        ++s.df;
      }
    }
  }
  const double max_df = options.max_df_fraction * static_cast<double>(documents.size());
  std::vector<std::pair<std::string, Stats>> kept;
  for (auto& [term, s] : stats) {
    if (s.df >= options.min_df && static_cast<double>(s.df) <= max_df) kept.push_back({term, s});
  }
  if (options.max_features > 0 && static_cast<int32_t>(kept.size()) > options.max_features) {
    std::sort(kept.begin(), kept.end(), [](const auto& a, const auto& b) {
      return a.second.total != b.second.total ? a.second.total > b.second.total : a.first < b.first;
    });
    kept.resize(static_cast<size_t>(options.max_features));
  }
  std::sort(kept.begin(), kept.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  TfidfModel model;
  model.options_ = options;
  const double n = static_cast<double>(documents.size());
  for (auto& [term, s] : kept) {
    model.index_.emplace(term, static_cast<int32_t>(model.terms_.size()));
    model.terms_.push_back(term);
    model.idf_.push_back(static_cast<float>(std::log((1 + n) / (1 + s.df)) + 1));
  }
  return model;
}

std::optional<int32_t> TfidfModel::TermIndex(absl::string_view folded_token) const {
  auto it = index_.find(folded_token);
  if (it == index_.end()) return std::nullopt;
  return it->second;
}

SparseVector TfidfModel::Transform(absl::string_view document) const {
  absl::flat_hash_map<int32_t, int32_t> tf;
  for (const std::string& token : Tokenize(document, options_.tokenizer)) {
    auto it = index_.find(token);
    if (it != index_.end()) ++tf[it->second];
  }
  SparseVector v;
  v.indices.reserve(tf.size());
  for (const auto& [term, count] : tf) v.indices.push_back(term);
  std::sort(v.indices.begin(), v.indices.end());
  double norm = 0;
  for (int32_t term : v.indices) {
    const double count = tf[term];
    const double weight = (options_.sublinear_tf ? 1 + std::log(count) : count) * idf_[term];
    v.values.push_back(static_cast<float>(weight));
    norm += weight * weight;
  }
  if (norm > 0) {
    const double inv = 1 / std::sqrt(norm);
    for (float& x : v.values) x = static_cast<float>(x * inv);
  }
  return v;
}

std::string TfidfModel::Serialize() const {
  std::string out = "CLTTFI";
  internal::Writer w(&out);
  w.Varint(kFormatVersion);
  w.Varint(static_cast<uint64_t>(options_.tokenizer.min_token_chars));
  w.Varint(options_.tokenizer.keep_numbers ? 1 : 0);
  w.Varint(static_cast<uint64_t>(options_.min_df));
  w.Double(options_.max_df_fraction);
  w.Varint(static_cast<uint64_t>(options_.max_features));
  w.Varint(options_.sublinear_tf ? 1 : 0);
  w.Varint(terms_.size());
  for (size_t i = 0; i < terms_.size(); ++i) {
    w.Bytes(terms_[i]);
    w.Float(idf_[i]);
  }
  return out;
}

absl::StatusOr<TfidfModel> TfidfModel::Deserialize(absl::string_view bytes) {
  if (bytes.substr(0, 6) != "CLTTFI") return absl::DataLossError("tf-idf model: bad magic");
  internal::Reader r(bytes.substr(6));
  if (r.Varint() != kFormatVersion || !r.ok()) {
    return absl::DataLossError("tf-idf model: unsupported format version");
  }
  TfidfModel model;
  model.options_.tokenizer.min_token_chars = static_cast<int>(r.Bounded(1 << 20));
  model.options_.tokenizer.keep_numbers = r.Bounded(1) == 1;
  model.options_.min_df = static_cast<int32_t>(r.Bounded(INT32_MAX));
  model.options_.max_df_fraction = r.Double();
  model.options_.max_features = static_cast<int32_t>(r.Bounded(INT32_MAX));
  model.options_.sublinear_tf = r.Bounded(1) == 1;
  const uint64_t n = r.Bounded(r.remaining());
  for (uint64_t i = 0; i < n && r.ok(); ++i) {
    std::string term = r.Bytes();
    const float idf = r.Float();
    if (!r.ok()) break;
    if (!model.index_.emplace(term, static_cast<int32_t>(model.terms_.size())).second) {
      return absl::DataLossError("tf-idf model: duplicate term");
    }
    model.terms_.push_back(std::move(term));
    model.idf_.push_back(idf);
  }
  if (!r.done()) return absl::DataLossError("tf-idf model: truncated or trailing bytes");
  return model;
}

}  // namespace clientele::recommender
