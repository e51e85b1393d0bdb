#include "recommender/models/ease_model.h"

#include <Eigen/Cholesky>
#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/status/status_macros.h"
#include "recommender/evaluation/split.h"
#include "recommender/models/internal/blocked_cholesky.h"
#include "recommender/models/internal/byte_io.h"
#include "recommender/models/internal/interaction_matrix.h"
#include "recommender/models/internal/parallel_tasks.h"
#include "recommender/models/internal/params.h"

namespace clientele::recommender {
namespace {

using RowMatrixF = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

// Columns per block of the triangular solve of the user-side form (progress between blocks).
constexpr int64_t kSolveBlock = 256;

absl::Status Cancelled() { return absl::CancelledError("fit cancelled"); }

// `progress` over [from, from + span] as a block progress over [0, 1] (null stays null).
internal::BlockProgress Within(const FitProgress& progress, double from, double span) {
  if (!progress) return nullptr;
  return [&progress, from, span](double f) { return progress(from + span * f); };
}

}  // namespace

absl::StatusOr<std::unique_ptr<RecommenderModel>> EaseModel::Create(const ModelConfig& config) {
  internal::Params params(config.params);
  auto model = std::make_unique<EaseModel>();
  model->lambda_ = params.Get("lambda", 500);
  model->binary_ = params.Get("binary", 1) != 0;
  model->dropout_ = params.Get("dropout", 0);
  model->constraint_ = params.Get("constraint", 1) != 0;
  model->user_norm_ = params.Get("user_norm", 0);
  double max_items = params.Get("max_items", 10000);
  const double side = params.Get("side", 0);
  const double max_dense_items = params.Get("max_dense_items", 8192);
  const double tune_lambda = params.Get("tune_lambda", 0);
  if (auto s = params.CheckAllUsed("ease"); !s.ok()) return s;
  if (side != 0 && side != 1 && side != 2) {
    return absl::InvalidArgumentError("params: side must be 0 (auto), 1 (items) or 2 (users)");
  }
  if (!(max_dense_items >= 0 && max_dense_items <= 1e6)) {
    return absl::InvalidArgumentError("params: max_dense_items must be in 0..1000000");
  }
  if (tune_lambda != 0 && tune_lambda != 1) {
    return absl::InvalidArgumentError("params: tune_lambda must be 0 or 1");
  }
  model->tune_lambda_ = tune_lambda == 1;
  model->side_ = static_cast<int>(side);
  model->max_dense_items_ = static_cast<int64_t>(max_dense_items);
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

absl::StatusOr<double> EaseModel::ChooseLambda(const Dataset& data,
                                               const FitProgress& progress) const {
  static constexpr double kFactors[] = {0.25, 0.5, 1, 2};
  static constexpr int32_t kMaxValidationUsers = 2000;
  absl::StatusOr<TrainTest> split = StratifiedRandomSplit(data, 0.9, /*seed=*/1);
  if (!split.ok()) return split.status();
  std::vector<int32_t> users;
  for (int32_t u = 0; u < data.num_users() && users.size() < kMaxValidationUsers; ++u) {
    if (!split->test.UserItems(u).empty() && !split->train.UserItems(u).empty()) {
      users.push_back(u);
    }
  }
  if (users.empty() || split->train.num_interactions() == 0) return lambda_;
  double best_lambda = lambda_, best_ndcg = -1;
  for (size_t g = 0; g < std::size(kFactors); ++g) {
    EaseModel trial = *this;  // Same parameters, unfitted.
    trial.lambda_ = lambda_ * kFactors[g];
    trial.tune_lambda_ = false;
    trial.DisableServingCache();
    FitProgress sub = nullptr;
    if (progress) {
      sub = [&](double f) { return progress(0.5 * (g + f) / std::size(kFactors)); };
    }
    CLT_RETURN_IF_ERROR(trial.Fit(split->train, sub));
    double total = 0;
    for (int32_t u : users) {
      RecommendRequest request;
      request.user = u;
      request.k = 10;
      absl::StatusOr<std::vector<Recommendation>> recs = trial.Recommend(request);
      if (!recs.ok()) return recs.status();
      auto held = split->test.UserItems(u);  // Sorted by item.
      double dcg = 0, idcg = 0;
      for (size_t r = 0; r < recs->size(); ++r) {
        if (std::binary_search(held.begin(), held.end(), (*recs)[r].item)) {
          dcg += 1 / std::log2(r + 2.0);
        }
      }
      for (size_t r = 0; r < std::min<size_t>(10, held.size()); ++r) idcg += 1 / std::log2(r + 2.0);
      total += dcg / idcg;
    }
    if (total > best_ndcg) {
      best_ndcg = total;
      best_lambda = trial.lambda_;
    }
  }
  return best_lambda;
}

absl::Status EaseModel::FitImpl(const Dataset& data, const FitProgress& progress) {
  FitProgress rest = progress;
  if (tune_lambda_) {
    absl::StatusOr<double> chosen = ChooseLambda(data, progress);
    if (!chosen.ok()) return chosen.status();
    lambda_ = *chosen;
    if (progress) rest = [&progress](double f) { return progress(0.5 + 0.5 * f); };
  }
  return FitChosen(data, rest);
}

absl::Status EaseModel::FitChosen(const Dataset& data, const FitProgress& progress) {
  const int64_t n = data.num_items();
  if (n <= max_items_) {
    const bool user_side = side_ == 2 || (side_ == 0 && data.num_users() < n);
    user_side_ = user_side;
    return user_side ? FitUserSide(data, progress) : FitItemSide(data, progress);
  }
  // Above the cap: the max_items most frequent items (ties to the lower index), kept in index
  // order; the others get no score and come after, ordered by popularity.
  std::vector<int64_t> count(n, 0);
  for (int32_t item : data.item_index()) ++count[item];
  std::vector<int32_t> order(n);
  for (int32_t i = 0; i < n; ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](int32_t a, int32_t b) { return count[a] > count[b]; });
  kept_.assign(order.begin(), order.begin() + max_items_);
  std::sort(kept_.begin(), kept_.end());
  std::vector<int32_t> slot(n, -1);
  IdIndex kept_ids;
  for (size_t s = 0; s < kept_.size(); ++s) {
    slot[kept_[s]] = static_cast<int32_t>(s);
    kept_ids.Add(data.item_id(kept_[s]));
  }
  std::vector<Triplet> cells;
  for (int32_t u = 0; u < data.num_users(); ++u) {
    auto items = data.UserItems(u);
    auto values = data.UserValues(u);
    for (size_t a = 0; a < items.size(); ++a) {
      if (slot[items[a]] >= 0) cells.push_back({u, slot[items[a]], values[a], 0});
    }
  }
  absl::StatusOr<Dataset> capped =
      Dataset::FromTriplets(data.users(), std::move(kept_ids), {}, std::move(cells));
  if (!capped.ok()) return capped.status();
  set_fit_note(absl::StrCat("ease fitted on the ", max_items_, " most frequent of ", n,
                            " items (max_items); the other items are recommended by popularity"));
  slot_ = std::move(slot);
  const bool user_side = side_ == 2 || (side_ == 0 && capped->num_users() < max_items_);
  user_side_ = user_side;
  return user_side ? FitUserSide(*capped, progress) : FitItemSide(*capped, progress);
}

absl::Status EaseModel::FitItemSide(const Dataset& data, const FitProgress& progress) {
  const int64_t n = data.num_items();
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
  // Cholesky of G + Lambda, then P = (G + Lambda)^-1 from it, both in blocks of columns.
  const int threads = fit_threads();
  if (absl::Status s = internal::BlockedCholesky(&g, Within(progress, 0.25, 0.25), threads);
      !s.ok()) {
    if (absl::IsCancelled(s)) return s;
    return absl::InternalError("ease: X^T X + lambda I is not positive definite");
  }
  CLT_RETURN_IF_ERROR(
      internal::InverseFromCholesky(&g, Within(progress, 0.5, 0.4), threads));  // g = P.
  // Off the diagonal B(i, j) = -P(i, j) c_j with c_j = 1 / P(j, j) (constraint) or Lambda_jj;
  // B(j, j) = 0 or 1 - P(j, j) Lambda_jj. Stored row-major; P is symmetric, so row i of B
  // reads column i of P (contiguous).
  Eigen::VectorXd c(n);
  for (int64_t j = 0; j < n; ++j) c[j] = constraint_ ? 1.0 / g(j, j) : reg(j);
  b_.assign(static_cast<size_t>(n * n), 0.0f);
  internal::ParallelTasks(n, threads, [&](int64_t i) {
    float* row = b_.data() + static_cast<size_t>(i * n);
    const double* p = g.col(i).data();
    for (int64_t j = 0; j < n; ++j) row[j] = static_cast<float>(-p[j] * c[j]);
    row[i] = constraint_ ? 0.0f : static_cast<float>(1.0 - g(i, i) * reg(i));
  });
  return absl::OkStatus();
}

absl::Status EaseModel::FitUserSide(const Dataset& data, const FitProgress& progress) {
  const int64_t n = data.num_items();
  const int64_t m = data.num_users();
  const internal::SparseRowMatrix x = internal::InteractionMatrix(data, binary_, user_norm_);
  // Lambda = lambda I + dropout / (1 - dropout) diag(X^T X).
  Eigen::VectorXd diag_g = Eigen::VectorXd::Zero(n);
  for (int64_t u = 0; u < x.outerSize(); ++u) {
    for (internal::SparseRowMatrix::InnerIterator it(x, u); it; ++it) {
      diag_g[it.col()] += it.value() * it.value();
    }
  }
  const Eigen::VectorXd reg =
      Eigen::VectorXd::Constant(n, lambda_) + (dropout_ / (1 - dropout_)) * diag_g;
  const Eigen::VectorXd inv_reg = reg.cwiseInverse();
  // K = I + X Lambda^-1 X^T (users x users), from the sparse product.
  const internal::SparseRowMatrix xs = x * inv_reg.cwiseSqrt().asDiagonal();
  const internal::SparseRowMatrix xst = xs.transpose();
  Eigen::MatrixXd k = Eigen::MatrixXd(xs * xst);
  k.diagonal().array() += 1.0;
  if (progress && !progress(0.1)) return Cancelled();
  const int threads = fit_threads();
  if (absl::Status s = internal::BlockedCholesky(&k, Within(progress, 0.1, 0.1), threads);
      !s.ok()) {
    if (absl::IsCancelled(s)) return s;
    return absl::InternalError("ease: I + X Lambda^-1 X^T is not positive definite");
  }
  // Z = L^-1 X Lambda^-1, solved in blocks of columns (independent: `threads` at a time).
  Eigen::MatrixXd z = internal::SparseRowMatrix(x * inv_reg.asDiagonal()).toDense();
  const int64_t blocks = (n + kSolveBlock - 1) / kSolveBlock;
  for (int64_t first = 0; first < blocks; first += threads) {
    const int64_t count = std::min<int64_t>(threads, blocks - first);
    internal::ParallelTasks(count, threads, [&](int64_t t) {
      const int64_t c = (first + t) * kSolveBlock;
      k.triangularView<Eigen::Lower>().solveInPlace(z.middleCols(c, std::min(kSolveBlock, n - c)));
    });
    const int64_t done = std::min(n, (first + count) * kSolveBlock);
    if (progress && !progress(0.2 + 0.5 * done / n)) return Cancelled();
  }
  k.resize(0, 0);
  // diag(P)_j = 1 / Lambda_j - |z_j|^2; B(j, i) = c_i z_j.z_i off the diagonal.
  const Eigen::VectorXd norms = z.colwise().squaredNorm().transpose();
  Eigen::VectorXd c(n), diag_b(n);
  for (int64_t j = 0; j < n; ++j) {
    const double p = inv_reg[j] - norms[j];
    c[j] = constraint_ ? 1.0 / p : reg[j];
    diag_b[j] = constraint_ ? 0.0 : 1.0 - p * reg[j];
  }
  const Eigen::MatrixXf zf = z.cast<float>();
  z.resize(0, 0);
  if (n > max_dense_items_) {
    factor_users_ = m;
    zt_.assign(zf.data(), zf.data() + zf.size());  // Column-major m x n = row-major n x m.
    c_.resize(n);
    self_.resize(n);
    for (int64_t j = 0; j < n; ++j) {
      c_[j] = static_cast<float>(c[j]);
      self_[j] = static_cast<float>(diag_b[j] - c[j] * norms[j]);
    }
    return absl::OkStatus();
  }
  // B formed from Z: the lower triangle of Z^T Z in place, then scaled and mirrored.
  b_.assign(static_cast<size_t>(n * n), 0.0f);
  Eigen::Map<Eigen::MatrixXf> bm(b_.data(), n, n);  // bm(i, j) = B(j, i).
  internal::LowerRankUpdate(bm, zf, 1.0f, /*transposed=*/true, threads);
  if (progress && !progress(0.9)) return Cancelled();
  for (int64_t j = 0; j < n; ++j) {
    for (int64_t i = j + 1; i < n; ++i) {
      const float s = bm(i, j);
      bm(i, j) = static_cast<float>(s * c[i]);
      bm(j, i) = static_cast<float>(s * c[j]);
    }
    bm(j, j) = static_cast<float>(diag_b[j]);
  }
  return absl::OkStatus();
}

float EaseModel::Weight(int32_t from, int32_t to) const {
  if (!kept_.empty()) {
    from = slot_[from];
    to = slot_[to];
    if (from < 0 || to < 0) return 0;
  }
  return FittedWeight(from, to);
}

float EaseModel::FittedWeight(int32_t from, int32_t to) const {
  const int64_t n = fitted_items();
  if (!b_.empty()) return b_[static_cast<size_t>(from) * n + to];
  Eigen::Map<const RowMatrixF> zt(zt_.data(), n, factor_users_);
  const float dot = zt.row(from).dot(zt.row(to));
  return from == to ? self_[to] + c_[to] * dot : c_[to] * dot;
}

void EaseModel::Score(absl::Span<const std::pair<int32_t, float>> history, absl::string_view,
                      absl::Span<float> scores) const {
  if (kept_.empty()) {
    ScoreFitted(history, scores);
    return;
  }
  // Above the cap: the history's fitted items, scored over the fitted items, scattered back.
  thread_local std::vector<std::pair<int32_t, float>> mapped;
  thread_local std::vector<float> fitted;
  mapped.clear();
  for (const auto& [j, weight] : history) {
    if (slot_[j] >= 0) mapped.emplace_back(slot_[j], weight);
  }
  fitted.assign(kept_.size(), 0.0f);
  ScoreFitted(mapped, absl::MakeSpan(fitted));
  for (size_t s = 0; s < kept_.size(); ++s) scores[kept_[s]] += fitted[s];
}

void EaseModel::ScoreFitted(absl::Span<const std::pair<int32_t, float>> history,
                            absl::Span<float> scores) const {
  const int64_t n = fitted_items();
  Eigen::Map<Eigen::VectorXf> out(scores.data(), n);
  if (!b_.empty()) {
    for (const auto& [j, weight] : history) {
      const float w = binary_ ? 1.0f : weight;
      out += w * Eigen::Map<const Eigen::VectorXf>(b_.data() + static_cast<size_t>(j) * n, n);
    }
    return;
  }
  // From the factors: score_i = c_i z_i.(sum_j w_j z_j) + w_i self_i.
  Eigen::Map<const RowMatrixF> zt(zt_.data(), n, factor_users_);
  Eigen::VectorXf v = Eigen::VectorXf::Zero(factor_users_);
  for (const auto& [j, weight] : history) v += (binary_ ? 1.0f : weight) * zt.row(j).transpose();
  out.array() += Eigen::Map<const Eigen::VectorXf>(c_.data(), n).array() * (zt * v).array();
  for (const auto& [j, weight] : history) out[j] += (binary_ ? 1.0f : weight) * self_[j];
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

void EaseModel::ForgetUsersImpl(const absl::flat_hash_set<int32_t>& users) {
  if (factor_users_ <= 0) return;
  const int64_t rows = static_cast<int64_t>(zt_.size()) / factor_users_;
  for (int32_t u : users) {
    if (u < 0 || u >= factor_users_) continue;
    for (int64_t j = 0; j < rows; ++j) zt_[j * factor_users_ + u] = 0.0f;
  }
}

void EaseModel::SerializeImpl(std::string* out) const {
  internal::Put<double>(out, lambda_);
  internal::Put<double>(out, dropout_);
  internal::Put<double>(out, user_norm_);
  internal::Put<uint8_t>(out, constraint_ ? 1 : 0);
  internal::Put<uint8_t>(out, binary_ ? 1 : 0);
  internal::Put<int64_t>(out, max_items_);
  internal::PutVector(out, b_);
  internal::Put<uint8_t>(out, user_side_ ? 1 : 0);
  internal::Put<int64_t>(out, factor_users_);
  internal::PutVector(out, zt_);
  internal::PutVector(out, c_);
  internal::PutVector(out, self_);
  internal::PutVector(out, kept_);
}

absl::Status EaseModel::DeserializeImpl(absl::string_view* in) {
  uint8_t binary, constraint;
  size_t n = items().size();
  if (!internal::Get(in, &lambda_) || !internal::Get(in, &dropout_) ||
      !internal::Get(in, &user_norm_) || !internal::Get(in, &constraint) ||
      !internal::Get(in, &binary) || !internal::Get(in, &max_items_) ||
      !internal::GetVector(in, &b_)) {
    return absl::DataLossError("ease bytes: truncated or inconsistent");
  }
  uint8_t user_side = 0;
  factor_users_ = 0;
  zt_.clear();
  c_.clear();
  self_.clear();
  kept_.clear();
  if (!in->empty() &&  // Bytes written before the user-side form end here.
      (!internal::Get(in, &user_side) || !internal::Get(in, &factor_users_) ||
       !internal::GetVector(in, &zt_) || !internal::GetVector(in, &c_) ||
       !internal::GetVector(in, &self_) || !internal::GetVector(in, &kept_))) {
    return absl::DataLossError("ease bytes: truncated factors");
  }
  slot_.clear();
  if (!kept_.empty()) {
    slot_.assign(items().size(), -1);
    for (size_t s = 0; s < kept_.size(); ++s) {
      if (kept_[s] < 0 || kept_[s] >= items().size() || (s > 0 && kept_[s] <= kept_[s - 1])) {
        return absl::DataLossError("ease bytes: bad kept items");
      }
      slot_[kept_[s]] = static_cast<int32_t>(s);
    }
    n = kept_.size();
  }
  user_side_ = user_side != 0;
  const bool dense = b_.size() == n * n && zt_.empty();
  const bool factors = b_.empty() && factor_users_ >= 0 &&
                       zt_.size() == n * static_cast<size_t>(factor_users_) && c_.size() == n &&
                       self_.size() == n;
  if (!dense && !factors) return absl::DataLossError("ease bytes: inconsistent sizes");
  binary_ = binary != 0;
  constraint_ = constraint != 0;
  return absl::OkStatus();
}

int64_t EaseModel::ModelFitBytes(const DataShape& shape) const {
  const int64_t n = std::min<int64_t>(shape.items, max_items_);
  const int64_t m = shape.users;
  const bool user_side = side_ == 2 || (side_ == 0 && m < n);
  if (!user_side) return 20 * n * n;  // G and its Cholesky factor (double), B (float).
  // Sparse X (three copies), K and its factor (double), Z (double and float), then B or Z^T.
  return 48 * shape.interactions + 16 * m * m + 12 * m * n +
         (n <= max_dense_items_ ? 4 * n * n : 4 * m * n);
}

}  // namespace clientele::recommender
