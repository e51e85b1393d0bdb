#include "recommender/models/svd_model.h"

#include <Eigen/Core>
#include <Eigen/Eigenvalues>
#include <cmath>
#include <utility>

#include "absl/strings/str_cat.h"
#include "recommender/models/internal/byte_io.h"
#include "recommender/models/internal/params.h"

namespace clientele::recommender {

using RowMatrixF = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

absl::StatusOr<std::unique_ptr<RecommenderModel>> SvdModel::Create(const ModelConfig& config) {
  internal::Params params(config.params);
  auto model = std::make_unique<SvdModel>();
  double factors = params.Get("factors", 32);
  model->normalize_ = params.Get("normalize", 0.5);
  double max_items = params.Get("max_items", 10000);
  if (auto s = params.CheckAllUsed("svd"); !s.ok()) return s;
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

absl::Status SvdModel::FitImpl(const Dataset& data, const FitProgress& progress) {
  const int64_t n = data.num_items();
  if (n > max_items_) {
    return absl::InvalidArgumentError(
        absl::StrCat("dataset: ", n, " items exceed max_items ", max_items_, " of the svd model"));
  }
  const int64_t k = std::min<int64_t>(factors_, n);
  std::vector<double> item_degree(n, 0.0);
  for (int32_t item : data.item_index()) item_degree[item] += 1;
  // G = R~^T R~ = D_I^-a X^T D_U^-2a X D_I^-a, the upper triangle accumulated user by user.
  Eigen::MatrixXd g = Eigen::MatrixXd::Zero(n, n);
  for (int32_t u = 0; u < data.num_users(); ++u) {
    if (progress && (u & 1023) == 0 && !progress(0.2 * u / data.num_users())) {
      return absl::CancelledError("fit cancelled");
    }
    auto items = data.UserItems(u);
    if (items.empty()) continue;
    const double w = std::pow(static_cast<double>(items.size()), -2 * normalize_);
    for (size_t a = 0; a < items.size(); ++a) {
      double* col = g.col(items[a]).data();
      for (size_t b = 0; b <= a; ++b) col[items[b]] += w;
    }
  }
  std::vector<double> down(n, 0.0), up(n, 0.0);  // d^-a and d^a; 0 for items nobody had.
  for (int64_t i = 0; i < n; ++i) {
    if (item_degree[i] == 0) continue;
    down[i] = std::pow(item_degree[i], -normalize_);
    up[i] = std::pow(item_degree[i], normalize_);
  }
  for (int64_t c = 0; c < n; ++c) {
    for (int64_t r = 0; r <= c; ++r) {
      const double v = g(r, c) * down[r] * down[c];
      g(r, c) = v;
      g(c, r) = v;
    }
  }
  if (progress && !progress(0.3)) return absl::CancelledError("fit cancelled");
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> solver(g);
  if (solver.info() != Eigen::Success) return absl::InternalError("svd: eigensolver failed");
  if (progress && !progress(0.9)) return absl::CancelledError("fit cancelled");
  // Eigenvalues ascend: the top k eigenvectors are the last k columns.
  const Eigen::MatrixXd& vectors = solver.eigenvectors();
  left_.assign(static_cast<size_t>(n * k), 0.0f);
  right_.assign(static_cast<size_t>(n * k), 0.0f);
  for (int64_t i = 0; i < n; ++i) {
    for (int64_t f = 0; f < k; ++f) {
      const double v = vectors(i, n - 1 - f);
      left_[i * k + f] = static_cast<float>(v * down[i]);
      right_[i * k + f] = static_cast<float>(v * up[i]);
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

}  // namespace clientele::recommender
