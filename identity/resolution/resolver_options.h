// ResolverOptions: the knobs of incremental resolution, shared by the Resolver and its parts
// (candidate search, link policy, match statistics, queries). Plain data; copied into the
// Resolver at Open and immutable afterwards.
#ifndef CLIENTELE_IDENTITY_RESOLUTION_RESOLVER_OPTIONS_H_
#define CLIENTELE_IDENTITY_RESOLUTION_RESOLVER_OPTIONS_H_

#include <cstddef>
#include <cstdint>
#include <functional>

#include "absl/time/time.h"
#include "identity/matching/person_record.h"
#include "identity/resolution/golden_record.h"

namespace clientele::identity {

struct ResolverOptions {
  NormalizationOptions normalization;
  SurvivorshipConfig survivorship = DefaultSurvivorship();
  // EM statistics (patterns of candidate pairs and of random pairs) always accumulate and are
  // persisted. With `reestimate`, the model is re-estimated from them when the record count
  // reaches first_estimate_records, then each time it has doubled since the last estimate.
  // Off by default: on the omnichannel generator's data the re-estimated model links
  // households together (see docs/identity.md, "Operator view").
  bool reestimate = false;
  uint64_t first_estimate_records = 1000;
  // Random record pairs compared per new record, for the u probabilities of the estimate
  // (only with `reestimate`: they cost a fifth of the resolution time).
  size_t random_pairs_per_record = 20;
  // Candidates scored per record at most (the best-ranked posting lists first). At 1,000,000
  // generated records 25 scores a fifth less than 50 with a slightly higher F1 (fewer namesakes
  // from long name lists: 0.9838 vs 0.9827; 15: 0.9832, recall lower); equal at 100,000.
  size_t max_candidates = 25;
  // A record does not join a profile, and two profiles do not merge automatically, when a
  // pair of their records scores below this match weight: a clear disagreement (a relative
  // sharing a phone or e-mail, say) that a single linking pair must not override. At most
  // conflict_sample members per side are compared.
  double conflict_weight = -10;
  size_t conflict_sample = 16;
  // Automatic joins and merges never grow a profile beyond this many records (a safety net
  // against chains of false links); manual merges may.
  size_t max_auto_profile_size = 64;
  // Wall clock for manual operations; defaults to absl::Now.
  std::function<absl::Time()> clock;
};

}  // namespace clientele::identity

#endif  // CLIENTELE_IDENTITY_RESOLUTION_RESOLVER_OPTIONS_H_
