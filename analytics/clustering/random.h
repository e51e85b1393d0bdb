// A small, portable random source for the clustering code.
//
// std::mt19937_64's output sequence is fixed by the standard, but the std distributions are not,
// so results seeded here are identical across standard libraries. Not thread-safe; one per thread.
#ifndef CLIENTELE_ANALYTICS_CLUSTERING_RANDOM_H_
#define CLIENTELE_ANALYTICS_CLUSTERING_RANDOM_H_

#include <cstdint>
#include <random>

namespace clientele::analytics {

class ClusteringRng {
 public:
  explicit ClusteringRng(uint64_t seed) : engine_(seed) {}

  uint64_t NextU64() { return engine_(); }

  // Uniform in [0, 1), 53 random bits.
  double Uniform() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }

  // Uniform in [0, bound); bound must be > 0. Rejection sampling, so unbiased.
  uint64_t Below(uint64_t bound) {
    const uint64_t limit = UINT64_MAX - UINT64_MAX % bound;
    uint64_t x;
    do {
      x = engine_();
    } while (x >= limit);
    return x % bound;
  }

 private:
  std::mt19937_64 engine_;
};

}  // namespace clientele::analytics

#endif  // CLIENTELE_ANALYTICS_CLUSTERING_RANDOM_H_
