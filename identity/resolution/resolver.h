// Incremental identity resolution over a KvStore (docs/identity.md, "Resolution contract").
//
// Each CustomerUpsert is resolved at once against what exists: its blocking keys give
// candidates, the matcher scores them, and the record joins the best linking profile (or
// starts a new one); when it links strongly to several profiles they merge, the older id
// surviving and the other one becoming its alias, unless a do-not-link constraint (left by a
// manual split), the profile size cap or a clearly disagreeing member pair forbids it. Orders and
// consent changes of unknown customers create a minimal record, so the profile map covers every
// customer. Manual MergeProfiles / SplitProfile are audited; the golden record and current consents
// derive from the member records.
//
// The hot indexes (records, blocking posting lists, profiles, aliases, do-not-link pairs,
// consents) live in memory and are rebuilt from the store by Open; every change also goes
// into a WriteBatch: the caller's for log entries (written with the consumer's progress), an
// own one for manual operations.
//
//   CLT_ASSIGN_OR_RETURN(auto resolver, Resolver::Open(store, std::move(matcher), {}));
//   resolver->BeginBatch();
//   absl::Status s = resolver->ApplyEvents(events, *batch);
//   if (s.ok()) resolver->FinishBatch(*batch);
//   s = s.ok() ? store->Write(*batch) : s;
//   if (s.ok()) resolver->CommitBatch(); else resolver->AbortBatch();
//
// Thread-safe. Log application is serialized: BeginBatch takes the write lock and holds it
// until CommitBatch / AbortBatch (same thread), so readers only see committed state. `store`
// must outlive the Resolver.
#ifndef CLIENTELE_IDENTITY_RESOLUTION_RESOLVER_H_
#define CLIENTELE_IDENTITY_RESOLUTION_RESOLVER_H_

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "clientele/common/v1/event.pb.h"
#include "clientele/identity/resolution/identity_state.pb.h"
#include "clientele/identity/v1/identity.pb.h"
#include "common/status/interrupt.h"
#include "common/storage/kv_store.h"
#include "google/protobuf/arena.h"
#include "identity/matching/person_record.h"
#include "identity/resolution/golden_record.h"
#include "identity/resolution/internal/blocking_index.h"
#include "identity/resolution/internal/chunked_vector.h"
#include "identity/resolution/internal/dense_id_map.h"
#include "identity/resolution/record_matcher.h"

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

// "P0000000042" <-> 42. ParseProfileId: InvalidArgument naming `field` for other text.
std::string ProfileIdString(uint64_t number);
absl::StatusOr<uint64_t> ParseProfileId(const std::string& id, const std::string& field);
// "system/id" of a SourceKey.
std::string SourceKeyString(const common::v1::SourceKey& key);

class Resolver {
 public:
  // Loads the state from `store` (not owned). `matcher` gets the persisted model, if any.
  static absl::StatusOr<std::unique_ptr<Resolver>> Open(storage::KvStore* store,
                                                        std::unique_ptr<RecordMatcher> matcher,
                                                        ResolverOptions options);
  ~Resolver();

