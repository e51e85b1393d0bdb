#include "cmd/clientele/import_command.h"

#include <sys/stat.h>

#include <algorithm>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "absl/time/clock.h"
#include "clientele/ingest/v1/ingest.grpc.pb.h"
#include "cmd/clientele/progress_bar.h"
#include "common/text/terminal_escape.h"
#include "nlohmann/json.hpp"

namespace clientele::cli {
namespace {

// One request ready to send, with the number of file rows each of its events carries.
struct PreparedBatch {
  ingest::v1::IngestRequest request;
  std::vector<int64_t> event_rows;
  int64_t rows = 0;
  int64_t bytes = 0;  // Serialized size of the events.
};

// A bounded hand-off from the reading thread to the sending thread.
class BatchQueue {
 public:
  explicit BatchQueue(size_t capacity) : capacity_(capacity) {}

  // Returns false if the consumer gave up.
  bool Push(PreparedBatch batch) {
    std::unique_lock<std::mutex> l(mu_);
    not_full_.wait(l, [&] { return queue_.size() < capacity_ || abandoned_; });
    if (abandoned_) return false;
    queue_.push_back(std::move(batch));
    not_empty_.notify_one();
    return true;
  }
  void Close(absl::Status status) {
    std::lock_guard<std::mutex> l(mu_);
    closed_ = true;
    status_ = std::move(status);
    not_empty_.notify_all();
  }
  void Abandon() {
    std::lock_guard<std::mutex> l(mu_);
    abandoned_ = true;
    not_full_.notify_all();
  }
  // False at the end (then `status` tells whether reading failed).
  bool Pop(PreparedBatch* batch, absl::Status* status) {
    std::unique_lock<std::mutex> l(mu_);
    not_empty_.wait(l, [&] { return !queue_.empty() || closed_; });
    if (queue_.empty()) {
      *status = status_;
      return false;
    }
    *batch = std::move(queue_.front());
    queue_.pop_front();
    not_full_.notify_one();
    return true;
  }

