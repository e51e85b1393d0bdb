// CandidateSearch: the records worth scoring against a person, and their scores.
//
// The person's blocking keys select posting lists of the RecordIndex; lists longer than the
// matcher's max_block_size are skipped, the most specific (shortest) lists are read first, and
// at most max_candidates distinct records (never `self`) are taken and scored. RankByProfile
// turns the scored candidates into one per profile, best first: what the link policy decides
// on.
//
//   CandidateScratch scratch;  // Reused across calls: resolving a record allocates little.
//   search.Find(person, /*self=*/-1, matcher.BlockingKeys(person), scratch);
//   search.RankByProfile(scratch);  // scratch.ranked: (profile, best candidate), best first.
//
// Reads `index` and `matcher` (not owned; both outlive this object) and nothing else: const
// methods may run concurrently under the Resolver's reader lock, each with its own scratch.
#ifndef CLIENTELE_IDENTITY_RESOLUTION_CANDIDATE_SEARCH_H_
#define CLIENTELE_IDENTITY_RESOLUTION_CANDIDATE_SEARCH_H_

#include <algorithm>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "identity/matching/person_record.h"
#include "identity/resolution/internal/blocking_index.h"
#include "identity/resolution/record_index.h"
#include "identity/resolution/record_matcher.h"

namespace clientele::identity {

struct ScoredCandidate {
  uint32_t record;
  PairScore score;
};

// Buffers of a candidate search, reused across searches.
struct CandidateScratch {
  std::vector<const resolution_internal::BlockingIndex::Postings*> lists;
  // Dedupe when more than 64 candidates are allowed: stamps[r] == stamp when record r was seen
  // for the current person (`dense`: for the writer, which searches for every record), or
  // `seen` (small, for queries). Up to 64 the candidates themselves are scanned.
  bool dense = false;
  std::vector<uint32_t> stamps;
  uint32_t stamp = 0;
  absl::flat_hash_set<uint32_t> seen;
  std::vector<ScoredCandidate> candidates;                   // Find's result, in reading order.
  std::vector<std::pair<uint64_t, uint32_t>> by_profile;     // (profile, candidate position)
  std::vector<std::pair<uint64_t, ScoredCandidate>> ranked;  // RankByProfile's result.
};

class CandidateSearch {
 public:
  CandidateSearch(const RecordIndex* index, const RecordMatcher* matcher, size_t max_candidates)
      : index_(index), matcher_(matcher), max_candidates_(max_candidates) {}

  // Fills scratch.candidates with the scored candidates of `person` found through `keys` (its
  // blocking keys), excluding record `self` (-1: none).
  void Find(const PersonRecord& person, int64_t self, const std::vector<std::string>& keys,
            CandidateScratch& scratch) const;
  // The same with the person's own blocking keys and a fresh scratch.
  std::vector<ScoredCandidate> Find(const PersonRecord& person, int64_t self) const;

  // scratch.ranked = the best candidate of each profile of scratch.candidates (the first of
  // equal weights), ordered by weight descending, then profile number ascending.
  void RankByProfile(CandidateScratch& scratch) const;

  // Scores `person` against the records record_at(i), i < n, and passes each score to
  // use(i, score). Scoring many records is bound by cache misses (records are spread over the
  // heap): the record of i + 4 and the heap-held fields of i + 2 are fetched while i is scored.
  template <typename RecordAt, typename Use>
  void ScoreAhead(const PersonRecord& person, size_t n, RecordAt record_at, Use use) const {
    constexpr size_t kRecordAhead = 4, kFieldsAhead = 2;
    for (size_t i = 0; i < std::min(kRecordAhead, n); ++i) {
      PrefetchRecord(index_->record(record_at(i)).person);
    }
    for (size_t i = 0; i < n; ++i) {
      if (i + kRecordAhead < n) PrefetchRecord(index_->record(record_at(i + kRecordAhead)).person);
      if (i + kFieldsAhead < n) {
        PrefetchHeldFields(index_->record(record_at(i + kFieldsAhead)).person);
      }
      use(i, matcher_->Score(person, index_->record(record_at(i)).person));
    }
  }

 private:
  const RecordIndex* const index_;      // Not owned.
  const RecordMatcher* const matcher_;  // Not owned.
  const size_t max_candidates_;
};

}  // namespace clientele::identity

#endif  // CLIENTELE_IDENTITY_RESOLUTION_CANDIDATE_SEARCH_H_
