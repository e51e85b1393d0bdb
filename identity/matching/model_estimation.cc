#include "identity/matching/model_estimation.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <utility>
#include <vector>

#include "absl/status/status.h"

namespace clientele::identity {
namespace {

using LevelTable = std::array<std::array<double, kMaxLevels>, kFieldCount>;

// Normalizes the first LevelCount entries of each field and applies `floor`.
void Normalize(LevelTable* t, double floor) {
  for (int i = 0; i < kFieldCount; ++i) {
    const int n = LevelCount(FieldAt(i));
    double sum = 0;
    for (int l = 0; l < n; ++l) sum += (*t)[i][l];
    for (int l = 0; l < n; ++l) {
      (*t)[i][l] = std::max(sum > 0 ? (*t)[i][l] / sum : 1.0 / n, floor);
    }
  }
}

}  // namespace

void MatchModelEstimator::ObserveRandom(const ComparisonPattern& pattern, int64_t count) {
  if (count <= 0) return;
  random_[pattern.Pack()] += count;
  random_pairs_ += count;
}

void MatchModelEstimator::Observe(const ComparisonPattern& pattern, int64_t count) {
  if (count <= 0) return;
  candidates_[pattern.Pack()] += count;
  candidate_pairs_ += count;
}

absl::StatusOr<MatchModel> MatchModelEstimator::Estimate(EstimationReport* report) const {
  if (candidate_pairs_ == 0) {
    return absl::FailedPreconditionError("no candidate pairs observed: nothing to estimate from");
  }
  const double floor = std::max(start_.min_probability, 1e-12);
  LevelTable m0{}, u0{};
  for (int i = 0; i < kFieldCount; ++i) {
    for (int l = 0; l < LevelCount(FieldAt(i)); ++l) {
      m0[i][l] = start_.fields[i].m[l];
      u0[i][l] = start_.fields[i].u[l];
    }
  }
  Normalize(&m0, floor);
  Normalize(&u0, floor);

  // u from random pairs: level frequencies among the pairs where the field is known, with the
  // starting u as a prior worth u_pseudo_pairs pairs.
  LevelTable random_counts{};
  std::array<double, kFieldCount> random_known{};
  for (const auto& [packed, count] : random_) {
    const ComparisonPattern p = ComparisonPattern::Unpack(packed);
    for (int i = 0; i < kFieldCount; ++i) {
      const uint8_t level = p.levels[i];
      if (level == kMissingLevel || level >= LevelCount(FieldAt(i))) continue;
      random_counts[i][level] += static_cast<double>(count);
      random_known[i] += static_cast<double>(count);
    }
  }
  const double beta = std::max(start_.u_pseudo_pairs, 0.0);
  LevelTable u_random{};
  for (int i = 0; i < kFieldCount; ++i) {
    for (int l = 0; l < LevelCount(FieldAt(i)); ++l) {
      u_random[i][l] = random_known[i] + beta > 0
                           ? (random_counts[i][l] + beta * u0[i][l]) / (random_known[i] + beta)
                           : u0[i][l];
    }
  }
  Normalize(&u_random, floor);

  // The candidate histogram as a flat list.
  std::vector<std::pair<ComparisonPattern, double>> patterns;
  patterns.reserve(candidates_.size());
  for (const auto& [packed, count] : candidates_) {
    patterns.emplace_back(ComparisonPattern::Unpack(packed), static_cast<double>(count));
  }
  const double total = static_cast<double>(candidate_pairs_);
  const double alpha = std::max(start_.m_pseudo_pairs, 0.0);

  LevelTable m = m0;
  LevelTable u = u_random;
  double prior = std::min(std::max(start_.prior, 1e-6), 1.0 - 1e-6);
  int iteration = 0;
  bool converged = false;
  while (iteration < start_.em_max_iterations && !converged) {
    ++iteration;
    LevelTable log_m{}, log_u{};
    for (int i = 0; i < kFieldCount; ++i) {
      for (int l = 0; l < LevelCount(FieldAt(i)); ++l) {
        log_m[i][l] = std::log(m[i][l]);
        log_u[i][l] = std::log(u[i][l]);
      }
    }
    const double log_prior = std::log(prior);
    const double log_not_prior = std::log(1.0 - prior);
    LevelTable match_counts{}, nonmatch_counts{};
    double matches = 0;
    for (const auto& [p, count] : patterns) {
      double lm = log_prior;
      double lu = log_not_prior;
      for (int i = 0; i < kFieldCount; ++i) {
        const uint8_t level = p.levels[i];
        if (level == kMissingLevel || level >= LevelCount(FieldAt(i))) continue;
        lm += log_m[i][level];
        lu += log_u[i][level];
      }
      const double g = 1.0 / (1.0 + std::exp(std::min(lu - lm, 700.0)));
      matches += g * count;
      for (int i = 0; i < kFieldCount; ++i) {
        const uint8_t level = p.levels[i];
        if (level == kMissingLevel || level >= LevelCount(FieldAt(i))) continue;
        match_counts[i][level] += g * count;
        nonmatch_counts[i][level] += (1.0 - g) * count;
      }
    }
    double change = 0;
    LevelTable m_next{}, u_next = u;
    for (int i = 0; i < kFieldCount; ++i) {
      const int n = LevelCount(FieldAt(i));
      double known = 0;
      double known_non = 0;
      for (int l = 0; l < n; ++l) {
        known += match_counts[i][l];
        known_non += nonmatch_counts[i][l];
      }
      for (int l = 0; l < n; ++l) {
        m_next[i][l] = (match_counts[i][l] + alpha * m0[i][l]) / (known + alpha);
        if (start_.em_updates_u) {
          // The random-pair u is a prior worth u_pseudo_pairs pairs: candidate non-matches
          // agree on the fields they were blocked on far more often than random pairs do.
          u_next[i][l] = (nonmatch_counts[i][l] + beta * u_random[i][l]) / (known_non + beta);
        }
      }
    }
    Normalize(&m_next, floor);
    if (start_.em_updates_u) Normalize(&u_next, floor);
    for (int i = 0; i < kFieldCount; ++i) {
      for (int l = 0; l < LevelCount(FieldAt(i)); ++l) {
        change = std::max(change, std::abs(m_next[i][l] - m[i][l]));
        change = std::max(change, std::abs(u_next[i][l] - u[i][l]));
      }
    }
    // The starting prior is a Beta prior worth m_pseudo_pairs pairs too, so that a handful
    // of candidate pairs that all look like matches cannot push the prior to 1 (which would
    // link everything).
    const double prior_next =
        std::min(std::max((matches + alpha * start_.prior) / (total + alpha), 1e-6), 1.0 - 1e-6);
    change = std::max(change, std::abs(prior_next - prior));
    m = m_next;
    u = u_next;
    prior = prior_next;
    converged = change < start_.em_tolerance;
  }

  MatchModelConfig estimated = start_;
  for (int i = 0; i < kFieldCount; ++i) {
    for (int l = 0; l < LevelCount(FieldAt(i)); ++l) {
      estimated.fields[i].m[l] = m[i][l];
      estimated.fields[i].u[l] = u[i][l];
    }
  }
  estimated.prior = prior;
  if (report != nullptr) {
    report->iterations = iteration;
    report->converged = converged;
    report->prior = prior;
    report->expected_matches = prior * total;
    report->random_pairs = random_pairs_;
    report->candidate_pairs = candidate_pairs_;
    report->distinct_patterns = static_cast<int64_t>(patterns.size());
  }
  return MatchModel(estimated);
}

}  // namespace clientele::identity
