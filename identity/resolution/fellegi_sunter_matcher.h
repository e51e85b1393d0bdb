// RecordMatcher over identity/matching: its blocking keys, MatchModel (Fellegi-Sunter with
// deterministic rules) and MatchModelEstimator (EM). Estimation always starts from the
// configured starting model, so repeated re-estimation does not drift.
//
// Thread-safety: as RecordMatcher (const methods concurrently; Estimate/DecodeModel alone).
#ifndef CLIENTELE_IDENTITY_RESOLUTION_FELLEGI_SUNTER_MATCHER_H_
#define CLIENTELE_IDENTITY_RESOLUTION_FELLEGI_SUNTER_MATCHER_H_

#include "identity/matching/match_model.h"
#include "identity/resolution/record_matcher.h"

namespace clientele::identity {

class FellegiSunterMatcher final : public RecordMatcher {
 public:
  // An estimate is rejected (Estimate fails, the model stays) when it would link more than
  // max_link_share_growth times the share of observed candidate pairs the current model links.
  explicit FellegiSunterMatcher(const MatchModelConfig& start = DefaultMatchModelConfig(),
                                size_t max_block_size = 500, double max_link_share_growth = 1.5);

  std::vector<std::string> BlockingKeys(const PersonRecord& record) const override;
  size_t max_block_size() const override { return max_block_size_; }
  PairScore Score(const PersonRecord& a, const PersonRecord& b) const override;
  v1::MatchExplanation Explain(const PersonRecord& a, const PersonRecord& b) const override;
  void ExplainInto(const PersonRecord& a, const PersonRecord& b,
                   v1::MatchExplanation* out) const override;
  absl::Status ExplainPattern(std::string_view encoded_model, uint64_t pattern,
                              v1::MatchExplanation* out) const override;
  absl::Status Estimate(const absl::flat_hash_map<uint64_t, uint64_t>& candidate_counts,
                        const absl::flat_hash_map<uint64_t, uint64_t>& random_counts) override;
  std::string EncodeModel() const override;
  absl::Status DecodeModel(std::string_view bytes) override;

  const MatchModel& model() const { return model_; }

 private:
  const MatchModelConfig start_;
  const size_t max_block_size_;
  const double max_link_share_growth_;
  MatchModel model_;
};

// The proto form of a matching explanation.
v1::MatchExplanation ToProto(const MatchExplanation& explanation);
void ToProto(const MatchExplanation& explanation, v1::MatchExplanation* out);
v1::MatchDecision ToProto(MatchDecision decision);

}  // namespace clientele::identity

#endif  // CLIENTELE_IDENTITY_RESOLUTION_FELLEGI_SUNTER_MATCHER_H_
