#include "common/log/log_consumer.h"

#include <algorithm>
#include <deque>
#include <thread>
#include <utility>

#include "absl/strings/str_cat.h"
#include "clientele/ingest/v1/ingest.grpc.pb.h"
#include "common/log/consumer_lag.h"
#include "common/log/sorted_write_batch.h"
#include "common/logging/log_context.h"
#include "common/status/grpc_status.h"
#include "common/status/status_macros.h"
#include "common/storage/key_encoding.h"
#include "google/protobuf/arena.h"
#include "spdlog/spdlog.h"

namespace clientele::log {
namespace {

// Responses read ahead of the one being applied. When none is waiting the consumer drains
// (waits for the write in flight), so a short queue made a catching-up applier idle whenever
// the stream delivered unevenly: 2 left the identity applier ~20% idle in a 1M catch-up.
constexpr size_t kFetchAhead = 8;
// Batches a pipelined applier applies before the consumer drains (waits for the writes and
// commits, which lets the applier's readers in).
constexpr int kMaxPipelinedBatches = 8;

// A response read from the stream, with the applier's Prepare result. The response is parsed
// onto its own arena (one allocation per block instead of several per entry); `prepared`,
// which may point into it, goes first.
struct Fetched {
  std::unique_ptr<google::protobuf::Arena> arena;
  ingest::v1::SubscribeResponse* response = nullptr;  // On `arena`.
  std::unique_ptr<LogApplier::Prepared> prepared;
};

google::protobuf::ArenaOptions ResponseArenaOptions() {
  google::protobuf::ArenaOptions o;
  o.start_block_size = 64 << 10;  // A response of 1024 events parses into several hundred KB.
  o.max_block_size = 64 << 10;
  return o;
}

// Bounded hand-off from the stream-reading thread to the applying thread.
class FetchQueue {
 public:
  explicit FetchQueue(size_t capacity) : capacity_(capacity) {}

  // False if the applying side gave up (the item is dropped).
  bool Push(Fetched item) {
    absl::MutexLock l(&mu_);
    mu_.Await(absl::Condition(
        +[](FetchQueue* q) ABSL_NO_THREAD_SAFETY_ANALYSIS {
          return q->abandoned_ || q->items_.size() < q->capacity_;
        },
        this));
    if (abandoned_) return false;
    items_.push_back(std::move(item));
    return true;
  }
  // The reading side is done.
  void Close() {
    absl::MutexLock l(&mu_);
    closed_ = true;
  }
  // The applying side is done: Push fails from now on.
  void Abandon() {
    absl::MutexLock l(&mu_);
    abandoned_ = true;
    items_.clear();
  }
  bool HasItems() {
    absl::MutexLock l(&mu_);
    return !items_.empty();
  }
  // False once closed and drained.
  bool Pop(Fetched* item) {
    absl::MutexLock l(&mu_);
    mu_.Await(absl::Condition(
        +[](FetchQueue* q)
             ABSL_NO_THREAD_SAFETY_ANALYSIS { return q->closed_ || !q->items_.empty(); },
        this));
    if (items_.empty()) return false;
    *item = std::move(items_.front());
    items_.pop_front();
    return true;
  }

 private:
  const size_t capacity_;
  absl::Mutex mu_;
  std::deque<Fetched> items_ ABSL_GUARDED_BY(mu_);
  bool closed_ ABSL_GUARDED_BY(mu_) = false;
  bool abandoned_ ABSL_GUARDED_BY(mu_) = false;
};

// Writes one batch at a time on its own thread.
class BatchWriter {
 public:
  explicit BatchWriter(storage::KvStore* store) : store_(store), thread_([this] { Loop(); }) {}
  ~BatchWriter() {
    {
      absl::MutexLock l(&mu_);
      exit_ = true;
    }
    thread_.join();
  }

  // REQUIRES: !busy().
  void Start(std::unique_ptr<storage::WriteBatch> batch) {
    absl::MutexLock l(&mu_);
    batch_ = std::move(batch);
    done_ = false;
    busy_ = true;
  }
  bool busy() const { return busy_; }  // Only the starting thread calls Start/Wait/busy.
  // Waits for the batch started last; its write's status. The written batch is handed back
  // in `*written` for reuse (its buffer is sized already).
  absl::Status Wait(std::unique_ptr<storage::WriteBatch>* written) {
    absl::MutexLock l(&mu_);
    mu_.Await(absl::Condition(&done_));
    busy_ = false;
    *written = std::move(batch_);
    return status_;
  }

