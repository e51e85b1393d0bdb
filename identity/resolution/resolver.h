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
// The Resolver is a façade over its parts (each in its own file, see docs/identity.md,
// "Resolution as built"): RecordIndex (records and profiles in memory), CandidateSearch,
// LinkPolicy (merge rules and do-not-link vetoes), ProfileWriter, PendingRecords, AuditLog,
// MatchStatistics (EM), RecordResolution (one log event), ProfileQueries and ManualOperations.
// It owns them, holds the lock that guards them, and keeps the batch protocol below.
//
// The hot indexes live in memory and are rebuilt from the store by Open; every change also goes
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

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/types/span.h"
#include "clientele/common/v1/event.pb.h"
#include "clientele/identity/v1/identity.pb.h"
#include "common/status/interrupt.h"
#include "common/storage/kv_store.h"
#include "google/protobuf/arena.h"
#include "identity/matching/person_record.h"
#include "identity/resolution/audit_log.h"
#include "identity/resolution/candidate_search.h"
#include "identity/resolution/link_policy.h"
#include "identity/resolution/manual_operations.h"
#include "identity/resolution/match_statistics.h"
#include "identity/resolution/pending_records.h"
#include "identity/resolution/profile_id.h"
#include "identity/resolution/profile_queries.h"
#include "identity/resolution/profile_writer.h"
#include "identity/resolution/record_index.h"
#include "identity/resolution/record_matcher.h"
#include "identity/resolution/record_resolution.h"
#include "identity/resolution/resolver_options.h"

namespace clientele::identity {

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

  // ---- Changes outside the log (erasure, identity/privacy/) ----
  // Runs `change` under the write lock (no batch, query or manual operation runs meanwhile)
  // with the committed in-memory index to read; `change` writes `store` itself and returns
  // whether it wrote anything. Unless it returned false, then reloads every part from the
  // store (blocking index, contact maps, do-not-link constraints, consents, statistics), also
  // after an error, and returns `change`'s status, or the reload's if that failed (the next
  // call reloads again).
  absl::Status ChangeStoreExclusively(
      const std::function<absl::StatusOr<bool>(const RecordIndex& index)>& change);

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
  Resolver(storage::KvStore* store, std::unique_ptr<RecordMatcher> matcher,
           ResolverOptions options);

  // Clears every part and loads them from the store.
  absl::Status Load() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Load, if an earlier reload failed.
  absl::Status ReloadIfNeeded() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // What is in memory is committed: updates the committed_* figures.
  void PublishCommitted() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Puts the id counters (meta next_profile, next_audit, next_consent) into `batch`.
  void PutCounters(storage::WriteBatch& batch) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  storage::KvStore* const store_;  // Not owned.
  const ResolverOptions options_;
  const std::unique_ptr<RecordMatcher> matcher_;  // Estimate under the write lock.

  mutable absl::Mutex mu_;
  // Log application allocates its per-record protos (stored records, audit entries) here;
  // reset when the batch commits or aborts (PendingRecords::Clear).
  google::protobuf::Arena arena_ ABSL_GUARDED_BY(mu_);
  // The parts, in dependency order (each refers to earlier ones).
  RecordIndex index_ ABSL_GUARDED_BY(mu_);
  PendingRecords pending_ ABSL_GUARDED_BY(mu_);
  ProfileWriter writer_ ABSL_GUARDED_BY(mu_);
  CandidateSearch search_ ABSL_GUARDED_BY(mu_);
  LinkPolicy policy_ ABSL_GUARDED_BY(mu_);
  AuditLog audit_ ABSL_GUARDED_BY(mu_);
  MatchStatistics statistics_ ABSL_GUARDED_BY(mu_);
  RecordResolution resolution_ ABSL_GUARDED_BY(mu_);
  ProfileQueries queries_ ABSL_GUARDED_BY(mu_);
  ManualOperations manual_ ABSL_GUARDED_BY(mu_);
  bool needs_reload_ ABSL_GUARDED_BY(mu_) = false;  // A reload after an abort failed.
  std::array<std::atomic<uint64_t>, v1::AuditAction_ARRAYSIZE> committed_decisions_ = {};
  std::atomic<uint64_t> committed_records_{0};
  std::atomic<uint64_t> committed_profiles_{0};
};

}  // namespace clientele::identity

#endif  // CLIENTELE_IDENTITY_RESOLUTION_RESOLVER_H_
