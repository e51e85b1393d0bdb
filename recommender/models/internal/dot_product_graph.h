// An HNSW graph (hnswlib) over item vectors in inner-product space: the items of largest dot
// product with a query vector, approximately, in O(log items) distance computations instead of
// one per item. Used by als to retrieve candidates in large catalogs.
//
// Immutable after Build; Search may be called concurrently from any thread (hnswlib's search is
// thread-safe for readers).
#ifndef CLIENTELE_RECOMMENDER_MODELS_INTERNAL_DOT_PRODUCT_GRAPH_H_
#define CLIENTELE_RECOMMENDER_MODELS_INTERNAL_DOT_PRODUCT_GRAPH_H_

#include <cstdint>
#include <memory>
#include <vector>

#include "absl/status/statusor.h"

namespace clientele::recommender::internal {

class DotProductGraph {
 public:
  ~DotProductGraph();
  DotProductGraph(const DotProductGraph&) = delete;
  DotProductGraph& operator=(const DotProductGraph&) = delete;

  // A graph over `vectors` (num_items x dimension, row-major; copied), built on the calling
  // thread with a fixed seed (deterministic). ResourceExhausted when hnswlib cannot allocate.
  static absl::StatusOr<std::unique_ptr<const DotProductGraph>> Build(std::vector<float> vectors,
                                                                      int32_t dimension);

  // Up to k item indexes of largest dot product with `query` (dimension floats), in no
  // particular order. Empty if the search fails.
  std::vector<int32_t> Search(const float* query, size_t k) const;

 private:
  struct Impl;
  explicit DotProductGraph(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace clientele::recommender::internal

#endif  // CLIENTELE_RECOMMENDER_MODELS_INTERNAL_DOT_PRODUCT_GRAPH_H_
