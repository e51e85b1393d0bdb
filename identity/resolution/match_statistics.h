// MatchStatistics: the EM statistics of the matcher's model and the model's persistence.
//
// Counts the comparison patterns of candidate pairs (of each record's first upsert) and of
// pseudo-random record pairs (nearly all non-matches, for the u probabilities). With
// `reestimate`, MaybeReestimate re-estimates the matcher's model from them when the record
// count reaches first_estimate_records, then each time it has doubled since the last estimate.
// Audit entries of automatic decisions refer to the model by version: ModelVersion snapshots
// the current model ("em/<version>" in the model family, never rewritten) the first time an
// entry needs it after a change.
//
// Stored form: model "em" -> StoredModel (the model, both histograms, the estimate schedule),
// put by PutIfDue every 32 batches while only the counts changed, at once after an estimate.
//
//   statistics.ObserveCandidate(score.pattern);
//   CLT_RETURN_IF_ERROR(statistics.MaybeReestimate(index.record_count()));
//   statistics.PutIfDue(batch);  // In FinishBatch; Committed() once the batch is written.
//
// Changes the matcher (not owned; outlives this object) only in MaybeReestimate and Load. Not
// thread-safe: the Resolver calls it under its write lock (estimates() under the reader lock).
#ifndef CLIENTELE_IDENTITY_RESOLUTION_MATCH_STATISTICS_H_
#define CLIENTELE_IDENTITY_RESOLUTION_MATCH_STATISTICS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "common/storage/kv_store.h"
#include "identity/resolution/record_matcher.h"
#include "identity/resolution/resolver_options.h"

namespace clientele::identity {

class MatchStatistics {
 public:
  MatchStatistics(RecordMatcher* matcher, const ResolverOptions& options)
      : matcher_(matcher),
        reestimate_(options.reestimate),
        first_estimate_records_(options.first_estimate_records),
        random_pairs_per_record_(options.random_pairs_per_record) {}
  MatchStatistics(const MatchStatistics&) = delete;
  MatchStatistics& operator=(const MatchStatistics&) = delete;

  // Whether random pairs are compared for each new record (only with `reestimate`).
  bool samples_random_pairs() const { return reestimate_; }
  // The records paired at random with new record `self` (of `record_count`), chosen from
  // its source key `key` (the same pairs in every run); into `others`.
  void RandomPartners(const std::string& key, uint32_t self, size_t record_count,
                      std::vector<uint32_t>& others) const;

  void ObserveCandidate(uint64_t pattern) {
    ++pattern_counts_[pattern];
    dirty_ = true;
  }
  void ObserveRandom(uint64_t pattern) { ++random_counts_[pattern]; }
  // Re-estimates the model if it is due at `record_count` records (see the file comment). A
  // failed estimate keeps the previous parameters and is retried at the next doubling.
  absl::Status MaybeReestimate(uint64_t record_count);

  // The version of the matcher's current model; puts its snapshot into `batch` the first time.
  uint32_t ModelVersion(storage::WriteBatch& batch);

  // Once per batch: puts the statistics into `batch` when due (see the file comment).
  void PutIfDue(storage::WriteBatch& batch);
  // The batch of the last PutIfDue was written.
  void Committed();

  uint64_t estimates() const { return estimates_; }
  const absl::flat_hash_map<uint64_t, uint64_t>& pattern_counts() const { return pattern_counts_; }
  const absl::flat_hash_map<uint64_t, uint64_t>& random_counts() const { return random_counts_; }

  void Clear();
  // Clears, then loads the statistics and the model (into the matcher) and the latest snapshot
  // version. DataLoss if they do not parse.
  absl::Status Load(storage::KvStore& store);

 private:
  RecordMatcher* const matcher_;  // Not owned.
  const bool reestimate_;
  const uint64_t first_estimate_records_;
  const size_t random_pairs_per_record_;

  absl::flat_hash_map<uint64_t, uint64_t> pattern_counts_;  // Candidate pairs.
  absl::flat_hash_map<uint64_t, uint64_t> random_counts_;
  uint64_t records_at_last_estimate_ = 0;
  uint64_t estimates_ = 0;
  bool dirty_ = false;      // Statistics not yet written.
  bool estimated_ = false;  // A new estimate not yet written.
  bool in_batch_ = false;   // PutIfDue wrote the model.
  int batches_since_write_ = 0;
  // Model snapshots that audit entries refer to: the current model's version (0: not stored
  // yet) and the highest version stored.
  uint32_t model_version_ = 0;
  uint32_t last_model_version_ = 0;
};

}  // namespace clientele::identity

#endif  // CLIENTELE_IDENTITY_RESOLUTION_MATCH_STATISTICS_H_