 private:
  const size_t capacity_;
  std::mutex mu_;
  std::condition_variable not_full_, not_empty_;
  std::deque<PreparedBatch> queue_;
  bool closed_ = false, abandoned_ = false;
  absl::Status status_;
};

// Reads the file in messages of about `batch_bytes` (at most `batch_events` events): the
// next message's event count is batch_bytes over the mean size of the events so far.
void ReadBatches(ingest::Importer* importer, size_t batch_bytes, size_t batch_events,
                 BatchQueue* queue) {
  ingest::ImportBatch batch;
  int64_t events_read = 0, event_bytes_read = 0;
  size_t next_events = std::min<size_t>(batch_events, 50);  // Until sizes are known.
  while (true) {
    absl::StatusOr<bool> more = importer->Next(next_events, &batch);
    if (!more.ok()) {
      queue->Close(more.status());
      return;
    }
    if (!*more) break;
    PreparedBatch prepared;
    prepared.request.set_omit_accepted_results(true);
    prepared.request.mutable_events()->Reserve(static_cast<int>(batch.events.size()));
    for (auto& e : batch.events) *prepared.request.add_events() = std::move(e);
    for (auto& r : batch.rejections) *prepared.request.add_client_rejections() = std::move(r);
    prepared.event_rows = std::move(batch.event_rows);
    prepared.rows = batch.rows;
    prepared.bytes = static_cast<int64_t>(prepared.request.ByteSizeLong());
    events_read += prepared.request.events_size();
    event_bytes_read += prepared.bytes;
    if (events_read > 0) {
      const int64_t mean = std::max<int64_t>(1, event_bytes_read / events_read);
      next_events = std::clamp<size_t>(batch_bytes / mean, 1, batch_events);
    }
    if (!queue->Push(std::move(prepared))) return;
  }
  queue->Close(absl::OkStatus());
}

common::v1::Channel ParseChannel(const std::string& name) {
  if (name.empty()) return common::v1::CHANNEL_UNSPECIFIED;
  common::v1::Channel channel;
  std::string upper = "CHANNEL_";
  for (char c : name) upper.push_back(c == '-' ? '_' : static_cast<char>(std::toupper(c)));
  if (common::v1::Channel_Parse(upper, &channel)) return channel;
  return static_cast<common::v1::Channel>(-1);
}

// Messages of the importer show file content (a header, a value, the path): a binary file must
// not reach the terminal raw.
std::string Printable(const absl::Status& status) {
  return text::EscapeForTerminal(status.ToString(), 4096);
}

// The modification time of the regular file at `path`; nullopt for anything else.
std::optional<absl::Time> ModificationTime(const std::string& path) {
  struct stat info;
  if (::stat(path.c_str(), &info) != 0 || !S_ISREG(info.st_mode)) return std::nullopt;
  return absl::TimeFromTimespec(info.st_mtim);
}

int RunImport(const CliContext& context, const ImportFlags& flags) {
  const std::string file = text::EscapeForTerminal(flags.file, 1024);
  absl::StatusOr<ingest::ImportFormat> format = ingest::ParseImportFormat(flags.format);
  if (!format.ok()) {
    std::fprintf(stderr, "clientele import: --format: %s\n",
                 text::EscapeForTerminal(std::string(format.status().message()), 4096).c_str());
    return 2;
  }
  ingest::ImportOptions options = flags.options;
  options.channel = ParseChannel(flags.channel);
  if (options.channel < 0) {
    std::fprintf(stderr,
                 "clientele import: --channel: unknown channel '%s' (online-shop, store-pos, "
                 "mobile-app, call-center, marketplace, other)\n",
                 text::EscapeForTerminal(flags.channel, 256).c_str());
    return 2;
  }
  // Rows without a time of their own (febrl, marketing-campaign, baskets) describe the file's
  // state when it was last written: they take its modification time, so importing the same
  // file again sends the very same events (all duplicates, not conflicts). A pipe has none.
  options.snapshot_time = ModificationTime(flags.file).value_or(absl::Now());
  absl::StatusOr<std::unique_ptr<ingest::Importer>> importer =
      ingest::OpenImporter(*format, flags.file, options);
  if (!importer.ok()) {
    std::fprintf(stderr, "clientele import: %s\n", Printable(importer.status()).c_str());
    return 2;
  }

  const absl::Time start = absl::Now();
  ProgressBar progress("importing", (*importer)->total_rows_estimate(), "rows");
  BatchQueue queue(4);
  std::thread reader(ReadBatches, importer->get(), flags.batch_bytes, flags.batch_events, &queue);

  auto stub = ingest::v1::IngestService::NewStub(context.Channel());
  grpc::ClientContext rpc;
  ingest::v1::IngestResponse response;
  std::unique_ptr<grpc::ClientWriter<ingest::v1::IngestRequest>> writer =
      stub->IngestStream(&rpc, &response);
  std::vector<int64_t> event_rows;  // Rows per event, indexed like EventResult.index.
  int64_t rows = 0, events = 0, client_rejected_rows = 0, bytes = 0;
  PreparedBatch batch;
  absl::Status read_status;
  bool write_failed = false;
  while (queue.Pop(&batch, &read_status)) {
    event_rows.insert(event_rows.end(), batch.event_rows.begin(), batch.event_rows.end());
    rows += batch.rows;
    bytes += batch.bytes;
    events += batch.request.events_size();
    client_rejected_rows += batch.request.client_rejections_size();
    if (!writer->Write(batch.request)) {
      write_failed = true;
      break;
    }
    progress.Update(rows);
  }
  queue.Abandon();
  reader.join();
  writer->WritesDone();
  grpc::Status status = writer->Finish();
  progress.Finish(rows);
  if (!read_status.ok()) {
    std::fprintf(stderr, "clientele import: reading %s failed: %s\n", file.c_str(),
                 Printable(read_status).c_str());
    return 1;
  }
  if (!status.ok() || write_failed) {
    return ReportRpcError(
        "import (nothing after the last acknowledged batch is known to be "
        "stored; importing the file again is safe)",
        status.ok() ? grpc::Status(grpc::StatusCode::UNAVAILABLE, "stream broken") : status);
  }

  int64_t duplicate_rows = 0, rejected_rows = client_rejected_rows, unavailable_rows = 0;
  for (const ingest::v1::EventResult& r : response.results()) {
    if (r.index() < 0 || static_cast<size_t>(r.index()) >= event_rows.size()) continue;
    if (r.outcome() == ingest::v1::EventResult::OUTCOME_DUPLICATE) {
      duplicate_rows += event_rows[r.index()];
    } else if (r.outcome() == ingest::v1::EventResult::OUTCOME_REJECTED ||
               r.outcome() == ingest::v1::EventResult::OUTCOME_CONFLICT) {
      // A conflict (event_id reused with another payload) is not stored: a rejected row.
      rejected_rows += event_rows[r.index()];
    } else if (r.outcome() == ingest::v1::EventResult::OUTCOME_UNAVAILABLE) {
      // The log (Kafka) did not take it: not stored, not recorded as seen.
      unavailable_rows += event_rows[r.index()];
    }
  }
  const int64_t accepted_rows = rows - duplicate_rows - rejected_rows - unavailable_rows;
  const double seconds = absl::ToDoubleSeconds(absl::Now() - start);
  if (context.json) {
    nlohmann::json out = {
        {"file", flags.file},  // dump() escapes controls and replaces invalid UTF-8.
        {"format", flags.format},
        {"rows", rows},
        {"accepted", accepted_rows},
        {"rejected", rejected_rows},
        {"duplicates", duplicate_rows},
        {"unavailable", unavailable_rows},
        {"seconds", seconds},
        {"rows_per_second", seconds > 0 ? rows / seconds : 0},
        {"events",
         {{"sent", events},
          {"accepted", response.accepted()},
          {"duplicates", response.duplicates()},
          {"rejected", response.rejected()},
          {"conflicts", response.conflicts()},
          {"unavailable", response.unavailable()}}},
        {"client_rejected_rows", client_rejected_rows},
        {"bytes_sent", bytes},
    };
    std::printf("%s\n", out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
  } else {
    std::printf(
        "imported %s: %lld rows in %.2f s (%.0f rows/s)\n"
        "  rows:   %lld accepted, %lld rejected, %lld duplicates\n"
        "  events: %lld sent, %lld accepted, %lld rejected, %lld duplicates\n",
        file.c_str(), static_cast<long long>(rows), seconds, seconds > 0 ? rows / seconds : 0,
        static_cast<long long>(accepted_rows), static_cast<long long>(rejected_rows),
        static_cast<long long>(duplicate_rows), static_cast<long long>(events),
        static_cast<long long>(response.accepted()), static_cast<long long>(response.rejected()),
        static_cast<long long>(response.duplicates()));
    if (rejected_rows > 0) std::printf("  see the reasons with: clientele rejected\n");
  }
  if (unavailable_rows > 0) {
    std::fprintf(stderr,
                 "clientele import: %lld rows were not taken by the log (unavailable: see the "
                 "server's log); import the file again (safe: what was stored comes back as "
                 "duplicates)\n",
                 static_cast<long long>(unavailable_rows));
    return 1;
  }
  return 0;
}

}  // namespace

void AddImportCommand(CLI::App& app, const CliContext& context, ImportFlags& flags,
                      std::function<int()>& run) {
  CLI::App* cmd = app.add_subcommand("import",
                                     "Stream a file of customers, orders or events "
                                     "into the ingest log");
  cmd->add_option("--format", flags.format,
                  "online-retail | marketing-campaign | events-jsonl | febrl | baskets | movielens")
      ->required();
  cmd->add_option("file", flags.file, "The file to import")->required();
  cmd->add_option("--source", flags.options.source_system,
                  "Source system name for the records' keys (default: per format)");
  cmd->add_option("--source-name,--source_name", flags.options.source_name,
                  "Name recorded as the events' origin (default: the file's base name)");
  cmd->add_option("--channel", flags.channel,
                  "online-shop, store-pos, mobile-app, call-center, marketplace, other");
  cmd->add_option("--currency", flags.options.currency, "ISO 4217 currency of prices")
      ->capture_default_str();
  cmd->add_option("--time-zone,--time_zone", flags.options.time_zone,
                  "Time zone of local timestamps in the file")
      ->capture_default_str();
  cmd->add_option("--batch-bytes,--batch_bytes", flags.batch_bytes,
                  "Approximate size of a streamed message (the event count adapts to it)")
      ->capture_default_str()
      ->check(CLI::Range(size_t{1}, size_t{4} << 20));
  cmd->add_option("--batch-events,--batch_events", flags.batch_events,
                  "Most events per streamed message")
      ->capture_default_str()
      ->check(CLI::Range(size_t{1}, size_t{100000}));
  cmd->callback(
      [&context, &flags, &run] { run = [&context, &flags] { return RunImport(context, flags); }; });
}

}  // namespace clientele::cli
