// Allocation-free string similarity for the scoring hot path. ASCII inputs of up to
// kMaxFastLength bytes are compared byte-wise on the stack; anything else falls back to
// identity/similarity (code points), so results equal JaroWinkler / DamerauLevenshtein.
// Pure and thread-safe. Internal to clientele::identity_matching.
#ifndef CLIENTELE_IDENTITY_MATCHING_INTERNAL_FAST_SIMILARITY_H_
#define CLIENTELE_IDENTITY_MATCHING_INTERNAL_FAST_SIMILARITY_H_

#include <cstddef>
#include <string_view>

namespace clientele::identity::matching_internal {

inline constexpr size_t kMaxFastLength = 64;

// JaroWinkler(a, b) with prefix scale 0.1.
double FastJaroWinkler(std::string_view a, std::string_view b);

// False only if FastJaroWinkler(a, b) < threshold for sure, judged from the lengths alone (a
// cheap filter before computing it); true otherwise.
bool MayReachJaroWinkler(std::string_view a, std::string_view b, double threshold);

// min(DamerauLevenshtein(a, b), limit + 1): returns limit + 1 as soon as the distance is known
// to exceed `limit` (lengths differing by more than `limit`, or a DP row whose minimum does).
int BoundedDamerauLevenshtein(std::string_view a, std::string_view b, int limit);

}  // namespace clientele::identity::matching_internal

#endif  // CLIENTELE_IDENTITY_MATCHING_INTERNAL_FAST_SIMILARITY_H_
