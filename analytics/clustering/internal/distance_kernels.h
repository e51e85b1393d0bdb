// Squared Euclidean distances in single precision for k-means, vectorized over points.
//
// Points are given dimension-major: coordinate j of point i is xt[j * stride + i] (a d x n
// row-major matrix), so that a vector register holds one coordinate of 4 or 8 consecutive points.
// Every distance is accumulated as ((0 + (x_0 - c_0)^2) + (x_1 - c_1)^2) + ... with separate
// multiply and add (no fused multiply-add), in the same order for every lane and for the scalar
// tail; sums of distances are taken in double in one fixed order (see distance_kernels_body.inc).
// So results are bit-identical whichever instruction set runs them: AVX2 when the CPU has it
// (checked once at run time), SSE2 (the x86-64 baseline) otherwise.
//
// Per-point outputs are indexed from `begin` (out[i - begin] for point i). Pure functions of
// their arguments; safe to call concurrently on disjoint outputs.
#ifndef CLIENTELE_ANALYTICS_CLUSTERING_INTERNAL_DISTANCE_KERNELS_H_
#define CLIENTELE_ANALYTICS_CLUSTERING_INTERNAL_DISTANCE_KERNELS_H_

#include <cstdint>

namespace clientele::analytics::internal {

// For points [begin, end): labels = index of the nearest of the k centres (row-major k x d),
// ties to the lowest index; dist = the squared distance to it. Returns the sum of dist.
double NearestCenters(const float* xt, int64_t stride, int d, int64_t begin, int64_t end,
                      const float* centers, int k, int* labels, float* dist);

// k-means++ candidate evaluation: for each of the t candidates (row-major t x d),
// potentials[c] = sum over points [begin, end) of min(closest, squared distance to candidate c).
void CandidatePotentials(const float* xt, int64_t stride, int d, int64_t begin, int64_t end,
                         const float* candidates, int t, const float* closest, double* potentials);

// closest = min(closest, squared distance to `center`) (just the distance when `first`), for
// points [begin, end); returns the sum of the new closest values.
double UpdateClosest(const float* xt, int64_t stride, int d, int64_t begin, int64_t end,
                     const float* center, float* closest, bool first);

// The instruction set the kernels use on this CPU ("avx2" or "sse2"), for benchmarks.
const char* DistanceKernelIsa();

// The kernels of one instruction set, bypassing the dispatch (for tests that compare them).
struct DistanceKernelSet {
  double (*nearest_centers)(const float*, int64_t, int, int64_t, int64_t, const float*, int, int*,
                            float*);
  void (*candidate_potentials)(const float*, int64_t, int, int64_t, int64_t, const float*, int,
                               const float*, double*);
  double (*update_closest)(const float*, int64_t, int, int64_t, int64_t, const float*, float*,
                           bool);
};
// isa is "sse2" or "avx2"; nullptr when this CPU lacks it or the name is unknown.
const DistanceKernelSet* DistanceKernelsFor(const char* isa);

}  // namespace clientele::analytics::internal

#endif  // CLIENTELE_ANALYTICS_CLUSTERING_INTERNAL_DISTANCE_KERNELS_H_
