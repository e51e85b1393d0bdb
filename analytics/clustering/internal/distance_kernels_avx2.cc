// AVX2 instances of the distance kernels (8 lanes). This file alone is compiled with -mavx2;
// distance_kernels.cc calls it only when the CPU supports AVX2.
#include <immintrin.h>

#include <cstdint>

#define CLT_VF __m256
#define CLT_VI __m256i
#define CLT_LANES 8
#define CLT_LOAD(p) _mm256_loadu_ps(p)
#define CLT_STORE(p, v) _mm256_storeu_ps((p), (v))
#define CLT_SET1(s) _mm256_set1_ps(s)
#define CLT_ADD(a, b) _mm256_add_ps((a), (b))
#define CLT_SUB(a, b) _mm256_sub_ps((a), (b))
#define CLT_MUL(a, b) _mm256_mul_ps((a), (b))
#define CLT_LESS(a, b) _mm256_cmp_ps((a), (b), _CMP_LT_OQ)
#define CLT_SELECT(m, a, b) _mm256_blendv_ps((b), (a), (m))
#define CLT_SET1_I(i) _mm256_set1_epi32(i)
#define CLT_SELECT_I(m, a, b) _mm256_blendv_epi8((b), (a), _mm256_castps_si256(m))
#define CLT_STORE_I(p, v) _mm256_storeu_si256(reinterpret_cast<__m256i*>(p), (v))
#define CLT_MIN(a, b) _mm256_min_ps((a), (b))

namespace clientele::analytics::internal::avx2 {
namespace {

using Acc = __m256d;
Acc AccZero() { return _mm256_setzero_pd(); }
void AccAddVec(Acc& acc, __m256 v) {
  acc = _mm256_add_pd(acc, _mm256_cvtps_pd(_mm256_castps256_ps128(v)));
  acc = _mm256_add_pd(acc, _mm256_cvtps_pd(_mm256_extractf128_ps(v, 1)));
}
void AccStore(const Acc& acc, double* out) { _mm256_storeu_pd(out, acc); }

#include "analytics/clustering/internal/distance_kernels_body.inc"
}  // namespace

double NearestCenters(const float* xt, int64_t stride, int d, int64_t begin, int64_t end,
                      const float* centers, int k, int* labels, float* dist) {
  return NearestCentersIsa(xt, stride, d, begin, end, centers, k, labels, dist);
}

void CandidatePotentials(const float* xt, int64_t stride, int d, int64_t begin, int64_t end,
                         const float* candidates, int t, const float* closest, double* potentials) {
  CandidatePotentialsIsa(xt, stride, d, begin, end, candidates, t, closest, potentials);
}

double UpdateClosest(const float* xt, int64_t stride, int d, int64_t begin, int64_t end,
                     const float* center, float* closest, bool first) {
  return UpdateClosestIsa(xt, stride, d, begin, end, center, closest, first);
}

}  // namespace clientele::analytics::internal::avx2
