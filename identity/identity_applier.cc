#include "identity/identity_applier.h"

#include <chrono>
#include <optional>

#include "absl/container/flat_hash_map.h"

namespace clientele::identity {
namespace {

// Whether this (partition) thread holds the resolver's write lock between Apply and
// OnCommitted / OnWriteFailed. LogConsumer calls all three on the partition's thread.
thread_local bool t_holding_batch = false;

// The upserts of a response, normalized, by event.
class NormalizedUpserts final : public log::LogApplier::Prepared {
 public:
  absl::flat_hash_map<const common::v1::Event*, PersonRecord> by_event;
};

}  // namespace

std::vector<common::v1::PayloadType> IdentityApplier::PayloadTypes() const {
  return {common::v1::PAYLOAD_TYPE_CUSTOMER_UPSERT, common::v1::PAYLOAD_TYPE_ORDER,
          common::v1::PAYLOAD_TYPE_CONSENT_CHANGE};
}

absl::Status IdentityApplier::Apply(uint32_t /*partition*/,
                                    absl::Span<const ingest::v1::LogEntry* const> entries,
                                    storage::WriteBatch& batch) {
  if (!t_holding_batch) {
    resolver_->BeginBatch();
    t_holding_batch = true;
  }
  std::vector<const common::v1::Event*> events;
  events.reserve(entries.size());
  for (const ingest::v1::LogEntry* entry : entries) events.push_back(&entry->event());
  const auto start = std::chrono::steady_clock::now();
  absl::Status s = resolver_->ApplyEvents(events, batch);
  if (!s.ok()) return s;  // OnWriteFailed follows and undoes the batch.
  resolver_->FinishBatch(batch);
  ObserveApply(start);
  return absl::OkStatus();
}

std::unique_ptr<log::LogApplier::Prepared> IdentityApplier::Prepare(
    uint32_t /*partition*/, absl::Span<const ingest::v1::LogEntry* const> entries) const {
  auto prepared = std::make_unique<NormalizedUpserts>();
  prepared->by_event.reserve(entries.size());
  for (const ingest::v1::LogEntry* entry : entries) {
    std::optional<PersonRecord> person = resolver_->NormalizeUpsert(entry->event());
    if (person.has_value()) prepared->by_event.emplace(&entry->event(), *std::move(person));
  }
  return prepared;
}

absl::Status IdentityApplier::ApplyPrepared(uint32_t partition,
                                            absl::Span<const ingest::v1::LogEntry* const> entries,
                                            Prepared* prepared, storage::WriteBatch& batch) {
  auto* normalized = dynamic_cast<NormalizedUpserts*>(prepared);
  if (normalized == nullptr) return Apply(partition, entries, batch);
  if (!t_holding_batch) {
    resolver_->BeginBatch();
    t_holding_batch = true;
  }
  std::vector<const common::v1::Event*> events;
  std::vector<PersonRecord*> persons;
  events.reserve(entries.size());
  persons.reserve(entries.size());
  for (const ingest::v1::LogEntry* entry : entries) {
    events.push_back(&entry->event());
    auto it = normalized->by_event.find(&entry->event());
    persons.push_back(it == normalized->by_event.end() ? nullptr : &it->second);
  }
  const auto start = std::chrono::steady_clock::now();
  absl::Status s = resolver_->ApplyEvents(events, persons, batch);
  if (!s.ok()) return s;  // OnWriteFailed follows and undoes the batch.
  resolver_->FinishBatch(batch);
  ObserveApply(start);
  return absl::OkStatus();
}

void IdentityApplier::ObserveApply(std::chrono::steady_clock::time_point start) {
  if (apply_seconds_ == nullptr) return;
  const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
  apply_seconds_->Observe(elapsed.count());
}

void IdentityApplier::OnCommitted(uint32_t /*partition*/, uint64_t /*through_sequence*/) {
  if (!t_holding_batch) return;  // A batch with no entries for us.
  t_holding_batch = false;
  resolver_->CommitBatch();
}

void IdentityApplier::OnWriteFailed(uint32_t /*partition*/) {
  if (!t_holding_batch) return;
  t_holding_batch = false;
  (void)resolver_->AbortBatch();  // On error the resolver reloads again before the next event.
}

}  // namespace clientele::identity
