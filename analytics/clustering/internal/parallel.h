// ParallelChunks: runs fn(chunk) for chunk = 0 .. chunks-1 on up to `threads` std::threads.
//
// Chunks are handed out round-robin by index (thread t runs t, t + threads, ...), and callers write
// each chunk's result into a slot of its own and reduce the slots in chunk order afterwards, so
// results never depend on the thread count. fn must be safe to run concurrently for different
// chunks. Blocks until every chunk is done.
#ifndef CLIENTELE_ANALYTICS_CLUSTERING_INTERNAL_PARALLEL_H_
#define CLIENTELE_ANALYTICS_CLUSTERING_INTERNAL_PARALLEL_H_

#include <algorithm>
#include <cstdint>
#include <thread>
#include <vector>

namespace clientele::analytics::internal {

template <typename Fn>
void ParallelChunks(int64_t chunks, int threads, const Fn& fn) {
  const int64_t workers = std::max<int64_t>(1, std::min<int64_t>(threads, chunks));
  auto run = [&](int64_t first) {
    for (int64_t c = first; c < chunks; c += workers) fn(c);
  };
  if (workers == 1) {
    run(0);
    return;
  }
  std::vector<std::thread> pool;
  pool.reserve(static_cast<size_t>(workers - 1));
  for (int64_t w = 1; w < workers; ++w) pool.emplace_back(run, w);
  run(0);
  for (std::thread& t : pool) t.join();
}

}  // namespace clientele::analytics::internal

#endif  // CLIENTELE_ANALYTICS_CLUSTERING_INTERNAL_PARALLEL_H_
