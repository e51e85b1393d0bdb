#include "ingest/retention/retention_sweeper.h"

#include <algorithm>
#include <optional>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "ingest/retention/entry_ingested_at.h"
#include "spdlog/spdlog.h"

namespace clientele::ingest {
namespace {

constexpr char kRemovedMetric[] = "clientele_ingest_log_retention_removed_total";

}  // namespace

RetentionSweeper::RetentionSweeper(EventLog* log, const ConsumerRegistry* consumers,
                                   RetentionOptions options, metrics::Registry* metrics)
    : log_(log), consumers_(consumers), options_(std::move(options)), metrics_(metrics) {}

RetentionSweeper::~RetentionSweeper() { Stop(); }

void RetentionSweeper::Start() {
  if (thread_.joinable() || stop_.HasBeenNotified()) return;
  thread_ = std::thread([this] { Run(); });
}

void RetentionSweeper::Stop() {
  if (!stop_.HasBeenNotified()) stop_.Notify();
  if (thread_.joinable()) thread_.join();
}

int64_t RetentionSweeper::sweeps() const {
  absl::MutexLock l(&mu_);
  return sweeps_;
}

void RetentionSweeper::Run() {
  do {
    absl::StatusOr<SweepResult> swept = SweepOnce();
    if (!swept.ok()) spdlog::error("log retention: {}", swept.status().ToString());
  } while (!stop_.WaitForNotificationWithTimeout(options_.interval));
}

absl::StatusOr<uint64_t> RetentionSweeper::RemovableThrough(uint32_t partition,
                                                            absl::Time cutoff) const {
  // Never beyond what every consumer of the partition has applied; nothing without one.
  std::optional<uint64_t> applied;
  for (const v1::ConsumerInfo& c : consumers_->List()) {
    if (c.partition() != partition) continue;
    applied = std::min(applied.value_or(UINT64_MAX), c.applied_sequence());
  }
  if (!applied) return 0;
  const uint64_t limit = std::min(*applied, log_->LastSequence(partition));
  uint64_t next = log_->FirstRetained(partition);
  // Entries are in ingestion order: the first too young (or unreadable) one ends the prefix.
  bool stop = false;
  while (!stop && next <= limit) {
    const int want = static_cast<int>(std::min<uint64_t>(limit - next + 1, options_.scan_batch));
    uint64_t through = next - 1;
    absl::StatusOr<ReadResult> read =
        log_->Read(partition, next, want, {}, [&](uint64_t sequence, std::string_view entry) {
          if (stop || sequence > limit) return true;
          const std::optional<absl::Time> at = EntryIngestedAt(entry);
          if (!at || *at >= cutoff) {
            stop = true;
          } else {
            through = sequence;
          }
          return true;
        });
    if (!read.ok()) return read.status();
    if (read->through_sequence < next) break;  // Nothing more to read.
    if (!stop) through = std::min(read->through_sequence, limit);
    next = through + 1;
  }
  return next - 1;
}

absl::StatusOr<SweepResult> RetentionSweeper::SweepOnce() {
  absl::MutexLock sweep_lock(&sweep_mu_);
  const absl::Time now = options_.clock ? options_.clock() : absl::Now();
  const absl::Time cutoff = now - options_.retention;
  SweepResult result;
  absl::Status first_error;
  for (uint32_t p : log_->owned_partitions()) {
    if (stop_.HasBeenNotified()) break;  // Shutting down: the next start sweeps the rest.
    // A fenced partition lost entries; what to keep is for an operator to decide.
    if (!log_->DataLossFence(p).ok()) continue;
    const uint64_t first = log_->FirstRetained(p);
    absl::StatusOr<uint64_t> through = RemovableThrough(p, cutoff);
    absl::Status status = through.status();
    if (status.ok() && *through >= first) {
      status = log_->RemoveThrough(p, *through);
      if (status.ok()) {
        const uint64_t removed = *through - first + 1;
        result.removed[p] = removed;
        if (metrics_ != nullptr) {
          metrics_
              ->GetCounter(kRemovedMetric,
                           "Log entries removed by retention (--log_retention_days).",
                           {{"partition", absl::StrCat(p)}})
              ->Increment(removed);
        }
        spdlog::info("log retention: partition {}: removed {} entries, sequences {}..{}", p,
                     removed, first, *through);
        status = log_->PurgeRemoved(p);
      }
    }
    if (!status.ok()) {
      status = absl::Status(status.code(), absl::StrCat("partition ", p, ": ", status.message()));
      if (first_error.ok()) first_error = status;
    }
  }
  {
    absl::MutexLock l(&mu_);
    ++sweeps_;
  }
  if (!first_error.ok()) return first_error;
  return result;
}

}  // namespace clientele::ingest
