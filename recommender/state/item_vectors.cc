#include "recommender/state/item_vectors.h"

#include <cmath>
#include <memory>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/status/status_macros.h"

namespace clientele::recommender {

absl::StatusOr<int64_t> StoreItemVectors(RecommenderStore* store,
                                         const v1::PutItemVectorsRequest& request) {
  if (request.vectors_size() == 0) return absl::InvalidArgumentError("vectors: required");
  if (request.vectors_size() > 100000) {
    return absl::InvalidArgumentError("vectors: at most 100000 per call");
  }
  const int dimension = request.vectors(0).values_size();
  std::unique_ptr<storage::WriteBatch> batch = store->kv()->NewWriteBatch();
  for (int i = 0; i < request.vectors_size(); ++i) {
    const v1::ItemVector& v = request.vectors(i);
    if (v.sku().empty())
      return absl::InvalidArgumentError(absl::StrCat("vectors[", i, "].sku: required"));
    if (v.values_size() == 0 || v.values_size() > 4096) {
      return absl::InvalidArgumentError(
          absl::StrCat("vectors[", i, "].values: must hold 1 to 4096 values"));
    }
    if (v.values_size() != dimension) {
      return absl::InvalidArgumentError(absl::StrCat(
          "vectors[", i, "].values: dimension ", v.values_size(), ", vectors[0] has ", dimension));
    }
    for (int j = 0; j < v.values_size(); ++j) {
      if (!std::isfinite(v.values(j))) {
        return absl::InvalidArgumentError(
            absl::StrCat("vectors[", i, "].values[", j, "]: not a finite number"));
      }
    }
    store->PutItemVector(*batch, v.sku(), std::vector<float>(v.values().begin(), v.values().end()));
  }
  CLT_RETURN_IF_ERROR(store->kv()->Write(*batch));
  return request.vectors_size();
}

}  // namespace clientele::recommender
