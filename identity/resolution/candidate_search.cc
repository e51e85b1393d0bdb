#include "identity/resolution/candidate_search.h"

namespace clientele::identity {

std::vector<ScoredCandidate> CandidateSearch::Find(const PersonRecord& person, int64_t self) const {
  CandidateScratch scratch;
  Find(person, self, matcher_->BlockingKeys(person), scratch);
  return std::move(scratch.candidates);
}

void CandidateSearch::Find(const PersonRecord& person, int64_t self,
                           const std::vector<std::string>& keys, CandidateScratch& scratch) const {
  const resolution_internal::BlockingIndex& blocks = index_->blocking();
  std::vector<const resolution_internal::BlockingIndex::Postings*>& lists = scratch.lists;
  lists.clear();
  for (const std::string& key : keys) blocks.Prefetch(key);
  for (const std::string& key : keys) {
    const resolution_internal::BlockingIndex::Postings* list = blocks.Find(key);
    if (list == nullptr || list->size() > matcher_->max_block_size()) continue;
    lists.push_back(list);
  }
  // The most specific keys first, so that the cap keeps the best candidates.
  std::sort(lists.begin(), lists.end(),
            [](const auto* a, const auto* b) { return a->size() < b->size(); });
  std::vector<ScoredCandidate>& out = scratch.candidates;
  out.clear();
  // Every record seen for the first time becomes a candidate, so with a small cap (25 by
  // default) "seen" is a scan of the candidates, which stay in L1; a stamp array indexed by
  // record would miss the cache on every posting at a million records.
  constexpr size_t kMaxScannedCandidates = 64;
  const bool scan = max_candidates_ <= kMaxScannedCandidates;
  if (scan) {
    // Nothing to reset.
  } else if (scratch.dense) {
    const size_t records = index_->record_count();
    if (scratch.stamps.size() < records) scratch.stamps.resize(records + 4096, 0);
    if (++scratch.stamp == 0) {  // Wrapped: forget every old stamp.
      std::fill(scratch.stamps.begin(), scratch.stamps.end(), 0);
      scratch.stamp = 1;
    }
  } else {
    scratch.seen.clear();
  }
  auto first_sight = [&](uint32_t r) {
    if (scan) {
      return std::none_of(out.begin(), out.end(),
                          [r](const ScoredCandidate& c) { return c.record == r; });
    }
    if (!scratch.dense) return scratch.seen.insert(r).second;
    if (scratch.stamps[r] == scratch.stamp) return false;
    scratch.stamps[r] = scratch.stamp;
    return true;
  };
  for (const resolution_internal::BlockingIndex::Postings* list : lists) {
    for (uint32_t r : *list) {
      if (out.size() >= max_candidates_) break;
      if (static_cast<int64_t>(r) == self || !first_sight(r)) continue;
      out.push_back({r, PairScore{}});
    }
    if (out.size() >= max_candidates_) break;
  }
  ScoreAhead(
      person, out.size(), [&](size_t i) { return out[i].record; },
      [&](size_t i, const PairScore& score) { out[i].score = score; });
}

void CandidateSearch::RankByProfile(CandidateScratch& scratch) const {
  const std::vector<ScoredCandidate>& candidates = scratch.candidates;
  std::vector<std::pair<uint64_t, uint32_t>>& by_profile = scratch.by_profile;
  by_profile.clear();
  for (uint32_t i = 0; i < candidates.size(); ++i) {
    by_profile.emplace_back(index_->record(candidates[i].record).profile, i);
  }
  std::sort(by_profile.begin(), by_profile.end(), [&](const auto& a, const auto& b) {
    if (a.first != b.first) return a.first < b.first;
    const double wa = candidates[a.second].score.weight, wb = candidates[b.second].score.weight;
    return wa != wb ? wa > wb : a.second < b.second;
  });
  std::vector<std::pair<uint64_t, ScoredCandidate>>& ranked = scratch.ranked;
  ranked.clear();
  for (size_t i = 0; i < by_profile.size(); ++i) {
    if (i > 0 && by_profile[i].first == by_profile[i - 1].first) continue;
    ranked.emplace_back(by_profile[i].first, candidates[by_profile[i].second]);
  }
  std::sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) {
    if (a.second.score.weight != b.second.score.weight) {
      return a.second.score.weight > b.second.score.weight;
    }
    return a.first < b.first;
  });
}

}  // namespace clientele::identity
