// InteractionMatrix: a Dataset's users x items interactions as an Eigen sparse matrix, the
// input of the factorizing models (ease's user-side form, svd, als).
#ifndef CLIENTELE_RECOMMENDER_MODELS_INTERNAL_INTERACTION_MATRIX_H_
#define CLIENTELE_RECOMMENDER_MODELS_INTERNAL_INTERACTION_MATRIX_H_

#include <Eigen/SparseCore>
#include <cstdint>

#include "recommender/data/dataset.h"

namespace clientele::recommender::internal {

using SparseRowMatrix = Eigen::SparseMatrix<double, Eigen::RowMajor, int64_t>;

// X(u, i) = (binary ? 1 : value) * |row u|^-row_exponent for every interaction of `data`
// (row_exponent 0: no scaling). O(interactions) time and memory (16 bytes per interaction).
SparseRowMatrix InteractionMatrix(const Dataset& data, bool binary, double row_exponent);

}  // namespace clientele::recommender::internal

#endif  // CLIENTELE_RECOMMENDER_MODELS_INTERNAL_INTERACTION_MATRIX_H_
