// Resolver: the façade. Owns the parts, guards them with one lock, and keeps the batch
// protocol; the work is in the parts.
#include "identity/resolution/resolver.h"

#include <optional>
#include <thread>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/status/status_macros.h"
#include "common/storage/key_encoding.h"
#include "identity/resolution/identity_schema.h"

namespace clientele::identity {
namespace {

google::protobuf::ArenaOptions BatchArenaOptions() {
  google::protobuf::ArenaOptions o;
  o.start_block_size = 64 << 10;  // A batch of records takes megabytes: few, larger blocks.
  o.max_block_size = 64 << 10;
  return o;
}

}  // namespace

Resolver::Resolver(storage::KvStore* store, std::unique_ptr<RecordMatcher> matcher,
                   ResolverOptions options)
    : store_(store),
      options_(std::move(options)),
      matcher_(std::move(matcher)),
      arena_(BatchArenaOptions()),
      pending_(store_, &index_, &arena_),
      writer_(&index_, &pending_),
      search_(&index_, matcher_.get(), options_.max_candidates),
      policy_(&index_, matcher_.get(), options_),
      audit_(store_, matcher_.get(), &arena_),
      statistics_(matcher_.get(), options_),
      resolution_(
          {&index_, &pending_, &writer_, &search_, &policy_, &audit_, &statistics_, matcher_.get()},
          options_.normalization),
      queries_(&index_, &pending_, &search_, matcher_.get(), &options_),
      manual_({store_, &index_, &pending_, &writer_, &policy_, &audit_, matcher_.get(), &options_,
               [this](storage::WriteBatch& batch)
                   ABSL_NO_THREAD_SAFETY_ANALYSIS { PutCounters(batch); }}) {}

Resolver::~Resolver() = default;

absl::StatusOr<std::unique_ptr<Resolver>> Resolver::Open(storage::KvStore* store,
                                                         std::unique_ptr<RecordMatcher> matcher,
                                                         ResolverOptions options) {
  if (matcher == nullptr) return absl::InvalidArgumentError("matcher is required");
  std::unique_ptr<Resolver> resolver(new Resolver(store, std::move(matcher), std::move(options)));
  absl::MutexLock l(&resolver->mu_);
  CLT_RETURN_IF_ERROR(resolver->Load());
  resolver->PublishCommitted();
  return resolver;
}

absl::Status Resolver::Load() {
  pending_.Clear();
  audit_.ClearDecisionCounts();
  policy_.Clear();
  statistics_.Clear();
  audit_.set_next_id(1);
  resolution_.set_next_consent(1);
  // Records, profiles, aliases, blocking index; then the parts that refer to records.
  CLT_RETURN_IF_ERROR(index_.Load(*store_, *matcher_));
  CLT_RETURN_IF_ERROR(policy_.Load(*store_));
  CLT_RETURN_IF_ERROR(resolution_.LoadConsents(*store_));
  for (auto [name, set] :
       {std::pair<const char*, std::function<void(uint64_t)>>{
            "next_profile", [&](uint64_t v) { index_.set_next_profile(v); }},
        {"next_audit", [&](uint64_t v) { audit_.set_next_id(v); }},
        {"next_consent", [&](uint64_t v) { resolution_.set_next_consent(v); }}}) {
    CLT_ASSIGN_OR_RETURN(std::optional<std::string> v, store_->Get(kMetaCf, name));
    if (v.has_value()) {
      if (v->size() != 8) return CorruptIdentityStore(absl::StrCat("bad counter ", name));
      set(storage::DecodeUint64(*v));
    }
  }
  return statistics_.Load(*store_);
}

absl::Status Resolver::ReloadIfNeeded() {
  if (needs_reload_) {
    CLT_RETURN_IF_ERROR(Load());
    needs_reload_ = false;
  }
  return absl::OkStatus();
}

void Resolver::PublishCommitted() {
  const std::array<uint64_t, v1::AuditAction_ARRAYSIZE> decisions = audit_.TakeDecisionCounts();
  for (size_t i = 0; i < decisions.size(); ++i) {
    if (decisions[i] != 0) {
      committed_decisions_[i].fetch_add(decisions[i], std::memory_order_relaxed);
    }
  }
  committed_records_.store(index_.record_count(), std::memory_order_relaxed);
  committed_profiles_.store(index_.profile_count(), std::memory_order_relaxed);
}

void Resolver::PutCounters(storage::WriteBatch& batch) {
  batch.Put(kMetaCf, "next_profile", storage::EncodeUint64(index_.next_profile()));
  batch.Put(kMetaCf, "next_audit", storage::EncodeUint64(audit_.next_id()));
  batch.Put(kMetaCf, "next_consent", storage::EncodeUint64(resolution_.next_consent()));
}

// ---------------------------------------------------------------------------------------------
// Log application.

void Resolver::BeginBatch() { mu_.Lock(); }

void Resolver::CommitBatch() {
  PublishCommitted();
  pending_.Clear();
  statistics_.Committed();
  mu_.Unlock();
}

absl::Status Resolver::AbortBatch() {
  absl::Status s = Load();
  needs_reload_ = !s.ok();
  mu_.Unlock();
  return s;
}

absl::Status Resolver::ApplyEvent(const common::v1::Event& event, storage::WriteBatch& batch,
                                  PersonRecord* normalized) {
  CLT_RETURN_IF_ERROR(ReloadIfNeeded());
  return resolution_.Apply(event, batch, normalized);
}

absl::Status Resolver::ApplyEvents(absl::Span<const common::v1::Event* const> events,
                                   storage::WriteBatch& batch) {
  // The PersonRecord of a record that is new and upserted once in this batch depends on its
  // event only: normalize those (ICU, libphonenumber: a third of the work) on two threads.
  std::vector<std::optional<PersonRecord>> normalized(events.size());
  {
    absl::flat_hash_map<std::string, int> seen;
    std::vector<size_t> todo;
    for (size_t i = 0; i < events.size(); ++i) {
      if (!events[i]->has_customer_upsert()) continue;
      std::string key = SourceKeyString(events[i]->source());
      if (++seen[key] == 1 && !index_.HasRecord(key)) todo.push_back(i);
    }
    auto work = [&](size_t from, size_t to) {
      for (size_t t = from; t < to; ++t) {
        const size_t i = todo[t];
        if (seen.find(SourceKeyString(events[i]->source()))->second != 1) continue;
        normalized[i] = FromCustomerUpsert(SourceKeyString(events[i]->source()),
                                           events[i]->customer_upsert(), options_.normalization);
      }
    };
    if (todo.size() >= 64) {
      std::thread helper(work, todo.size() / 2, todo.size());
      work(0, todo.size() / 2);
      helper.join();
    } else {
      work(0, todo.size());
    }
  }
  for (size_t i = 0; i < events.size(); ++i) {
    CLT_RETURN_IF_ERROR(
        ApplyEvent(*events[i], batch, normalized[i].has_value() ? &*normalized[i] : nullptr));
  }
  return absl::OkStatus();
}

std::optional<PersonRecord> Resolver::NormalizeUpsert(const common::v1::Event& event) const {
  if (!event.has_customer_upsert() || event.source().system().empty() ||
      event.source().id().empty()) {
    return std::nullopt;
  }
  return FromCustomerUpsert(SourceKeyString(event.source()), event.customer_upsert(),
                            options_.normalization);
}

absl::Status Resolver::ApplyEvents(absl::Span<const common::v1::Event* const> events,
                                   absl::Span<PersonRecord* const> normalized,
                                   storage::WriteBatch& batch) {
  if (normalized.size() != events.size()) {
    return absl::InternalError("ApplyEvents: one normalized record per event expected");
  }
  // As above: a prepared record stands for a record that is new and upserted once here.
  absl::flat_hash_map<std::string, int> seen;
  std::vector<std::string> keys(events.size());
  for (size_t i = 0; i < events.size(); ++i) {
    if (!events[i]->has_customer_upsert()) continue;
    keys[i] = SourceKeyString(events[i]->source());
    ++seen[keys[i]];
  }
  for (size_t i = 0; i < events.size(); ++i) {
    // The record index is far larger than the cache: start fetching a later event's slot.
    constexpr size_t kAhead = 2;
    if (i + kAhead < events.size() && !keys[i + kAhead].empty()) {
      index_.PrefetchKey(keys[i + kAhead]);
    }
    PersonRecord* person = nullptr;
    if (normalized[i] != nullptr && seen[keys[i]] == 1) person = normalized[i];
    CLT_RETURN_IF_ERROR(ApplyEvent(*events[i], batch, person));
  }
  return absl::OkStatus();
}

void Resolver::FinishBatch(storage::WriteBatch& batch) {
  pending_.PutChanged(batch);
  PutCounters(batch);
  statistics_.PutIfDue(batch);
}

// ---------------------------------------------------------------------------------------------
// Manual operations.

absl::StatusOr<v1::MergeProfilesResponse> Resolver::MergeProfiles(
    const v1::MergeProfilesRequest& request) {
  CLT_ASSIGN_OR_RETURN(ManualOperations::Checked checked, ManualOperations::Check(request));
  absl::MutexLock l(&mu_);
  CLT_RETURN_IF_ERROR(ReloadIfNeeded());
  bool reload = false;
  absl::StatusOr<v1::MergeProfilesResponse> response = manual_.Merge(request, checked, &reload);
  if (reload) needs_reload_ = !Load().ok();
  if (response.ok()) PublishCommitted();
  return response;
}

absl::StatusOr<v1::SplitProfileResponse> Resolver::SplitProfile(
    const v1::SplitProfileRequest& request) {
  CLT_ASSIGN_OR_RETURN(ManualOperations::Checked checked, ManualOperations::Check(request));
  absl::MutexLock l(&mu_);
  CLT_RETURN_IF_ERROR(ReloadIfNeeded());
  bool reload = false;
  absl::StatusOr<v1::SplitProfileResponse> response = manual_.Split(request, checked, &reload);
  if (reload) needs_reload_ = !Load().ok();
  if (response.ok()) PublishCommitted();
  return response;
}

absl::Status Resolver::ChangeStoreExclusively(
    const std::function<absl::StatusOr<bool>(const RecordIndex& index)>& change) {
  absl::MutexLock l(&mu_);
  CLT_RETURN_IF_ERROR(ReloadIfNeeded());
  absl::StatusOr<bool> changed = change(index_);
  if (changed.ok() && !*changed) return absl::OkStatus();
  absl::Status reloaded = Load();
  needs_reload_ = !reloaded.ok();
  if (reloaded.ok()) PublishCommitted();
  return changed.ok() ? reloaded : changed.status();
}

absl::StatusOr<v1::ExplainMatchResponse> Resolver::ExplainMatch(
    const v1::ExplainMatchRequest& request) const {
  absl::ReaderMutexLock l(&mu_);
  return manual_.Explain(request);
}

// ---------------------------------------------------------------------------------------------
// Queries.

absl::StatusOr<v1::ResolveResponse> Resolver::Resolve(const v1::ResolveRequest& request) const {
  // Normalizing (ICU, libphonenumber) needs no lock: do it before taking it.
  CLT_ASSIGN_OR_RETURN(ResolveSubject subject,
                       ProfileQueries::ResolveSubjectOf(request, options_.normalization));
  absl::ReaderMutexLock l(&mu_);
  return queries_.Resolve(subject);
}

absl::StatusOr<v1::GetProfileResponse> Resolver::GetProfile(const v1::ProfileLookup& lookup) const {
  absl::ReaderMutexLock l(&mu_);
  return queries_.GetProfile(lookup);
}

absl::StatusOr<v1::ListProfilesResponse> Resolver::ListProfiles(
    const v1::ListProfilesRequest& request) const {
  absl::ReaderMutexLock l(&mu_);
  return queries_.ListProfiles(request);
}

absl::StatusOr<v1::ListMembersResponse> Resolver::ListMembers(
    const v1::ListMembersRequest& request) const {
  absl::ReaderMutexLock l(&mu_);
  return queries_.ListMembers(request);
}

absl::StatusOr<v1::GetAuditResponse> Resolver::GetAudit(const v1::GetAuditRequest& request) const {
  CLT_ASSIGN_OR_RETURN(uint64_t number, ParseProfileId(request.profile_id(), "profile_id"));
  CLT_ASSIGN_OR_RETURN(int page_size, ProfileQueries::PageSize(request.page_size()));
  uint64_t from = 0;
  if (!request.page_token().empty() && !absl::SimpleAtoi(request.page_token(), &from)) {
    return absl::InvalidArgumentError(
        absl::StrCat("page_token: '", request.page_token(), "' is not valid"));
  }
  std::vector<uint64_t> profiles;
  {
    absl::ReaderMutexLock l(&mu_);
    CLT_ASSIGN_OR_RETURN(profiles, queries_.ProfileAndAliases(request.profile_id(), number));
  }
  // Audit entries are never rewritten: read them without the lock.
  return audit_.Read(profiles, from, page_size);
}

absl::StatusOr<v1::GetConsentsResponse> Resolver::GetConsents(
    const v1::ProfileLookup& lookup) const {
  absl::ReaderMutexLock l(&mu_);
  return queries_.GetConsents(lookup);
}

absl::StatusOr<v1::ListByConsentResponse> Resolver::ListByConsent(
    const v1::ListByConsentRequest& request, const Interrupt& interrupt) const {
  absl::ReaderMutexLock l(&mu_);
  return queries_.ListByConsent(request, interrupt);
}

void Resolver::ForEachProfileMapChunk(
    const std::string& system, size_t chunk,
    const std::function<bool(v1::GetProfileMapResponse&)>& emit) const {
  const std::string prefix = system.empty() ? "" : system + "/";
  size_t next = 0;
  while (true) {
    v1::GetProfileMapResponse response;
    {
      absl::ReaderMutexLock l(&mu_);
      queries_.ProfileMapChunk(prefix, chunk, &next, response);
    }
    if (response.entries_size() == 0) return;
    if (!emit(response)) return;
  }
}

size_t Resolver::record_count() const {
  absl::ReaderMutexLock l(&mu_);
  return index_.record_count();
}

size_t Resolver::profile_count() const {
  absl::ReaderMutexLock l(&mu_);
  return index_.profile_count();
}

uint64_t Resolver::model_estimates() const {
  absl::ReaderMutexLock l(&mu_);
  return statistics_.estimates();
}

}  // namespace clientele::identity
