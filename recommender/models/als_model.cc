#include "recommender/models/als_model.h"

#include <algorithm>
#include <cmath>
#include <random>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "recommender/models/internal/byte_io.h"
#include "recommender/models/internal/dot_product_graph.h"
#include "recommender/models/internal/interaction_matrix.h"
#include "recommender/models/internal/params.h"

namespace clientele::recommender {

namespace {

constexpr int64_t kProgressRows = 1024;

// Solves every row of `factors` against `other` (rows of `conf`: columns and confidences).
// False when `progress` asked to stop.
bool SolveRows(const internal::SparseRowMatrix& conf, const internal::RowMatrixD& other, double reg,
               int steps, internal::RowMatrixD* factors,
               const std::function<bool(double)>& progress) {
  const Eigen::MatrixXd gram = other.transpose() * other;
  const int64_t f = factors->cols();
  for (int64_t r = 0; r < conf.outerSize(); ++r) {
    if (progress && r % kProgressRows == 0 && !progress(static_cast<double>(r) / conf.rows())) {
      return false;
    }
    const int64_t from = conf.outerIndexPtr()[r], to = conf.outerIndexPtr()[r + 1];
    Eigen::Map<Eigen::VectorXd> x(factors->row(r).data(), f);
    internal::ConjugateGradientSolve(
        gram, other, absl::MakeConstSpan(conf.innerIndexPtr() + from, to - from),
        absl::MakeConstSpan(conf.valuePtr() + from, to - from), reg, steps, x);
  }
  return true;
}

}  // namespace

absl::StatusOr<std::unique_ptr<RecommenderModel>> AlsModel::Create(const ModelConfig& config) {
  internal::Params params(config.params);
  auto model = std::make_unique<AlsModel>();
  const double factors = params.Get("factors", 64);
  const double iterations = params.Get("iterations", 15);
  const double cg_steps = params.Get("cg_steps", 3);
  model->reg_ = params.Get("regularization", 100);
  model->alpha_ = params.Get("alpha", 15);
  model->binary_ = params.Get("binary", 1) != 0;
  const double seed = params.Get("seed", 1);
  const double hnsw_min_items = params.Get("hnsw_min_items", 20000);
  const double hnsw_candidates = params.Get("hnsw_candidates", 200);
  if (auto s = params.CheckAllUsed("als"); !s.ok()) return s;
  if (!(factors >= 1 && factors <= 1024)) {
    return absl::InvalidArgumentError("params: factors must be in 1..1024");
  }
  if (!(iterations >= 1 && iterations <= 1000)) {
    return absl::InvalidArgumentError("params: iterations must be in 1..1000");
  }
  if (!(cg_steps >= 1 && cg_steps <= 100)) {
    return absl::InvalidArgumentError("params: cg_steps must be in 1..100");
  }
  if (!(model->reg_ > 0)) return absl::InvalidArgumentError("params: regularization must be > 0");
  if (!(model->alpha_ >= 0)) return absl::InvalidArgumentError("params: alpha must be >= 0");
  if (!(seed >= 0 && seed <= 1e15)) {
    return absl::InvalidArgumentError("params: seed must be in 0..1e15");
  }
  if (!(hnsw_min_items >= 1 && hnsw_min_items <= 1e12)) {
    return absl::InvalidArgumentError("params: hnsw_min_items must be >= 1");
  }
  if (!(hnsw_candidates >= 1 && hnsw_candidates <= 10000)) {
    return absl::InvalidArgumentError("params: hnsw_candidates must be in 1..10000");
  }
  model->hnsw_min_items_ = static_cast<int64_t>(hnsw_min_items);
  model->hnsw_candidates_ = static_cast<int32_t>(hnsw_candidates);
  model->factors_ = static_cast<int32_t>(factors);
  model->iterations_ = static_cast<int32_t>(iterations);
  model->cg_steps_ = static_cast<int32_t>(cg_steps);
  model->seed_ = static_cast<uint64_t>(seed);
  return model;
}

absl::Status AlsModel::FitImpl(const Dataset& data, const FitProgress& progress) {
  // Confidences c = 1 + alpha r, users x items and items x users.
  internal::SparseRowMatrix by_user = internal::InteractionMatrix(data, binary_, 0);
  by_user.coeffs() = 1.0 + alpha_ * by_user.coeffs();
  const internal::SparseRowMatrix by_item = by_user.transpose();
  const int64_t f = factors_;
  internal::RowMatrixD x = internal::RowMatrixD::Zero(data.num_users(), f);
  y_.resize(data.num_items(), f);
  std::mt19937_64 rng(seed_);
  std::normal_distribution<double> normal(0.0, 0.1 / std::sqrt(static_cast<double>(f)));
  for (int64_t c = 0; c < y_.size(); ++c) y_.data()[c] = normal(rng);
  for (int it = 0; it < iterations_; ++it) {
    std::function<bool(double)> half;
    for (int side = 0; side < 2; ++side) {
      if (progress) {
        half = [&](double fr) { return progress((it + 0.5 * (side + fr)) / iterations_); };
      }
      const bool go = side == 0 ? SolveRows(by_user, y_, reg_, cg_steps_, &x, half)
                                : SolveRows(by_item, x, reg_, cg_steps_, &y_, half);
      if (!go) return absl::CancelledError("fit cancelled");
    }
  }
  yty_ = y_.transpose() * y_;
  return BuildRetrievalIndex();
}

absl::Status AlsModel::BuildRetrievalIndex() {
  hnsw_.reset();
  const int64_t n = y_.rows();
  if (n < hnsw_min_items_) return absl::OkStatus();
  std::vector<float> vectors(static_cast<size_t>(n) * factors_);
  Eigen::Map<Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(
      vectors.data(), n, factors_) = y_.cast<float>();
  absl::StatusOr<std::unique_ptr<const internal::DotProductGraph>> graph =
      internal::DotProductGraph::Build(std::move(vectors), factors_);
  if (!graph.ok())
    return absl::Status(graph.status().code(), absl::StrCat("als: ", graph.status().message()));
  hnsw_ = std::shared_ptr<const internal::DotProductGraph>(*std::move(graph));
  return absl::OkStatus();
}

Eigen::VectorXd AlsModel::FoldIn(absl::Span<const std::pair<int32_t, float>> history) const {
  std::vector<int64_t> cols;
  std::vector<double> conf;
  cols.reserve(history.size());
  conf.reserve(history.size());
  for (const auto& [item, value] : history) {
    cols.push_back(item);
    conf.push_back(1.0 + alpha_ * (binary_ ? 1.0 : value));
  }
  return internal::DirectSolve(yty_, y_, cols, conf, reg_);
}

void AlsModel::Score(absl::Span<const std::pair<int32_t, float>> history, absl::string_view,
                     absl::Span<float> scores) const {
  if (history.empty()) return;
  const Eigen::VectorXd x = FoldIn(history);
  if (hnsw_ == nullptr) {
    Eigen::Map<Eigen::VectorXf> out(scores.data(), scores.size());
    out += (y_ * x).cast<float>();
    return;
  }
  // The history's own items come back too (they are excluded later): ask for that many more.
  const size_t want = std::min<size_t>(static_cast<size_t>(hnsw_candidates_) + history.size(),
                                       static_cast<size_t>(y_.rows()));
  const Eigen::VectorXf query = x.cast<float>();
  // Nothing retrieved (a failed search): every item falls back to popularity.
  for (int32_t item : hnsw_->Search(query.data(), want)) {
    scores[item] += static_cast<float>(y_.row(item).dot(x));  // Exact, in double.
  }
}

Reason AlsModel::Explain(int32_t item, absl::Span<const std::pair<int32_t, float>> history,
                         absl::string_view) const {
  int32_t best = -1;
  double best_value = 0;
  for (const auto& [j, weight] : history) {
    const double v = y_.row(j).dot(y_.row(item));
    if (v > best_value) {
      best_value = v;
      best = j;
    }
  }
  if (best < 0) return Reason{ReasonKind::kPopular};
  return Reason{ReasonKind::kSimilarTo, best, ""};
}

void AlsModel::SerializeImpl(std::string* out) const {
  internal::Put<int32_t>(out, factors_);
  internal::Put<double>(out, reg_);
  internal::Put<double>(out, alpha_);
  internal::Put<uint8_t>(out, binary_ ? 1 : 0);
  internal::PutVector(out, std::vector<double>(y_.data(), y_.data() + y_.size()));
  internal::Put<int64_t>(out, hnsw_min_items_);
  internal::Put<int32_t>(out, hnsw_candidates_);
}

absl::Status AlsModel::DeserializeImpl(absl::string_view* in) {
  uint8_t binary;
  std::vector<double> y;
  const size_t n = items().size();
  if (!internal::Get(in, &factors_) || !internal::Get(in, &reg_) || !internal::Get(in, &alpha_) ||
      !internal::Get(in, &binary) || !internal::GetVector(in, &y) || factors_ < 1 ||
      y.size() != n * static_cast<size_t>(factors_)) {
    return absl::DataLossError("als bytes: truncated or inconsistent");
  }
  binary_ = binary != 0;
  y_ = Eigen::Map<internal::RowMatrixD>(y.data(), n, factors_);
  yty_ = y_.transpose() * y_;
  // Retrieval parameters follow (absent from bytes written before they existed: defaults).
  if (!in->empty() &&
      (!internal::Get(in, &hnsw_min_items_) || !internal::Get(in, &hnsw_candidates_) ||
       hnsw_min_items_ < 1 || hnsw_candidates_ < 1)) {
    return absl::DataLossError("als bytes: bad retrieval parameters");
  }
  return BuildRetrievalIndex();
}

int64_t AlsModel::ModelFitBytes(const DataShape& shape) const {
  // Confidences by user and by item (sparse), user and item vectors (double), Gram matrices.
  // Above hnsw_min_items the HNSW graph: float vectors twice (ours and hnswlib's copy) and
  // about 2 M links of 4 bytes per item at level 0.
  const int64_t hnsw = shape.items >= hnsw_min_items_
                           ? shape.items * (8 * static_cast<int64_t>(factors_) + 8 * 16 + 64)
                           : 0;
  return 32 * shape.interactions + 8 * (shape.users + shape.items) * factors_ +
         16 * static_cast<int64_t>(factors_) * factors_ + hnsw;
}

}  // namespace clientele::recommender
