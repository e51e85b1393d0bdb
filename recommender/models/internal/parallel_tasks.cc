#include "recommender/models/internal/parallel_tasks.h"

#include <algorithm>
#include <atomic>
#include <thread>
#include <vector>

namespace clientele::recommender::internal {
namespace {

constexpr Eigen::Index kPanel = 256;

template <typename Scalar>
void LowerRankUpdateImpl(
    Eigen::Ref<Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>> c,
    const Eigen::Ref<const Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>>& a, Scalar alpha,
    bool transposed, int threads) {
  const Eigen::Index n = c.rows();
  const int64_t panels = (n + kPanel - 1) / kPanel;
  // Panel p covers columns [j0, j0 + w) of c: its w x w diagonal block and the rows below it.
  // The first panels have the most rows below: taken first.
  ParallelTasks(panels, threads, [&](int64_t p) {
    const Eigen::Index j0 = p * kPanel;
    const Eigen::Index w = std::min(kPanel, n - j0);
    const Eigen::Index below = n - j0 - w;
    if (transposed) {
      const auto cols = a.middleCols(j0, w);
      c.block(j0, j0, w, w)
          .template selfadjointView<Eigen::Lower>()
          .rankUpdate(cols.transpose(), alpha);
      if (below > 0) {
        c.block(j0 + w, j0, below, w).noalias() +=
            alpha * a.middleCols(j0 + w, below).transpose() * cols;
      }
    } else {
      const auto rows = a.middleRows(j0, w);
      c.block(j0, j0, w, w).template selfadjointView<Eigen::Lower>().rankUpdate(rows, alpha);
      if (below > 0) {
        c.block(j0 + w, j0, below, w).noalias() +=
            alpha * a.middleRows(j0 + w, below) * rows.transpose();
      }
    }
  });
}

}  // namespace

int FitThreads(int requested) {
  if (requested > 0) return requested;
  return std::max(1u, std::thread::hardware_concurrency());
}

void ParallelTasks(int64_t count, int threads, const std::function<void(int64_t)>& task) {
  if (threads <= 1 || count <= 1) {
    for (int64_t t = 0; t < count; ++t) task(t);
    return;
  }
  std::atomic<int64_t> next{0};
  auto run = [&] {
    for (int64_t t = next.fetch_add(1); t < count; t = next.fetch_add(1)) task(t);
  };
  std::vector<std::thread> workers;
  const int64_t extra = std::min<int64_t>(threads, count) - 1;
  workers.reserve(extra);
  for (int64_t w = 0; w < extra; ++w) workers.emplace_back(run);
  run();
  for (std::thread& w : workers) w.join();
}

void LowerRankUpdate(Eigen::Ref<Eigen::MatrixXd> c, const Eigen::Ref<const Eigen::MatrixXd>& a,
                     double alpha, bool transposed, int threads) {
  LowerRankUpdateImpl<double>(c, a, alpha, transposed, threads);
}

void LowerRankUpdate(Eigen::Ref<Eigen::MatrixXf> c, const Eigen::Ref<const Eigen::MatrixXf>& a,
                     float alpha, bool transposed, int threads) {
  LowerRankUpdateImpl<float>(c, a, alpha, transposed, threads);
}

}  // namespace clientele::recommender::internal
