#include "identity/resolution/fellegi_sunter_matcher.h"

#include "absl/strings/str_cat.h"
#include "common/status/status_macros.h"
#include "identity/matching/blocking.h"
#include "identity/matching/model_estimation.h"

namespace clientele::identity {

v1::MatchDecision ToProto(MatchDecision decision) {
  switch (decision) {
    case MatchDecision::kLink:
      return v1::MATCH_DECISION_LINK;
    case MatchDecision::kReview:
      return v1::MATCH_DECISION_REVIEW;
    case MatchDecision::kNoLink:
      return v1::MATCH_DECISION_NO_LINK;
  }
  return v1::MATCH_DECISION_UNSPECIFIED;
}

v1::MatchExplanation ToProto(const MatchExplanation& e) {
  v1::MatchExplanation out;
  ToProto(e, &out);
  return out;
}

void ToProto(const MatchExplanation& e, v1::MatchExplanation* out) {
  out->set_match_weight(e.weight);
  out->set_match_probability(e.probability);
  out->set_decision(ToProto(e.decision));
  out->set_rule(e.vetoed ? "hard_negative" : e.rule);
  for (const FieldExplanation& f : e.fields) {
    v1::FieldComparison* c = out->add_fields();
    c->set_field(f.field);
    c->set_level(f.level);
    c->set_value_a(f.value_a);
    c->set_value_b(f.value_b);
    c->set_m(f.m);
    c->set_u(f.u);
    c->set_weight(f.weight);
  }
}

FellegiSunterMatcher::FellegiSunterMatcher(const MatchModelConfig& start, size_t max_block_size,
                                           double max_link_share_growth)
    : start_(start),
      max_block_size_(max_block_size),
      max_link_share_growth_(max_link_share_growth),
      model_(start) {}

std::vector<std::string> FellegiSunterMatcher::BlockingKeys(const PersonRecord& record) const {
  return identity::BlockingKeys(record);
}

PairScore FellegiSunterMatcher::Score(const PersonRecord& a, const PersonRecord& b) const {
  const MatchResult r = model_.Evaluate(a, b);
  return {r.weight, ToProto(r.decision), r.pattern.Pack(), r.conflict};
}

v1::MatchExplanation FellegiSunterMatcher::Explain(const PersonRecord& a,
                                                   const PersonRecord& b) const {
  return ToProto(model_.Score(a, b));
}

void FellegiSunterMatcher::ExplainInto(const PersonRecord& a, const PersonRecord& b,
                                       v1::MatchExplanation* out) const {
  ToProto(model_.Score(a, b), out);
}

absl::Status FellegiSunterMatcher::ExplainPattern(std::string_view encoded_model, uint64_t pattern,
                                                  v1::MatchExplanation* out) const {
  CLT_ASSIGN_OR_RETURN(MatchModel model, DecodeMatchModel(encoded_model));
  ToProto(model.Explain(ComparisonPattern::Unpack(pattern)), out);
  return absl::OkStatus();
}

absl::Status FellegiSunterMatcher::Estimate(
    const absl::flat_hash_map<uint64_t, uint64_t>& candidate_counts,
    const absl::flat_hash_map<uint64_t, uint64_t>& random_counts) {
  MatchModelEstimator estimator(start_);
  for (const auto& [p, n] : candidate_counts) {
    estimator.Observe(ComparisonPattern::Unpack(p), static_cast<int64_t>(n));
  }
  for (const auto& [p, n] : random_counts) {
    estimator.ObserveRandom(ComparisonPattern::Unpack(p), static_cast<int64_t>(n));
  }
  CLT_ASSIGN_OR_RETURN(MatchModel estimated, estimator.Estimate());
  // Guard against EM locking onto a broader class than "same person" (households share
  // surname, address and phone): an estimate that would link a much larger share of the
  // candidate pairs than the current model is rejected.
  auto link_share = [&](const MatchModel& m) {
    uint64_t linked = 0, total = 0;
    for (const auto& [p, n] : candidate_counts) {
      total += n;
      if (m.Decide(ComparisonPattern::Unpack(p)).decision == MatchDecision::kLink) linked += n;
    }
    return total == 0 ? 0.0 : static_cast<double>(linked) / static_cast<double>(total);
  };
  const double before = link_share(model_), after = link_share(estimated);
  if (after > before * max_link_share_growth_ + 0.01) {
    return absl::FailedPreconditionError(absl::StrCat("estimate rejected: it links ", after,
                                                      " of the candidate pairs, the current model ",
                                                      before));
  }
  model_ = std::move(estimated);
  return absl::OkStatus();
}

std::string FellegiSunterMatcher::EncodeModel() const { return EncodeMatchModel(model_); }

absl::Status FellegiSunterMatcher::DecodeModel(std::string_view bytes) {
  if (bytes.empty()) return absl::OkStatus();
  CLT_ASSIGN_OR_RETURN(model_, DecodeMatchModel(bytes));
  return absl::OkStatus();
}

}  // namespace clientele::identity