  // ---- Log application (see the class comment for the protocol) ----
  void BeginBatch() ABSL_EXCLUSIVE_LOCK_FUNCTION(mu_);
  // Applies one event (CustomerUpsert, Order with a customer, ConsentChange; others are
  // ignored) to memory and `batch`. An error leaves memory inconsistent with the store:
  // the caller must AbortBatch.
  // `normalized`, if given, is FromCustomerUpsert of the event's upsert (used, and moved
  // from, when the record is new).
  absl::Status ApplyEvent(const common::v1::Event& event, storage::WriteBatch& batch,
                          PersonRecord* normalized = nullptr) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // ApplyEvent of each event in order, normalizing new records on two threads first.
  absl::Status ApplyEvents(absl::Span<const common::v1::Event* const> events,
                           storage::WriteBatch& batch) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // The same, with the events' upserts normalized already: `normalized[i]` is null or
  // NormalizeUpsert(*events[i]) (one per event; moved from when used). New records are
  // normalized on this thread when they have none.
  absl::Status ApplyEvents(absl::Span<const common::v1::Event* const> events,
                           absl::Span<PersonRecord* const> normalized, storage::WriteBatch& batch)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // FromCustomerUpsert of the event's upsert as the resolver would compute it for a new
  // record; nullopt for events that are not upserts with a source. Depends on the event and
  // the (immutable) options alone: thread-safe, no lock, may run while a batch is applied.
  std::optional<PersonRecord> NormalizeUpsert(const common::v1::Event& event) const;
  // Adds the records changed since the last FinishBatch, the model and the counters to
  // `batch`; call once before writing it.
  void FinishBatch(storage::WriteBatch& batch) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // The batch was written.
  void CommitBatch() ABSL_UNLOCK_FUNCTION(mu_);
  // The batch was not written: reloads memory from the store. Returns the reload's status
  // (on error the resolver keeps serving the state it had; nothing durable is lost).
  absl::Status AbortBatch() ABSL_UNLOCK_FUNCTION(mu_);

  // ---- Manual operations (audited, idempotent by key, written at once) ----
  // The older of the two survives. An operator's merge overrides (and removes) do-not-link
  // constraints between the two. InvalidArgument for missing fields or equal ids, NotFound for
  // unknown ids, FailedPrecondition if they are already one profile, InvalidArgument if the
  // idempotency key was used for a different request.
  absl::StatusOr<v1::MergeProfilesResponse> MergeProfiles(const v1::MergeProfilesRequest& request);
  // Moves request.records (members of the profile, not all of them) to a new profile and
  // records do-not-link pairs between moved and remaining records.
  absl::StatusOr<v1::SplitProfileResponse> SplitProfile(const v1::SplitProfileRequest& request);

  // ---- Queries (committed state) ----
  absl::StatusOr<v1::ResolveResponse> Resolve(const v1::ResolveRequest& request) const;
  absl::StatusOr<v1::GetProfileResponse> GetProfile(const v1::ProfileLookup& lookup) const;
  absl::StatusOr<v1::ListProfilesResponse> ListProfiles(
      const v1::ListProfilesRequest& request) const;
  absl::StatusOr<v1::ListMembersResponse> ListMembers(const v1::ListMembersRequest& request) const;
  absl::StatusOr<v1::GetAuditResponse> GetAudit(const v1::GetAuditRequest& request) const;
  absl::StatusOr<v1::ExplainMatchResponse> ExplainMatch(
      const v1::ExplainMatchRequest& request) const;
  absl::StatusOr<v1::GetConsentsResponse> GetConsents(const v1::ProfileLookup& lookup) const;
  // Scans profiles until a page is full; stops with interrupt.Check()'s status
  // (DeadlineExceeded, Cancelled) when the caller stops waiting.
  absl::StatusOr<v1::ListByConsentResponse> ListByConsent(
      const v1::ListByConsentRequest& request, const Interrupt& interrupt = NoInterrupt()) const;
  // Calls `emit` with chunks of at most `chunk` entries of the source key -> profile map (of
  // `system` only, unless empty), without holding the lock while `emit` runs. Stops early
  // when `emit` returns false.
  void ForEachProfileMapChunk(const std::string& system, size_t chunk,
                              const std::function<bool(v1::GetProfileMapResponse&)>& emit) const;

  // Counters, for tests and metrics.
  size_t record_count() const;
  size_t profile_count() const;
  uint64_t model_estimates() const;
  // Figures of the committed state that never wait for the lock (which log application holds
  // for a batch at a time), for metrics: records and profiles as of the last commit, and the
  // decisions committed since Open by audit action (automatic ones and manual operations).
  uint64_t committed_records() const { return committed_records_.load(std::memory_order_relaxed); }
  uint64_t committed_profiles() const {
    return committed_profiles_.load(std::memory_order_relaxed);
  }
  uint64_t committed_decisions(v1::AuditAction action) const {
    return action >= 0 && action < v1::AuditAction_ARRAYSIZE
               ? committed_decisions_[action].load(std::memory_order_relaxed)
               : 0;
  }