 private:
  void Loop() {
    absl::MutexLock l(&mu_);
    while (true) {
      mu_.Await(absl::Condition(
          +[](BatchWriter* w) ABSL_NO_THREAD_SAFETY_ANALYSIS {
            return w->exit_ || (w->batch_ != nullptr && !w->done_);
          },
          this));
      if (exit_) return;
      storage::WriteBatch* batch = batch_.get();
      mu_.Unlock();
      absl::Status s = store_->Write(*batch);
      mu_.Lock();
      status_ = std::move(s);
      done_ = true;
    }
  }

  storage::KvStore* const store_;
  absl::Mutex mu_;
  std::unique_ptr<storage::WriteBatch> batch_ ABSL_GUARDED_BY(mu_);
  bool done_ ABSL_GUARDED_BY(mu_) = false;
  bool exit_ ABSL_GUARDED_BY(mu_) = false;
  absl::Status status_ ABSL_GUARDED_BY(mu_);
  bool busy_ = false;
  std::thread thread_;  // Last: starts after the members it reads.
};

}  // namespace

std::string LogConsumer::ProgressKey(const std::string& consumer, uint32_t partition) {
  std::string key = absl::StrCat("applied/", consumer);
  key.push_back('\0');
  storage::AppendUint32(key, partition);
  return key;
}

LogConsumer::LogConsumer(LogConsumerOptions options, storage::KvStore* store, LogApplier* applier,
                         ChannelForPartition channels)
    : LogConsumer(std::move(options), store, applier, channels,
                  std::make_shared<GrpcLogReader>(channels)) {}

LogConsumer::LogConsumer(LogConsumerOptions options, storage::KvStore* store, LogApplier* applier,
                         ChannelForPartition channels, std::shared_ptr<LogReader> reader)
    : options_(std::move(options)),
      store_(store),
      applier_(applier),
      channels_(std::move(channels)),
      reader_(std::move(reader)) {}

LogConsumer::~LogConsumer() {
  Stop();
  if (options_.metrics != nullptr) {
    options_.metrics->RemoveGaugeFamilyCallback(kConsumerLagMetric,
                                                ConsumerLagSource(options_.name));
  }
}

absl::Status LogConsumer::Start() {
  if (options_.name.empty()) return absl::InvalidArgumentError("consumer name is required");
  std::vector<uint64_t> applied;
  for (uint32_t p : options_.partitions) {
    CLT_ASSIGN_OR_RETURN(std::optional<std::string> value,
                         store_->Get(options_.progress_cf, ProgressKey(options_.name, p)));
    if (value && value->size() != 8) {
      return absl::DataLossError(absl::StrCat("consumer ", options_.name,
                                              ": malformed applied sequence of partition ", p));
    }
    applied.push_back(value ? storage::DecodeUint64(*value) : 0);
  }
  // Registered outside mu_: the registry calls LagSamples (which takes mu_) under its own lock.
  if (options_.metrics != nullptr) {
    options_.metrics->SetGaugeFamilyCallback(kConsumerLagMetric, kConsumerLagHelp,
                                             ConsumerLagSource(options_.name),
                                             [this] { return LagSamples(); });
  }
  absl::MutexLock l(&mu_);
  if (started_) return absl::FailedPreconditionError("consumer already started");
  started_ = true;
  applied_ = std::move(applied);
  streams_.assign(options_.partitions.size(), nullptr);
  heads_.assign(options_.partitions.size(), -1);
  last_report_.assign(options_.partitions.size(), absl::InfinitePast());
  stopped_on_.assign(options_.partitions.size(), absl::OkStatus());
  for (size_t i = 0; i < options_.partitions.size(); ++i) {
    threads_.emplace_back([this, i] { Run(static_cast<uint32_t>(i)); });
  }
  return absl::OkStatus();
}

void LogConsumer::Stop() {
  {
    absl::MutexLock l(&mu_);
    if (stopping_) return;
    stopping_ = true;
    for (LogStream* s : streams_) {
      if (s != nullptr) s->Cancel();
    }
  }
  for (std::thread& t : threads_) t.join();
  // Leave ingest with the final positions (best effort: ingest may be gone).
  if (!threads_.empty()) {
    for (size_t i = 0; i < options_.partitions.size(); ++i) {
      absl::Status stopped_on;
      {
        absl::MutexLock l(&mu_);
        stopped_on = stopped_on_[i];
      }
      ReportProgress(static_cast<uint32_t>(i), applied_sequence(options_.partitions[i]), true,
                     stopped_on);
    }
  }
  threads_.clear();
}

uint64_t LogConsumer::applied_sequence(uint32_t partition) const {
  absl::MutexLock l(&mu_);
  for (size_t i = 0; i < options_.partitions.size() && i < applied_.size(); ++i) {
    if (options_.partitions[i] == partition) return applied_[i];
  }
  return 0;
}

uint64_t LogConsumer::lag(uint32_t partition) const {
  absl::MutexLock l(&mu_);
  for (size_t i = 0; i < options_.partitions.size() && i < heads_.size(); ++i) {
    if (options_.partitions[i] != partition || heads_[i] < 0) continue;
    const uint64_t head = static_cast<uint64_t>(heads_[i]);
    return head > applied_[i] ? head - applied_[i] : 0;
  }
  return 0;
}

void LogConsumer::SeeHead(uint32_t index, const ingest::v1::SubscribeResponse& response) {
  const int64_t head =
      static_cast<int64_t>(std::max(response.last_sequence(), response.through_sequence()));
  absl::MutexLock l(&mu_);
  heads_[index] = std::max(heads_[index], head);
}

std::vector<metrics::Sample> LogConsumer::LagSamples() const {
  std::vector<metrics::Sample> samples;
  for (size_t i = 0; i < options_.partitions.size(); ++i) {
    {
      absl::MutexLock l(&mu_);
      if (i >= heads_.size() || heads_[i] < 0) continue;
    }
    const uint32_t partition = options_.partitions[i];
    samples.push_back({{{"consumer", options_.name}, {"partition", absl::StrCat(partition)}},
                       static_cast<double>(lag(partition))});
  }
  return samples;
}

absl::Status LogConsumer::Health() const {
  absl::MutexLock l(&mu_);
  for (const absl::Status& s : stopped_on_) {
    if (!s.ok()) return s;
  }
  return absl::OkStatus();
}

bool LogConsumer::WaitForApplied(uint32_t partition, uint64_t sequence, absl::Time deadline) const {
  auto it = std::find(options_.partitions.begin(), options_.partitions.end(), partition);
  if (it == options_.partitions.end()) return false;
  const size_t i = static_cast<size_t>(it - options_.partitions.begin());
  absl::MutexLock l(&mu_);
  auto done = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return stopping_ || (i < applied_.size() && applied_[i] >= sequence);
  };
  mu_.AwaitWithDeadline(absl::Condition(&done), deadline);
  return i < applied_.size() && applied_[i] >= sequence;
}

