// Fit-time parallelism: independent tasks on a few short-lived threads, and the dense
// products the fits share, split into such tasks. How a product is split never depends on the
// thread count, and each piece is computed the same way whichever thread runs it, so results
// are bit-for-bit the same with 1 thread or many.
#ifndef CLIENTELE_RECOMMENDER_MODELS_INTERNAL_PARALLEL_TASKS_H_
#define CLIENTELE_RECOMMENDER_MODELS_INTERNAL_PARALLEL_TASKS_H_

#include <Eigen/Core>
#include <cstdint>
#include <functional>

namespace clientele::recommender::internal {

// The threads a fit uses for `requested`: requested when > 0, else the hardware's
// (std::thread::hardware_concurrency, at least 1).
int FitThreads(int requested);

// Runs task(0) .. task(count - 1), each once, on up to `threads` threads (the calling thread is
// one of them; the others are started here and joined before returning). Tasks are taken in
// increasing order from a shared counter, so put the longest first. With threads <= 1 or
// count <= 1 they run on the calling thread, in order. Tasks must not throw and must write
// disjoint memory.
void ParallelTasks(int64_t count, int threads, const std::function<void(int64_t)>& task);

// The lower triangle (diagonal included) of c += alpha a a^T, or of c += alpha a^T a when
// `transposed`; c is square and its strict upper triangle is left as it was. Split into panels
// of 256 columns of c, run by ParallelTasks.
void LowerRankUpdate(Eigen::Ref<Eigen::MatrixXd> c, const Eigen::Ref<const Eigen::MatrixXd>& a,
                     double alpha, bool transposed, int threads);
void LowerRankUpdate(Eigen::Ref<Eigen::MatrixXf> c, const Eigen::Ref<const Eigen::MatrixXf>& a,
                     float alpha, bool transposed, int threads);

}  // namespace clientele::recommender::internal

#endif  // CLIENTELE_RECOMMENDER_MODELS_INTERNAL_PARALLEL_TASKS_H_