 private:
  struct RecordEntry {
    std::string key;  // "system/id"
    PersonRecord person;
    uint64_t profile = 0;
    std::vector<uint32_t> do_not_link;       // Record indexes.
    std::vector<v1::ConsentEvent> consents;  // Ledger order.
  };
  struct ProfileEntry {
    std::vector<uint32_t> members;
    absl::Time created_at;
    std::vector<uint64_t> aliases;
  };
  struct ScoredCandidate {
    uint32_t record;
    PairScore score;
  };
  // Buffers of candidate search, reused across records by the log application (which holds
  // the write lock) so that resolving a record allocates little.
  struct CandidateScratch {
    std::vector<const resolution_internal::BlockingIndex::Postings*> lists;
    // Dedupe: stamps[r] == stamp when record r was seen for the current record (dense, for
    // the writer), or `seen` (small, for queries).
    bool dense = false;
    std::vector<uint32_t> stamps;
    uint32_t stamp = 0;
    absl::flat_hash_set<uint32_t> seen;
    std::vector<ScoredCandidate> candidates;
    std::vector<std::pair<uint64_t, uint32_t>> by_profile;  // (profile, candidate position)
    std::vector<std::pair<uint64_t, ScoredCandidate>> ranked;
    std::vector<uint32_t> random_others;  // Records paired at random with a new one, for u.
  };

  Resolver(storage::KvStore* store, std::unique_ptr<RecordMatcher> matcher,
           ResolverOptions options);