absl::StatusOr<std::unique_ptr<storage::WriteBatch>> LogConsumer::BuildBatch(
    uint32_t index, const ingest::v1::SubscribeResponse& response, uint64_t applied,
    LogApplier::Prepared* prepared, bool* applier_called, BatchBuffers& buffers) {
  const uint32_t partition = options_.partitions[index];
  *applier_called = false;
  if (response.through_sequence() <= applied) return nullptr;  // Already applied.
  // Skip entries at or below the applied sequence (a resend after reconnecting).
  std::vector<const ingest::v1::LogEntry*> entries;
  entries.reserve(response.entries_size());
  for (const ingest::v1::LogEntry& e : response.entries()) {
    // Erased entries (their subject's key is shredded) are never applied; the response's
    // through_sequence still moves progress past them.
    if (e.sequence() <= applied || e.erased()) continue;
    if (e.partition() != partition) {
      return absl::DataLossError(absl::StrCat("entry of partition ", e.partition(),
                                              " on the stream of partition ", partition));
    }
    entries.push_back(&e);
  }
  // The applier's changes reach RocksDB in key order (SortedWriteBatch): cheaper memtable
  // inserts, the same result.
  buffers.changes.Clear();
  if (!entries.empty()) {
    *applier_called = true;
    CLT_RETURN_IF_ERROR(applier_->ApplyPrepared(partition, entries, prepared, buffers.changes));
  }
  std::unique_ptr<storage::WriteBatch> batch = std::move(buffers.spare);
  if (batch == nullptr) batch = store_->NewWriteBatch();
  batch->Clear();
  buffers.changes.AppendTo(*batch);
  batch->Put(options_.progress_cf, ProgressKey(options_.name, partition),
             storage::EncodeUint64(response.through_sequence()));
  return batch;
}

