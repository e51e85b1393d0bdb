// Caller-supplied item vectors (PutItemVectors): checked and stored for the next Train job,
// which then builds the similarity index from them instead of TF-IDF.
#ifndef CLIENTELE_RECOMMENDER_STATE_ITEM_VECTORS_H_
#define CLIENTELE_RECOMMENDER_STATE_ITEM_VECTORS_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "clientele/recommender/v1/recommender.pb.h"
#include "recommender/state/recommender_store.h"

namespace clientele::recommender {

// Stores every vector in one write. InvalidArgument naming the field ("vectors[3].values")
// for an empty SKU, an empty or non-finite vector, or a dimension unlike vectors[0]'s; at most
// 100,000 vectors of at most 4096 values per call. Returns the number stored.
absl::StatusOr<int64_t> StoreItemVectors(RecommenderStore* store,
                                         const v1::PutItemVectorsRequest& request);

}  // namespace clientele::recommender

#endif  // CLIENTELE_RECOMMENDER_STATE_ITEM_VECTORS_H_
