#include "analytics/clustering/internal/distance_kernels.h"

#include <emmintrin.h>

#include <cstdint>
#include <string_view>

// SSE2 instances (4 lanes): the x86-64 baseline, always available.
#define CLT_VF __m128
#define CLT_VI __m128i
#define CLT_LANES 4
#define CLT_LOAD(p) _mm_loadu_ps(p)
#define CLT_STORE(p, v) _mm_storeu_ps((p), (v))
#define CLT_SET1(s) _mm_set1_ps(s)
#define CLT_ADD(a, b) _mm_add_ps((a), (b))
#define CLT_SUB(a, b) _mm_sub_ps((a), (b))
#define CLT_MUL(a, b) _mm_mul_ps((a), (b))
#define CLT_LESS(a, b) _mm_cmplt_ps((a), (b))
#define CLT_SELECT(m, a, b) _mm_or_ps(_mm_and_ps((m), (a)), _mm_andnot_ps((m), (b)))
#define CLT_SET1_I(i) _mm_set1_epi32(i)
#define CLT_SELECT_I(m, a, b) \
  _mm_or_si128(_mm_and_si128(_mm_castps_si128(m), (a)), _mm_andnot_si128(_mm_castps_si128(m), (b)))
#define CLT_STORE_I(p, v) _mm_storeu_si128(reinterpret_cast<__m128i*>(p), (v))
#define CLT_MIN(a, b) _mm_min_ps((a), (b))

namespace clientele::analytics::internal {
namespace avx2 {
double NearestCenters(const float* xt, int64_t stride, int d, int64_t begin, int64_t end,
                      const float* centers, int k, int* labels, float* dist);
void CandidatePotentials(const float* xt, int64_t stride, int d, int64_t begin, int64_t end,
                         const float* candidates, int t, const float* closest, double* potentials);
double UpdateClosest(const float* xt, int64_t stride, int d, int64_t begin, int64_t end,
                     const float* center, float* closest, bool first);
}  // namespace avx2

namespace {

struct Acc {
  __m128d lo, hi;  // accumulators 0-1 and 2-3
};
Acc AccZero() { return Acc{_mm_setzero_pd(), _mm_setzero_pd()}; }
void AccAddVec(Acc& acc, __m128 v) {
  acc.lo = _mm_add_pd(acc.lo, _mm_cvtps_pd(v));
  acc.hi = _mm_add_pd(acc.hi, _mm_cvtps_pd(_mm_movehl_ps(v, v)));
}
void AccStore(const Acc& acc, double* out) {
  _mm_storeu_pd(out, acc.lo);
  _mm_storeu_pd(out + 2, acc.hi);
}

#include "analytics/clustering/internal/distance_kernels_body.inc"

bool UseAvx2() {
  static const bool use = __builtin_cpu_supports("avx2");
  return use;
}
}  // namespace

double NearestCenters(const float* xt, int64_t stride, int d, int64_t begin, int64_t end,
                      const float* centers, int k, int* labels, float* dist) {
  if (UseAvx2()) return avx2::NearestCenters(xt, stride, d, begin, end, centers, k, labels, dist);
  return NearestCentersIsa(xt, stride, d, begin, end, centers, k, labels, dist);
}

void CandidatePotentials(const float* xt, int64_t stride, int d, int64_t begin, int64_t end,
                         const float* candidates, int t, const float* closest, double* potentials) {
  if (UseAvx2()) {
    return avx2::CandidatePotentials(xt, stride, d, begin, end, candidates, t, closest, potentials);
  }
  CandidatePotentialsIsa(xt, stride, d, begin, end, candidates, t, closest, potentials);
}

double UpdateClosest(const float* xt, int64_t stride, int d, int64_t begin, int64_t end,
                     const float* center, float* closest, bool first) {
  if (UseAvx2()) return avx2::UpdateClosest(xt, stride, d, begin, end, center, closest, first);
  return UpdateClosestIsa(xt, stride, d, begin, end, center, closest, first);
}

const char* DistanceKernelIsa() { return UseAvx2() ? "avx2" : "sse2"; }

const DistanceKernelSet* DistanceKernelsFor(const char* isa) {
  static const DistanceKernelSet kSse2{&NearestCentersIsa, &CandidatePotentialsIsa,
                                       &UpdateClosestIsa};
  static const DistanceKernelSet kAvx2{&avx2::NearestCenters, &avx2::CandidatePotentials,
                                       &avx2::UpdateClosest};
  const std::string_view name(isa);
  if (name == "sse2") return &kSse2;
  if (name == "avx2" && UseAvx2()) return &kAvx2;
  return nullptr;
}

}  // namespace clientele::analytics::internal