void LogConsumer::ReportProgress(uint32_t index, uint64_t applied, bool force,
                                 const absl::Status& error) {
  const absl::Time now = absl::Now();
  {
    absl::MutexLock l(&mu_);
    if (!force && now - last_report_[index] < options_.progress_report_interval) return;
    last_report_[index] = now;
  }
  auto stub = ingest::v1::IngestService::NewStub(channels_(options_.partitions[index]));
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(now + absl::Seconds(2)));
  ingest::v1::CommitProgressRequest request;
  request.set_consumer(options_.name);
  request.set_partition(options_.partitions[index]);
  request.set_applied_sequence(applied);
  if (!error.ok()) request.set_error(std::string(error.message()));
  ingest::v1::CommitProgressResponse response;
  grpc::Status s = stub->CommitProgress(&context, request, &response);
  if (!s.ok()) {
    spdlog::debug("consumer {}: progress report failed: {}", options_.name, s.error_message());
  }
}

void LogConsumer::Run(uint32_t index) {
  const logging::ScopedComponent component(options_.name);  // For JSON log lines.
  const uint32_t partition = options_.partitions[index];
  absl::Duration backoff = options_.initial_backoff;
  const std::vector<common::v1::PayloadType> types = applier_->PayloadTypes();
  // Register with ingest at once, so `sync` waits for this consumer from the start.
  ReportProgress(index, applied_sequence(partition), /*force=*/true);
  while (true) {
    LogReadRequest request;
    request.partition = partition;
    request.consumer = options_.name;
    request.max_batch_events = options_.max_batch_events;
    request.payload_types = types;
    {
      absl::MutexLock l(&mu_);
      if (stopping_) return;
      request.from_sequence = applied_[index] + 1;
    }
    std::unique_ptr<LogStream> stream = reader_->Open(request);
    {
      absl::MutexLock l(&mu_);
      if (!stopping_) streams_[index] = stream.get();
    }
    bool registered;
    {
      absl::MutexLock l(&mu_);
      registered = streams_[index] != nullptr;
    }
    if (!registered) {  // Stopped while it opened: Stop could not cancel it.
      stream->Cancel();
      (void)stream->Finish();
      return;
    }
    // A second thread reads (and prepares) the next responses while this one applies.
    FetchQueue queue(kFetchAhead);
    std::thread fetcher([&] {
      const logging::ScopedComponent fetcher_component(options_.name);
      while (true) {
        Fetched next;
        next.arena = std::make_unique<google::protobuf::Arena>(ResponseArenaOptions());
        next.response =
            google::protobuf::Arena::CreateMessage<ingest::v1::SubscribeResponse>(next.arena.get());
        if (!stream->Read(next.response)) break;
        SeeHead(index, *next.response);
        // The entries BuildBatch may apply (not erased ones), so that those it hands to
        // ApplyPrepared are a suffix of these.
        std::vector<const ingest::v1::LogEntry*> entries;
        entries.reserve(next.response->entries_size());
        for (const ingest::v1::LogEntry& e : next.response->entries()) {
          if (!e.erased()) entries.push_back(&e);
        }
        next.prepared = applier_->Prepare(partition, entries);
        if (!queue.Push(std::move(next))) break;
      }
      queue.Close();
    });
    // Batch N is written on a writer thread while N+1 is applied (for pipelined appliers);
    // OnCommitted comes once everything applied so far is durable ("drained"): when no
    // response is waiting, or after kMaxPipelinedBatches.
    const int max_chain = applier_->pipelined() ? kMaxPipelinedBatches : 1;
    uint64_t durable;  // Through this sequence everything is written.
    {
      absl::MutexLock l(&mu_);
      durable = applied_[index];
    }
    uint64_t built = durable;  // Through this sequence everything is applied.
    bool holding = false;      // The applier has Apply calls not yet committed.
    int chain = 0;             // Batches applied since the last drain.
    bool connected = false, caught_up = false;
    // One long-lived writer thread (RocksDB's skip list draws node heights from a
    // thread-local generator: a fresh thread per batch repeats the same heights).
    BatchWriter writer(store_);
    BatchBuffers buffers;
    uint64_t writing_through = 0;
    auto wait_write = [&]() -> absl::Status {
      if (!writer.busy()) return absl::OkStatus();
      absl::Status s = writer.Wait(&buffers.spare);
      if (s.ok()) durable = writing_through;
      return s;
    };
    // Waits for the write in flight, then tells the applier (OnCommitted, or OnWriteFailed
    // when that write or `failure` went wrong) and the waiters.
    auto drain = [&](absl::Status failure) -> absl::Status {
      absl::Status s = wait_write();
      if (!failure.ok()) s = std::move(failure);
      if (!s.ok()) {
        if (holding) applier_->OnWriteFailed(partition);
      } else {
        // The applier hears of the commit before waiters do (WaitForApplied then implies it).
        applier_->OnCommitted(partition, durable);
      }
      holding = false;
      chain = 0;
      built = durable;
      {
        absl::MutexLock l(&mu_);
        applied_[index] = durable;
      }
      if (s.ok()) {
        ReportProgress(index, durable, caught_up || !connected);
        connected = true;
      }
      return s;
    };
    absl::Status apply_status;
    Fetched fetched;
    while (queue.Pop(&fetched)) {
      const ingest::v1::SubscribeResponse& response = *fetched.response;
      bool applier_called = false;
      absl::StatusOr<std::unique_ptr<storage::WriteBatch>> batch =
          BuildBatch(index, response, built, fetched.prepared.get(), &applier_called, buffers);
      holding = holding || applier_called;
      if (batch.ok() && *batch != nullptr) {
        apply_status = wait_write();  // One write in flight at a time, in order.
        if (apply_status.ok()) {
          writing_through = response.through_sequence();
          built = writing_through;
          writer.Start(*std::move(batch));
          ++chain;
        }
      } else {
        apply_status = batch.status();
      }
      caught_up = response.entries_size() < static_cast<int>(options_.max_batch_events);
      if (apply_status.ok() && (chain >= max_chain || !queue.HasItems())) {
        apply_status = drain(absl::OkStatus());
      } else if (!apply_status.ok()) {
        (void)drain(apply_status);  // Undoes what is not durable.
      }
      if (!apply_status.ok()) {
        spdlog::error("consumer {} partition {}: apply failed, {}: {}", options_.name, partition,
                      absl::IsDataLoss(apply_status) ? "stopping" : "will retry",
                      apply_status.ToString());
        stream->Cancel();
        break;
      }
      backoff = options_.initial_backoff;
    }
    if (writer.busy() || holding) (void)drain(absl::OkStatus());
    queue.Abandon();
    fetcher.join();
    const absl::Status finish = stream->Finish();
    {
      absl::MutexLock l(&mu_);
      streams_[index] = nullptr;
      if (stopping_) return;
    }
    absl::Status loss = absl::IsDataLoss(apply_status) ? apply_status : finish;
    // DATA_LOSS: the log lost or damaged events. FAILED_PRECONDITION: log retention removed
    // events this consumer has not applied yet (ingest/retention/).
    if (absl::IsDataLoss(loss) || absl::IsFailedPrecondition(loss)) {
      // Retrying cannot help and skipping would lose events: stop this partition and say so.
      loss = absl::Status(
          loss.code(),
          absl::StrCat("consumer ", options_.name, " stopped at partition ", partition,
                       " sequence ", applied_sequence(partition), ": ", loss.message()));
      spdlog::error("{}", loss.ToString());
      {
        absl::MutexLock l(&mu_);
        stopped_on_[index] = loss;
      }
      ReportProgress(index, applied_sequence(partition), /*force=*/true, loss);
      return;
    }
    spdlog::warn("consumer {} partition {}: stream ended ({}), reconnecting in {}", options_.name,
                 partition, std::string(finish.message()), absl::FormatDuration(backoff));
    {
      absl::MutexLock l(&mu_);
      mu_.AwaitWithTimeout(absl::Condition(&stopping_), backoff);
      if (stopping_) return;
    }
    backoff = std::min(backoff * 2, options_.max_backoff);
  }
}

}  // namespace clientele::log
