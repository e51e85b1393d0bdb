#include "recommender/models/ease_model.h"

#include <Eigen/Cholesky>
#include <Eigen/Core>
#include <cmath>
#include <utility>

#include "absl/strings/str_cat.h"
#include "recommender/models/internal/byte_io.h"
#include "recommender/models/internal/params.h"

namespace clientele::recommender {

absl::StatusOr<std::unique_ptr<RecommenderModel>> EaseModel::Create(const ModelConfig& config) {
  internal::Params params(config.params);
  auto model = std::make_unique<EaseModel>();
  model->lambda_ = params.Get("lambda", 500);
  model->binary_ = params.Get("binary", 1) != 0;
  model->dropout_ = params.Get("dropout", 0);
  model->constraint_ = params.Get("constraint", 1) != 0;
  model->user_norm_ = params.Get("user_norm", 0);
  double max_items = params.Get("max_items", 10000);
  if (auto s = params.CheckAllUsed("ease"); !s.ok()) return s;
  if (!(model->lambda_ > 0)) return absl::InvalidArgumentError("params: lambda must be > 0");
  if (!(model->user_norm_ >= 0 && model->user_norm_ <= 2)) {
    return absl::InvalidArgumentError("params: user_norm must be in [0, 2]");
  }
  if (!(model->dropout_ >= 0 && model->dropout_ < 1)) {
    return absl::InvalidArgumentError("params: dropout must be in [0, 1)");
  }
  if (!(max_items >= 1 && max_items <= 1e6)) {
    return absl::InvalidArgumentError("params: max_items must be in 1..1000000");
  }
  model->max_items_ = static_cast<int64_t>(max_items);
  return model;
}

absl::Status EaseModel::FitImpl(const Dataset& data, const FitProgress& progress) {
  const int64_t n = data.num_items();
  if (n > max_items_) {
    return absl::InvalidArgumentError(
        absl::StrCat("dataset: ", n, " items exceed max_items ", max_items_, " of the ease model"));
  }
  // G = X^T X, accumulated user by user (the upper triangle, mirrored below).
  Eigen::MatrixXd g = Eigen::MatrixXd::Zero(n, n);
  for (int32_t u = 0; u < data.num_users(); ++u) {
    if (progress && (u & 1023) == 0 && !progress(0.2 * u / data.num_users())) {
      return absl::CancelledError("fit cancelled");
    }
    auto items = data.UserItems(u);
    auto values = data.UserValues(u);
    if (items.empty()) continue;
    // Each user's row of X is scaled by |row|^-user_norm: x_ui x_uj gets |row|^(-2 user_norm).
    const double row_scale =
        user_norm_ > 0 ? std::pow(static_cast<double>(items.size()), -2 * user_norm_) : 1.0;
    for (size_t a = 0; a < items.size(); ++a) {
      const double xa = (binary_ ? 1.0 : values[a]) * row_scale;
      double* col = g.col(items[a]).data();  // Column-major: col(i)[j] = G(j, i).
      for (size_t b = 0; b <= a; ++b) col[items[b]] += xa * (binary_ ? 1.0 : values[b]);
    }
  }
  // Items are increasing within a row, so every pair landed in the upper triangle (j <= i).
  for (int64_t c = 0; c < n; ++c) {
    for (int64_t r = c + 1; r < n; ++r) g(r, c) = g(c, r);
  }
  // Lambda = lambda I + dropout / (1 - dropout) diag(G).
  Eigen::VectorXd reg =
      Eigen::VectorXd::Constant(n, lambda_) + (dropout_ / (1 - dropout_)) * g.diagonal();
  g.diagonal() += reg;
  if (progress && !progress(0.25)) return absl::CancelledError("fit cancelled");
  Eigen::LLT<Eigen::MatrixXd> llt(g);
  if (llt.info() != Eigen::Success) {
    return absl::InternalError("ease: X^T X + lambda I is not positive definite");
  }
  if (progress && !progress(0.5)) return absl::CancelledError("fit cancelled");
  g.setIdentity();
  llt.solveInPlace(g);  // g = P.
  if (progress && !progress(0.9)) return absl::CancelledError("fit cancelled");
  // Off the diagonal B(i, j) = -P(i, j) c_j with c_j = 1 / P(j, j) (constraint) or Lambda_jj;
  // B(j, j) = 0 or 1 - P(j, j) Lambda_jj. Stored row-major.
  b_.assign(static_cast<size_t>(n * n), 0.0f);
  for (int64_t j = 0; j < n; ++j) {
    const double c = constraint_ ? 1.0 / g(j, j) : reg(j);
    for (int64_t i = 0; i < n; ++i) {
      b_[static_cast<size_t>(i * n + j)] = static_cast<float>(-g(i, j) * c);
    }
    b_[static_cast<size_t>(j * n + j)] =
        constraint_ ? 0.0f : static_cast<float>(1.0 - g(j, j) * reg(j));
  }
  return absl::OkStatus();
}

void EaseModel::Score(absl::Span<const std::pair<int32_t, float>> history, absl::string_view,
                      absl::Span<float> scores) const {
  const int64_t n = items().size();
  Eigen::Map<Eigen::VectorXf> out(scores.data(), n);
  for (const auto& [j, weight] : history) {
    const float w = binary_ ? 1.0f : weight;
    out += w * Eigen::Map<const Eigen::VectorXf>(b_.data() + static_cast<size_t>(j) * n, n);
  }
}

Reason EaseModel::Explain(int32_t item, absl::Span<const std::pair<int32_t, float>> history,
                          absl::string_view) const {
  int32_t best = -1;
  float best_value = 0;
  for (const auto& [j, weight] : history) {
    float v = (binary_ ? 1.0f : weight) * Weight(j, item);
    if (v > best_value) {
      best_value = v;
      best = j;
    }
  }
  if (best < 0) return Reason{ReasonKind::kPopular};
  return Reason{ReasonKind::kBoughtWith, best, ""};
}

void EaseModel::SerializeImpl(std::string* out) const {
  internal::Put<double>(out, lambda_);
  internal::Put<double>(out, dropout_);
  internal::Put<double>(out, user_norm_);
  internal::Put<uint8_t>(out, constraint_ ? 1 : 0);
  internal::Put<uint8_t>(out, binary_ ? 1 : 0);
  internal::Put<int64_t>(out, max_items_);
  internal::PutVector(out, b_);
}

absl::Status EaseModel::DeserializeImpl(absl::string_view* in) {
  uint8_t binary, constraint;
  const size_t n = items().size();
  if (!internal::Get(in, &lambda_) || !internal::Get(in, &dropout_) ||
      !internal::Get(in, &user_norm_) || !internal::Get(in, &constraint) ||
      !internal::Get(in, &binary) || !internal::Get(in, &max_items_) ||
      !internal::GetVector(in, &b_) || b_.size() != n * n) {
    return absl::DataLossError("ease bytes: truncated or inconsistent");
  }
  binary_ = binary != 0;
  constraint_ = constraint != 0;
  return absl::OkStatus();
}

}  // namespace clientele::recommender
