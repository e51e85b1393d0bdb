// What the resolver needs from a matcher: blocking keys, a fast pair score with its decision
// and comparison pattern, a full explanation, and EM re-estimation from pattern counts. The
// production implementation wraps identity/matching (fellegi_sunter_matcher.h); tests may use
// their own.
//
// Thread-safety: const methods may run concurrently; Estimate and DecodeModel need exclusive
// access (the Resolver calls them under its write lock).
#ifndef CLIENTELE_IDENTITY_RESOLUTION_RECORD_MATCHER_H_
#define CLIENTELE_IDENTITY_RESOLUTION_RECORD_MATCHER_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "clientele/identity/v1/identity.pb.h"
#include "identity/matching/person_record.h"

namespace clientele::identity {

struct PairScore {
  double weight = 0;  // Match weight (log2 Bayes factor incl. prior).
  v1::MatchDecision decision = v1::MATCH_DECISION_NO_LINK;
  uint64_t pattern = 0;  // Packed comparison pattern, for EM statistics.
  // The two records look like different members of one household (MatchResult::conflict):
  // the resolver does not join their profiles through other records.
  bool conflict = false;
};

class RecordMatcher {
 public:
  virtual ~RecordMatcher() = default;

  // Records sharing a key are candidates of each other.
  virtual std::vector<std::string> BlockingKeys(const PersonRecord& record) const = 0;
  // Posting lists longer than this are skipped when looking for candidates.
  virtual size_t max_block_size() const = 0;

  virtual PairScore Score(const PersonRecord& a, const PersonRecord& b) const = 0;
  virtual v1::MatchExplanation Explain(const PersonRecord& a, const PersonRecord& b) const = 0;
  // Explain into `out` (e.g. a message on an arena, saving the copy).
  virtual void ExplainInto(const PersonRecord& a, const PersonRecord& b,
                           v1::MatchExplanation* out) const {
    *out = Explain(a, b);
  }
  // Explains a pair from its PairScore::pattern alone, as the model `encoded_model` (an
  // EncodeModel result, perhaps of an earlier model) decided it: levels, m, u, weights and
  // the decision, without the compared values. InvalidArgument/DataLoss for a bad model.
  virtual absl::Status ExplainPattern(std::string_view encoded_model, uint64_t pattern,
                                      v1::MatchExplanation* out) const = 0;

  // Re-estimates the model from the pattern histograms of the candidate pairs seen so far
  // and of random pairs (nearly all non-matches). On error the model is unchanged.
  virtual absl::Status Estimate(const absl::flat_hash_map<uint64_t, uint64_t>& candidate_counts,
                                const absl::flat_hash_map<uint64_t, uint64_t>& random_counts) = 0;
  // The model's parameters, to persist; DecodeModel restores them ("" leaves the defaults).
  virtual std::string EncodeModel() const = 0;
  virtual absl::Status DecodeModel(std::string_view bytes) = 0;
};

}  // namespace clientele::identity

#endif  // CLIENTELE_IDENTITY_RESOLUTION_RECORD_MATCHER_H_
