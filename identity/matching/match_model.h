// Fellegi-Sunter scoring of PersonRecord pairs, with deterministic rules and explanations.
//
//   MatchModel model(DefaultMatchModelConfig());          // or from MatchModelEstimator
//   MatchResult r = model.Evaluate(a, b);                  // hot path: weight + decision
//   if (r.decision == MatchDecision::kLink) ...
//   MatchExplanation why = model.Score(a, b);              // per-field m, u, weights, values
//   std::string bytes = EncodeMatchModel(model);           // persist; DecodeMatchModel back
//
// Weight: the match weight is log2 of the posterior odds of "same person": the prior log-odds
// plus, per compared field, log2(m / u) of its level (m = P(level | match), u = P(level |
// non-match)); a field unknown on either side contributes 0. probability = 1 / (1 + 2^-weight).
//
// Decision, in order:
//   1. Deterministic rules: equal e-mail, phone, loyalty id or national-id hash link, unless the
//      hard-negative veto applies: the given names clearly disagree (both known, level "other",
//      not swapped) AND either the birth dates clearly disagree (both known, level "other":
//      at most one of year/month/day equal and the years more than 2 apart) or, with
//      require_personal_evidence (default), no personal field agrees (birth date exact /
//      day-month swapped / one component off, secondary id within one edit, national or
//      loyalty id equal; an unknown birth date does not agree). Shared family contacts
//      (parents, children, siblings sharing an e-mail or a landline) are the typical case.
//   2. Otherwise probability >= link_probability -> kLink, >= review_probability -> kReview,
//      else kNoLink; with require_personal_evidence a kLink whose given names clearly disagree
//      and whose personal fields do not agree is capped at kReview (household members share
//      surname, address and landline: dependent evidence that the model would add up); with
//      require_identifying_evidence (default) so is a probabilistic link with no evidence
//      beyond the name (a personal field, equal e-mail, phone within one edit, or with
//      agreeing given names most address words or postal code + street number): namesakes.
//   A vetoed pair (MatchResult::vetoed) is at most kReview, never kLink.
//
// Thread-safe for concurrent const use. CMake target: clientele::identity_matching.
#ifndef CLIENTELE_IDENTITY_MATCHING_MATCH_MODEL_H_
#define CLIENTELE_IDENTITY_MATCHING_MATCH_MODEL_H_

#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "identity/matching/comparison.h"
#include "identity/matching/person_record.h"

namespace clientele::identity {

// m and u per level of one field; only the first LevelCount(field) entries are used.
struct FieldParameters {
  std::array<double, kMaxLevels> m{};
  std::array<double, kMaxLevels> u{};
};

struct MatchModelConfig {
  // m and u per field and level: the starting values of estimation, or the estimated ones.
  std::array<FieldParameters, kFieldCount> fields{};
  // P(match) of a candidate pair (one that shares a blocking key).
  double prior = 0.01;
  double link_probability = 0.999;
  double review_probability = 0.5;
  bool deterministic_rules = true;
  // A link (deterministic or probabilistic) whose given names clearly disagree also needs a
  // personal field to agree; else it is vetoed to review (see the file comment). Household
  // members share surname, address, landline and family e-mail.
  bool require_personal_evidence = true;
  // A probabilistic link also needs evidence that identifies a person beyond the name: a
  // personal field (above), the e-mail equal, the phone equal or one edit apart, or, with
  // given names that agree (at least jaro_winkler>=0.80 or swapped), most address words or
  // postal code and street number equal (an address alone is a household's). Names with
  // gender, city or region alone are at most a review: namesakes are common (on `clientele
  // gen` data such links were a fifth of the false positives, and chained whole profiles
  // together); so are e-mails one edit apart (made from the same name).
  bool require_identifying_evidence = true;

