// RecordResolution: applies one log event to the resolution state, the step that the
// Resolver's batch protocol repeats.
//
// - CustomerUpsert: the fields are laid over the record's stored raw record (a field set by a
//   later event keeps its value), the record is normalized and re-indexed, and, if it is in no
//   profile yet, it joins the best linking candidate's profile that the link policy allows, or
//   a new one. Every other profile it links to merges with its own unless the policy vetoes
//   it (audited as MERGE_BLOCKED); the best candidate between the review and link thresholds
//   is audited as REVIEW. The first upsert of a record feeds the match statistics.
// - Order with a customer: creates a minimal record in a new profile if the customer is
//   unknown, so the profile map covers every customer.
// - ConsentChange: the same for an unknown record, then appends the event to the record's
//   consent ledger (consents [source key][0x00][u64 ledger id] -> v1::ConsentEvent).
//
// Changes memory and puts the stored forms into the caller's batch (records through
// PendingRecords, at FinishBatch). An error leaves memory inconsistent with the store: the
// Resolver reloads. All parts are not owned and outlive this object. Not thread-safe: the
// Resolver calls it under its write lock.
#ifndef CLIENTELE_IDENTITY_RESOLUTION_RECORD_RESOLUTION_H_
#define CLIENTELE_IDENTITY_RESOLUTION_RECORD_RESOLUTION_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "clientele/common/v1/event.pb.h"
#include "common/storage/kv_store.h"
#include "identity/matching/person_record.h"
#include "identity/resolution/audit_log.h"
#include "identity/resolution/candidate_search.h"
#include "identity/resolution/link_policy.h"
#include "identity/resolution/match_statistics.h"
#include "identity/resolution/pending_records.h"
#include "identity/resolution/profile_writer.h"
#include "identity/resolution/record_index.h"
#include "identity/resolution/record_matcher.h"
#include "identity/resolution/resolver_options.h"

namespace clientele::identity {

// The parts a RecordResolution works with (none owned).
struct ResolutionParts {
  RecordIndex* index;
  PendingRecords* pending;
  ProfileWriter* writer;
  const CandidateSearch* search;
  const LinkPolicy* policy;
  AuditLog* audit;
  MatchStatistics* statistics;
  const RecordMatcher* matcher;
};

class RecordResolution {
 public:
  RecordResolution(ResolutionParts parts, const NormalizationOptions& normalization)
      : parts_(parts), normalization_(normalization) {}
  RecordResolution(const RecordResolution&) = delete;
  RecordResolution& operator=(const RecordResolution&) = delete;

  // Applies `event` (others than the three kinds above are ignored). `normalized`, if given,
  // is FromCustomerUpsert of the event's upsert (used, and moved from, when the record is new).
  absl::Status Apply(const common::v1::Event& event, storage::WriteBatch& batch,
                     PersonRecord* normalized);

  // The ledger id the next consent event gets (meta "next_consent").
  uint64_t next_consent() const { return next_consent_; }
  void set_next_consent(uint64_t next) { next_consent_ = next; }
  // Loads every record's consent ledger into the index. REQUIRES: the index is freshly loaded
  // (its records hold no consents).
  // DataLoss for an event that does not parse or names an unknown record.
  absl::Status LoadConsents(storage::KvStore& store);

 private:
  absl::Status ApplyUpsert(const common::v1::Event& event, storage::WriteBatch& batch,
                           PersonRecord* normalized);
  absl::Status ApplyConsent(const common::v1::Event& event, storage::WriteBatch& batch);
  // The index of `key`, creating a minimal record in a new profile if it is unknown.
  uint32_t EnsureRecord(const common::v1::SourceKey& key, absl::Time at, const std::string& why,
                        storage::WriteBatch& batch);

  const ResolutionParts parts_;
  const NormalizationOptions& normalization_;  // The Resolver's options.
  CandidateScratch scratch_;                   // Reused across records.
  std::vector<uint32_t> random_others_;        // Records paired at random with a new one.
  uint64_t next_consent_ = 1;
};

}  // namespace clientele::identity

#endif  // CLIENTELE_IDENTITY_RESOLUTION_RECORD_RESOLUTION_H_