  // resolver_state.cc: loading and in-memory bookkeeping.
  absl::Status Load() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void Clear() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::StatusOr<resolution::StoredRecord> LoadStoredRecord(uint32_t index) const
      ABSL_SHARED_LOCKS_REQUIRED(mu_);
  // The stored record of `index` for changing in the batch in progress: its pending_ entry,
  // else parsed from the store onto arena_ and entered in pending_.
  absl::StatusOr<resolution::StoredRecord*> PendingRecord(uint32_t index)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Enters `stored` (on arena_) as the pending stored record of `index`.
  void AddPending(uint32_t index, resolution::StoredRecord* stored)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // The pending record of `index` changed: PutChangedRecords writes it.
  void MarkChanged(uint32_t index) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Puts every record marked changed since the last call into `batch`, once each.
  void PutChangedRecords(storage::WriteBatch& batch) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Forgets the pending records (they are written, or memory is being reloaded).
  void ClearPending() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // What is in memory is committed: updates the committed_* figures.
  void PublishCommitted() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Moves record `index` to `profile` in memory and in its pending stored record.
  absl::Status SetRecordProfile(uint32_t index, uint64_t profile)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Resolves an alias to its survivor; 0 if `number` is neither a profile nor an alias.
  uint64_t Canonical(uint64_t number) const ABSL_SHARED_LOCKS_REQUIRED(mu_);
  absl::StatusOr<uint64_t> Lookup(const v1::ProfileLookup& lookup,
                                  std::vector<uint64_t>* others) const
      ABSL_SHARED_LOCKS_REQUIRED(mu_);
  void IndexContacts(uint32_t index, bool add) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  // resolver.cc: resolution.
  absl::Status ApplyUpsert(const common::v1::Event& event, storage::WriteBatch& batch,
                           PersonRecord* normalized) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::Status ApplyConsent(const common::v1::Event& event, storage::WriteBatch& batch)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // The index of `key`, creating a minimal record in a new profile if it is unknown.
  uint32_t EnsureRecord(const common::v1::SourceKey& key, absl::Time at, const std::string& why,
                        storage::WriteBatch& batch) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // `keys`: the person's blocking keys, if the caller has them already.
  std::vector<ScoredCandidate> Candidates(const PersonRecord& person, int64_t self,
                                          const std::vector<std::string>* keys = nullptr) const
      ABSL_SHARED_LOCKS_REQUIRED(mu_);
  // The same into scratch.candidates.
  void FindCandidates(const PersonRecord& person, int64_t self,
                      const std::vector<std::string>& keys, CandidateScratch& scratch) const
      ABSL_SHARED_LOCKS_REQUIRED(mu_);
  // Scores `person` against the records record_at(i), i < n, and passes each score to
  // use(i, score). Scoring many records is bound by cache misses (records are spread over the
  // heap): the record of i + 4 and the heap-held fields of i + 2 are fetched while i is scored.
  template <typename RecordAt, typename Use>
  void ScoreAhead(const PersonRecord& person, size_t n, RecordAt record_at, Use use) const
      ABSL_SHARED_LOCKS_REQUIRED(mu_) {
    constexpr size_t kRecordAhead = 4, kFieldsAhead = 2;
    for (size_t i = 0; i < std::min(kRecordAhead, n); ++i) {
      PrefetchRecord(records_[record_at(i)].person);
    }
    for (size_t i = 0; i < n; ++i) {
      if (i + kRecordAhead < n) PrefetchRecord(records_[record_at(i + kRecordAhead)].person);
      if (i + kFieldsAhead < n) PrefetchHeldFields(records_[record_at(i + kFieldsAhead)].person);
      use(i, matcher_->Score(person, records_[record_at(i)].person));
    }
  }
  uint64_t NewProfile(absl::Time at, storage::WriteBatch& batch) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Both fail only if a stored record to be moved cannot be read, and then before changing
  // anything (a caller that changed memory before must still reload).
  absl::Status MoveRecord(uint32_t index, uint64_t to) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Merges the younger of a, b into the older; returns the survivor.
  absl::StatusOr<uint64_t> MergeInto(uint64_t a, uint64_t b, storage::WriteBatch& batch)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  bool RecordMayJoin(uint32_t index, uint64_t profile) const ABSL_SHARED_LOCKS_REQUIRED(mu_);
  bool ProfilesMayMerge(uint64_t a, uint64_t b) const ABSL_SHARED_LOCKS_REQUIRED(mu_);
  // False if some pair of `persons` x members of `profile` disagrees clearly (conflict_weight).
  bool Compatible(const std::vector<const PersonRecord*>& persons, uint64_t profile) const
      ABSL_SHARED_LOCKS_REQUIRED(mu_);
  // Stores `entry` with the next audit id. With `pattern` (an automatic decision's scored
  // pair), its explanation is stored as that pattern and the current model's version, and
  // GetAudit expands it: a review's full explanation was most of the audit's bytes.
  void Audit(v1::AuditEntry& entry, storage::WriteBatch& batch,
             std::optional<uint64_t> pattern = std::nullopt) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void Audit(v1::AuditEntry&& entry, storage::WriteBatch& batch)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    Audit(entry, batch);
  }
  // The version of the matcher's current model; puts its snapshot into `batch` the first time.
  uint32_t ModelVersion(storage::WriteBatch& batch) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Sets the model versions after the model was loaded from the store.
  absl::Status LoadModelVersions() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // An empty audit entry on arena_ (log application only: freed when the batch ends).
  v1::AuditEntry& NewAudit() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void PutCounters(storage::WriteBatch& batch) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Idempotency: the stored response of `key` (kind 'M' merge, 'S' split), if any.
  absl::StatusOr<std::optional<std::string>> IdempotentResult(char kind, const std::string& key,
                                                              const std::string& fingerprint) const
      ABSL_SHARED_LOCKS_REQUIRED(mu_);
  // The best-scoring pair of a x b (each capped), as indexes into a and b.
  std::pair<size_t, size_t> BestPair(const std::vector<const PersonRecord*>& a,
                                     const std::vector<const PersonRecord*>& b) const;
  std::vector<const PersonRecord*> MemberPersons(uint64_t profile, size_t cap) const
      ABSL_SHARED_LOCKS_REQUIRED(mu_);
  void ObservePattern(uint64_t pattern) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::Status MaybeReestimate() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  storage::KvStore* const store_;  // Not owned.
  const ResolverOptions options_;
  const std::unique_ptr<RecordMatcher> matcher_;  // Estimate under the write lock.

  mutable absl::Mutex mu_;
  // Appending never moves the entries (see ChunkedVector).
  resolution_internal::ChunkedVector<RecordEntry> records_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, uint32_t> record_index_ ABSL_GUARDED_BY(mu_);
  resolution_internal::BlockingIndex blocks_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, std::vector<uint32_t>> by_email_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, std::vector<uint32_t>> by_phone_ ABSL_GUARDED_BY(mu_);
  // By number (dense: NewProfile counts up): one index per lookup, ordered for paging.
  resolution_internal::DenseIdMap<ProfileEntry> profiles_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<uint64_t, uint64_t> aliases_ ABSL_GUARDED_BY(mu_);  // -> survivor
  CandidateScratch scratch_ ABSL_GUARDED_BY(mu_);                         // Of ApplyUpsert.
  // Log application allocates its per-record protos (stored records, audit entries) here;
  // reset when the batch commits or aborts.
  google::protobuf::Arena arena_ ABSL_GUARDED_BY(mu_);
  std::string serialized_ ABSL_GUARDED_BY(mu_);  // Serialization buffer, reused.
  // Stored records read or changed since the last commit (on arena_): the newest state of
  // each, which may not be in the store yet (log application writes batch N while it applies
  // N + 1). `changed` records are put into the next FinishBatch's batch.
  struct PendingRecordEntry {
    resolution::StoredRecord* stored = nullptr;
    bool changed = false;
  };
  absl::flat_hash_map<uint32_t, PendingRecordEntry> pending_ ABSL_GUARDED_BY(mu_);
  std::vector<uint32_t> changed_records_ ABSL_GUARDED_BY(mu_);  // Marked since the last put.
  absl::flat_hash_map<uint64_t, uint64_t> pattern_counts_ ABSL_GUARDED_BY(mu_);  // Candidates.
  absl::flat_hash_map<uint64_t, uint64_t> random_counts_ ABSL_GUARDED_BY(mu_);
  uint64_t records_at_last_estimate_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t estimates_ ABSL_GUARDED_BY(mu_) = 0;
  bool model_dirty_ ABSL_GUARDED_BY(mu_) = false;      // Statistics not yet written.
  bool model_estimated_ ABSL_GUARDED_BY(mu_) = false;  // A new estimate not yet written.
  bool model_in_batch_ ABSL_GUARDED_BY(mu_) = false;   // FinishBatch wrote the model.
  int batches_since_model_write_ ABSL_GUARDED_BY(mu_) = 0;
  // Model snapshots ("em/<version>" in the model family) that audit entries refer to: the
  // current model's version (0: not stored yet) and the highest version stored.
  uint32_t model_version_ ABSL_GUARDED_BY(mu_) = 0;
  uint32_t last_model_version_ ABSL_GUARDED_BY(mu_) = 0;
  bool needs_reload_ ABSL_GUARDED_BY(mu_) = false;  // A reload after an abort failed.
  uint64_t next_profile_ ABSL_GUARDED_BY(mu_) = 1;
  uint64_t next_audit_ ABSL_GUARDED_BY(mu_) = 1;
  uint64_t next_consent_ ABSL_GUARDED_BY(mu_) = 1;
  // Audit entries by action since the last commit; PublishCommitted adds them to
  // committed_decisions_, Clear (a reload) drops them.
  std::array<uint64_t, v1::AuditAction_ARRAYSIZE> pending_decisions_ ABSL_GUARDED_BY(mu_) = {};
  std::array<std::atomic<uint64_t>, v1::AuditAction_ARRAYSIZE> committed_decisions_ = {};
  std::atomic<uint64_t> committed_records_{0};
  std::atomic<uint64_t> committed_profiles_{0};
};

}  // namespace clientele::identity

#endif  // CLIENTELE_IDENTITY_RESOLUTION_RESOLVER_H_
