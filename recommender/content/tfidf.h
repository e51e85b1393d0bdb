// TF-IDF vectors over tokenized text (text_tokenizer.h), as scikit-learn's TfidfVectorizer with
// its defaults (smooth_idf, norm="l2"):
//   tf(t, d)  = number of occurrences of t in d (1 + ln(tf) with sublinear_tf)
//   idf(t)    = ln((1 + N) / (1 + df(t))) + 1
//   v(d)      = tf * idf, L2-normalized (a document without known terms gives the zero vector).
//
//   CLT_ASSIGN_OR_RETURN(TfidfModel model, TfidfModel::Fit(descriptions, TfidfOptions{}));
//   SparseVector v = model.Transform("red heart holder");
//
// Immutable after Fit; const methods are thread-safe.
#ifndef CLIENTELE_RECOMMENDER_CONTENT_TFIDF_H_
#define CLIENTELE_RECOMMENDER_CONTENT_TFIDF_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "recommender/content/text_tokenizer.h"

namespace clientele::recommender {

// Sparse vector: ascending term indexes with their values.
struct SparseVector {
  std::vector<int32_t> indices;
  std::vector<float> values;
};

// Dot product of two sparse vectors (merge of the sorted index lists).
float Dot(const SparseVector& a, const SparseVector& b);

struct TfidfOptions {
  TokenizerOptions tokenizer;
  int32_t min_df = 1;            // Terms in fewer documents are dropped.
  double max_df_fraction = 1.0;  // Terms in more than this fraction of documents are dropped.
  int32_t max_features = 0;      // Keep the most frequent terms only (0 = all), as sklearn.
  bool sublinear_tf = false;
};

class TfidfModel {
 public:
  TfidfModel() = default;

  // Learns the vocabulary and idf from `documents`. InvalidArgument names the option out of
  // range (min_df < 1, max_df_fraction outside (0, 1], max_features < 0).
  static absl::StatusOr<TfidfModel> Fit(absl::Span<const std::string> documents,
                                        const TfidfOptions& options);

  // The L2-normalized TF-IDF vector of `document` over this vocabulary.
  SparseVector Transform(absl::string_view document) const;

  int32_t vocabulary_size() const { return static_cast<int32_t>(terms_.size()); }
  // Terms in index order (ascending by term, as sklearn's vocabulary_ indexes).
  const std::vector<std::string>& terms() const { return terms_; }
  float idf(int32_t term) const { return idf_[term]; }
  std::optional<int32_t> TermIndex(absl::string_view folded_token) const;
  const TfidfOptions& options() const { return options_; }

  std::string Serialize() const;
  static absl::StatusOr<TfidfModel> Deserialize(absl::string_view bytes);

 private:
  TfidfOptions options_;
  std::vector<std::string> terms_;
  std::vector<float> idf_;
  absl::flat_hash_map<std::string, int32_t> index_;
};

}  // namespace clientele::recommender

#endif  // CLIENTELE_RECOMMENDER_CONTENT_TFIDF_H_