  // Estimation (MatchModelEstimator).
  int em_max_iterations = 200;
  double em_tolerance = 1e-7;  // Largest change of any m or the prior that ends EM.
  // Strength, in pairs, of the starting m and prior as Dirichlet / Beta priors of EM's m and
  // prior (keeps levels that candidate pairs never show at a sensible value, and a few
  // candidate pairs from deciding the prior alone).
  double m_pseudo_pairs = 10.0;
  // Strength, in pairs, of the starting u as a prior of the u counted over random pairs.
  double u_pseudo_pairs = 10.0;
  // Floor of every m and u (bounds any single level's weight to about log2(1 / floor)).
  double min_probability = 1e-6;
  // Whether EM also re-estimates u over the candidate pairs, with the random-pair u as
  // starting value and as a prior worth u_pseudo_pairs pairs. On by default: the model scores
  // candidate pairs only, and candidate non-matches agree on the fields they were blocked on
  // far more often than random pairs, so a u fixed from random pairs overstates agreement and
  // can make EM take most candidates for matches (FEBRL 2 without soc_sec_id: prior 0.975,
  // precision 0.54 with a fixed u; 1.0 with this; bench/results/identity_febrl.md).
  bool em_updates_u = true;
};

// Generic starting values, the same for every data set: agreement is likely for matches
// (m of "exact" 0.8-0.95) and unlikely for non-matches (u of "exact" from 0.5 for gender down
// to 1e-5 for identifiers).
MatchModelConfig DefaultMatchModelConfig();

enum class MatchDecision { kNoLink, kReview, kLink };
std::string_view MatchDecisionName(MatchDecision decision);  // "no_link", "review", "link"

struct MatchResult {
  double weight = 0;
  double probability = 0;
  MatchDecision decision = MatchDecision::kNoLink;
  ComparisonPattern pattern;
  // The deterministic rule that linked ("email", "phone", "loyalty_id", "national_id") or
  // empty; a static string.
  std::string_view rule;
  // The hard-negative veto applied: a deterministic rule matched but was vetoed, or a
  // probabilistic link lacked personal evidence; either way the decision is at most kReview.
  bool vetoed = false;
  // The given names clearly disagree (both known, level "other", not swapped) and no personal
  // field agrees: typically two members of one household. Whatever the decision, a resolver
  // should not join the two records' profiles through other records (a shared family e-mail
  // on a record without a name, say).
  bool conflict = false;
};

struct FieldExplanation {
  std::string field;    // FieldName
  std::string level;    // LevelName, "missing" included
  std::string value_a;  // The normalized values compared (PII: do not log).
  std::string value_b;
  double m = 0;
  double u = 0;
  double weight = 0;  // log2(m / u); 0 when missing.
};

struct MatchExplanation {
  double weight = 0;        // Total, prior included.
  double prior_weight = 0;  // log2(prior / (1 - prior)).
  double probability = 0;
  MatchDecision decision = MatchDecision::kNoLink;
  std::string rule;
  bool vetoed = false;
  std::vector<FieldExplanation> fields;  // Every field, in Field order.
};

class MatchModel {
 public:
  explicit MatchModel(const MatchModelConfig& config = DefaultMatchModelConfig());

  const MatchModelConfig& config() const { return config_; }

  // log2(m / u) of `level` of `field`; 0 for kMissingLevel.
  double LevelWeight(Field field, uint8_t level) const;
  // Prior log-odds plus the level weights of `pattern`.
  double PatternWeight(const ComparisonPattern& pattern) const;
  // The decision for a compared pair (rules, veto, thresholds; see the file comment).
  MatchResult Decide(const ComparisonPattern& pattern) const;

  // Compare + Decide: the hot path (no allocation for ASCII values).
  MatchResult Evaluate(const PersonRecord& a, const PersonRecord& b) const {
    return Decide(Compare(a, b));
  }
  // Evaluate with the per-field explanation.
  MatchExplanation Score(const PersonRecord& a, const PersonRecord& b) const;
  // The explanation of a compared pair from its pattern alone: Score without the values.
  MatchExplanation Explain(const ComparisonPattern& pattern) const;

  double link_weight() const { return link_weight_; }
  double review_weight() const { return review_weight_; }

 private:
  MatchModelConfig config_;
  double prior_weight_ = 0;
  double link_weight_ = 0;
  double review_weight_ = 0;
  std::array<std::array<double, kMaxLevels>, kFieldCount> weights_{};
};

// A versioned binary encoding of the whole config (parameters, thresholds, settings).
std::string EncodeMatchModel(const MatchModel& model);
// DataLoss for truncated or corrupt input, an unknown version or a level count that does not
// match this build's fields; InvalidArgument for probabilities outside (0, 1).
absl::StatusOr<MatchModel> DecodeMatchModel(std::string_view bytes);

}  // namespace clientele::identity

#endif  // CLIENTELE_IDENTITY_MATCHING_MATCH_MODEL_H_
