#include "recommender/models/internal/interaction_matrix.h"

#include <cmath>
#include <vector>

namespace clientele::recommender::internal {

SparseRowMatrix InteractionMatrix(const Dataset& data, bool binary, double row_exponent) {
  SparseRowMatrix x(data.num_users(), data.num_items());
  Eigen::Matrix<int64_t, Eigen::Dynamic, 1> sizes(data.num_users());
  for (int32_t u = 0; u < data.num_users(); ++u) sizes[u] = data.UserItems(u).size();
  x.reserve(sizes);
  for (int32_t u = 0; u < data.num_users(); ++u) {
    auto items = data.UserItems(u);
    auto values = data.UserValues(u);
    if (items.empty()) continue;
    const double scale =
        row_exponent != 0 ? std::pow(static_cast<double>(items.size()), -row_exponent) : 1.0;
    for (size_t a = 0; a < items.size(); ++a) {
      x.insert(u, items[a]) = (binary ? 1.0 : values[a]) * scale;
    }
  }
  x.makeCompressed();
  return x;
}

}  // namespace clientele::recommender::internal
