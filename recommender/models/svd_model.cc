#include "recommender/models/svd_model.h"

#include <Eigen/Core>
#include <Eigen/Eigenvalues>
#include <Eigen/QR>
#include <Eigen/SVD>
#include <algorithm>
#include <cmath>
#include <random>
#include <utility>

#include "absl/strings/str_cat.h"
#include "recommender/models/internal/byte_io.h"
#include "recommender/models/internal/interaction_matrix.h"
#include "recommender/models/internal/params.h"

namespace clientele::recommender {

using RowMatrixF = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

absl::StatusOr<std::unique_ptr<RecommenderModel>> SvdModel::Create(const ModelConfig& config) {
  internal::Params params(config.params);
  auto model = std::make_unique<SvdModel>();
  double factors = params.Get("factors", 32);
  model->normalize_ = params.Get("normalize", 0.5);
  double max_items = params.Get("max_items", 10000);
  const double oversample = params.Get("oversample", 16);
  const double power_iterations = params.Get("power_iterations", 6);
  const double seed = params.Get("seed", 1);
  if (auto s = params.CheckAllUsed("svd"); !s.ok()) return s;
  if (!(oversample >= 0 && oversample <= 1000)) {
    return absl::InvalidArgumentError("params: oversample must be in 0..1000");
  }
  if (!(power_iterations >= 0 && power_iterations <= 100)) {
    return absl::InvalidArgumentError("params: power_iterations must be in 0..100");
  }
  if (!(seed >= 0 && seed <= 1e15))
    return absl::InvalidArgumentError("params: seed must be in 0..1e15");
  model->oversample_ = static_cast<int32_t>(oversample);
  model->power_iterations_ = static_cast<int32_t>(power_iterations);
  model->seed_ = static_cast<uint64_t>(seed);
  if (!(factors >= 1 && factors <= 1e5)) {
    return absl::InvalidArgumentError("params: factors must be in 1..100000");
  }
  if (!(model->normalize_ >= 0 && model->normalize_ <= 1)) {
    return absl::InvalidArgumentError("params: normalize must be in [0, 1]");
  }
  if (!(max_items >= 1 && max_items <= 1e6)) {
    return absl::InvalidArgumentError("params: max_items must be in 1..1000000");
  }
  model->factors_ = static_cast<int32_t>(factors);
  model->max_items_ = static_cast<int64_t>(max_items);
  return model;
}

namespace {

absl::Status Cancelled() { return absl::CancelledError("fit cancelled"); }

// An orthonormal basis of the columns of `y` (thin Householder QR).
Eigen::MatrixXd Orthonormal(const Eigen::MatrixXd& y) {
  Eigen::HouseholderQR<Eigen::MatrixXd> qr(y);
  return qr.householderQ() * Eigen::MatrixXd::Identity(y.rows(), y.cols());
}

}  // namespace

absl::Status SvdModel::FitImpl(const Dataset& data, const FitProgress& progress) {
  const int64_t n = data.num_items();
  if (n > max_items_) {
    return absl::InvalidArgumentError(
        absl::StrCat("dataset: ", n, " items exceed max_items ", max_items_, " of the svd model"));
  }
  std::vector<double> item_degree(n, 0.0);
  for (int32_t item : data.item_index()) item_degree[item] += 1;
  Eigen::VectorXd down = Eigen::VectorXd::Zero(n), up = Eigen::VectorXd::Zero(n);
  for (int64_t i = 0; i < n; ++i) {  // d^-a and d^a; 0 for items nobody had.
    if (item_degree[i] == 0) continue;
    down[i] = std::pow(item_degree[i], -normalize_);
    up[i] = std::pow(item_degree[i], normalize_);
  }
  // A = R~ = D_U^-a X D_I^-a (users x items, sparse).
  const internal::SparseRowMatrix a =
      internal::InteractionMatrix(data, /*binary=*/true, normalize_) * down.asDiagonal();
  const internal::SparseRowMatrix at = a.transpose();
  Eigen::MatrixXd v;  // items x k: the top right singular vectors of A.
  int64_t width = std::min<int64_t>(factors_ + oversample_, n);
  if (width >= n) {
    // A sketch would span every item: the exact eigenvectors of A^T A (small catalogs only).
    Eigen::MatrixXd g = Eigen::MatrixXd(at * a);
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> solver(g);
    if (solver.info() != Eigen::Success) return absl::InternalError("svd: eigensolver failed");
    const int64_t k = std::min<int64_t>(factors_, n);
    v = solver.eigenvectors().rightCols(k).rowwise().reverse();  // Eigenvalues ascend.
  } else {
    // Randomized SVD with power iterations (Halko, Martinsson, Tropp 2011, algorithm 4.4).
    width = std::min<int64_t>(width, data.num_users());
    std::mt19937_64 rng(seed_);
    std::normal_distribution<double> normal;
    Eigen::MatrixXd omega(n, width);
    for (int64_t c = 0; c < omega.size(); ++c) omega.data()[c] = normal(rng);
    Eigen::MatrixXd q = Orthonormal(a * omega);
    for (int it = 0; it < power_iterations_; ++it) {
      if (progress && !progress(0.9 * (it + 1) / (power_iterations_ + 1))) return Cancelled();
      const Eigen::MatrixXd w = Orthonormal(at * q);
      q = Orthonormal(a * w);
    }
    const Eigen::MatrixXd w = at * q;  // items x width; its left singular vectors are A's right.
    Eigen::BDCSVD<Eigen::MatrixXd> svd(w, Eigen::ComputeThinU);
    const int64_t k = std::min<int64_t>(factors_, width);
    v = svd.matrixU().leftCols(k);
  }
  if (progress && !progress(0.9)) return Cancelled();
  const int64_t k = v.cols();
  left_.assign(static_cast<size_t>(n * k), 0.0f);
  right_.assign(static_cast<size_t>(n * k), 0.0f);
  for (int64_t i = 0; i < n; ++i) {
    for (int64_t f = 0; f < k; ++f) {
      left_[i * k + f] = static_cast<float>(v(i, f) * down[i]);
      right_[i * k + f] = static_cast<float>(v(i, f) * up[i]);
    }
  }
  factors_ = static_cast<int32_t>(k);
  return absl::OkStatus();
}

float SvdModel::Weight(int32_t j, int32_t i) const {
  const int64_t k = factors_;
  float v = 0;
  for (int64_t f = 0; f < k; ++f) v += left_[j * k + f] * right_[i * k + f];
  return v;
}

void SvdModel::Score(absl::Span<const std::pair<int32_t, float>> history, absl::string_view,
                     absl::Span<float> scores) const {
  const int64_t n = items().size();
  const int64_t k = factors_;
  Eigen::VectorXf z = Eigen::VectorXf::Zero(k);
  for (const auto& [j, weight] : history) {
    z += Eigen::Map<const Eigen::VectorXf>(left_.data() + j * k, k);
  }
  Eigen::Map<const RowMatrixF> right(right_.data(), n, k);
  Eigen::Map<Eigen::VectorXf> out(scores.data(), n);
  out.noalias() += right * z;
  // Rounding noise (a filter close to the identity leaves ~1e-8 on unrelated items) is no score.
  const float floor = 1e-5f * out.cwiseAbs().maxCoeff();
  for (int64_t i = 0; i < n; ++i) {
    if (std::abs(out[i]) < floor) out[i] = 0;
  }
}

Reason SvdModel::Explain(int32_t item, absl::Span<const std::pair<int32_t, float>> history,
                         absl::string_view) const {
  int32_t best = -1;
  float best_value = 0;
  for (const auto& [j, weight] : history) {
    const float v = Weight(j, item);
    if (v > best_value) {
      best_value = v;
      best = j;
    }
  }
  if (best < 0) return Reason{ReasonKind::kPopular};
  return Reason{ReasonKind::kBoughtWith, best, ""};
}

void SvdModel::SerializeImpl(std::string* out) const {
  internal::Put<int32_t>(out, factors_);
  internal::Put<double>(out, normalize_);
  internal::Put<int64_t>(out, max_items_);
  internal::PutVector(out, left_);
  internal::PutVector(out, right_);
}

absl::Status SvdModel::DeserializeImpl(absl::string_view* in) {
  const size_t n = items().size();
  if (!internal::Get(in, &factors_) || !internal::Get(in, &normalize_) ||
      !internal::Get(in, &max_items_) || !internal::GetVector(in, &left_) ||
      !internal::GetVector(in, &right_) || factors_ < 1 ||
      left_.size() != n * static_cast<size_t>(factors_) || right_.size() != left_.size()) {
    return absl::DataLossError("svd bytes: truncated or inconsistent");
  }
  return absl::OkStatus();
}

int64_t SvdModel::ModelFitBytes(const DataShape& shape) const {
  const int64_t n = shape.items;
  const int64_t w = std::min<int64_t>(factors_ + oversample_, n);
  if (w >= n) return 24 * n * n + 32 * shape.interactions;  // Exact: R~^T R~, eigenvectors.
  // R~ and its transpose (sparse), sketches and bases (double), the thin SVD, the kept filter.
  return 32 * shape.interactions + 40 * (shape.users + n) * w + 8 * n * factors_;
}

}  // namespace clientele::recommender
