// A small, fast, deterministic random number generator for the scenario generator.
//
//   Rng rng(MixSeed(seed, person_index, kStreamPerson));
//   if (rng.Bernoulli(0.05)) ...;
//   const std::string_view name = rng.Pick(pool);
//
// SplitMix64: the same seed gives the same sequence on every platform and compiler (no
// std::*_distribution, whose results are implementation-defined). Not cryptographic.
// Not thread-safe; give each unit of work its own Rng derived with MixSeed, so that results
// do not depend on how work is spread over threads.
#ifndef CLIENTELE_IDENTITY_SCENARIO_RNG_H_
#define CLIENTELE_IDENTITY_SCENARIO_RNG_H_

#include <cstddef>
#include <cstdint>
#include <iterator>

namespace clientele::identity::scenario {

// A well-mixed 64-bit value of (a, b, c): seeds per (run seed, entity, stream).
inline uint64_t MixSeed(uint64_t a, uint64_t b, uint64_t c = 0) {
  auto mix = [](uint64_t z) {
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  };
  return mix(mix(mix(a + 0x9E3779B97F4A7C15ULL) ^ b) + 0x632BE59BD9B4E019ULL * (c + 1));
}

// A pseudo-random permutation of [0, range): distinct n < range give distinct results, and
// neighbouring n give unrelated ones. Used for ids and phone numbers that must be unique.
// REQUIRES: n < range.
inline uint64_t PermuteIndex(uint64_t n, uint64_t range, uint64_t key) {
  int bits = 1;
  while (bits < 64 && (uint64_t{1} << bits) < range) ++bits;
  const uint64_t mask = bits == 64 ? ~uint64_t{0} : (uint64_t{1} << bits) - 1;
  const int shift = bits / 2 + 1;
  uint64_t x = n;
  // Each step is a bijection of `bits`-bit numbers; cycle-walking keeps the result in range.
  do {
    for (uint64_t round = 0; round < 3; ++round) {
      x = (x ^ (MixSeed(key, round) & mask)) & mask;
      x = (x * ((MixSeed(key, round + 7) | 1) & mask | 1)) & mask;
      x ^= x >> shift;
    }
  } while (x >= range);
  return x;
}

class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}

  uint64_t Next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }

  // Uniform in [0, n); 0 when n == 0.
  uint64_t Below(uint64_t n) {
    return static_cast<uint64_t>((static_cast<unsigned __int128>(Next()) * n) >> 64);
  }

  // Uniform in [lo, hi]. REQUIRES: lo <= hi.
  int64_t Between(int64_t lo, int64_t hi) {
    return lo + static_cast<int64_t>(Below(static_cast<uint64_t>(hi - lo) + 1));
  }

  // Uniform in [0, 1).
  double Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }

  bool Bernoulli(double p) { return Uniform() < p; }

  // A uniformly chosen element of a non-empty array-like container.
  template <typename Container>
  const auto& Pick(const Container& items) {
    return items[Below(std::size(items))];
  }

 private:
  uint64_t state_;
};

}  // namespace clientele::identity::scenario

#endif  // CLIENTELE_IDENTITY_SCENARIO_RNG_H_
