// A log consumer for end-to-end tests. It records, in its own RocksDB, one key per applied
// event ("seen/<seq>") and a "repeat/<seq>" marker if an event ever arrives again after
// being applied. With --crash_after=K it kills itself with SIGKILL in the middle of the
// batch that holds its K-th event (after adding part of the batch), to prove that a crash
// mid-batch leaves no gap and no repeat. It exits 0 once it has applied --until.
//
//   recording_consumer --server=127.0.0.1:PORT --data_dir=DIR --until=N [--crash_after=K]
#include <signal.h>

#include <cstdio>
#include <string>

#include "CLI/CLI.hpp"
#include "common/log/log_consumer.h"
#include "common/storage/key_encoding.h"
#include "common/storage/rocksdb_store.h"
#include "grpcpp/grpcpp.h"

namespace clientele {
namespace {

enum RecordingCf : storage::ColumnFamilyId { kProgressCf = 0, kSeenCf = 1 };

class RecordingApplier final : public log::LogApplier {
 public:
  RecordingApplier(storage::KvStore* store, int64_t crash_after)
      : store_(store), crash_after_(crash_after) {}

  absl::Status Apply(uint32_t /*partition*/, absl::Span<const ingest::v1::LogEntry* const> entries,
                     storage::WriteBatch& batch) override {
    for (size_t i = 0; i < entries.size(); ++i) {
      const std::string key = "seen/" + storage::EncodeUint64(entries[i]->sequence());
      absl::StatusOr<std::optional<std::string>> existing = store_->Get(kSeenCf, key);
      if (!existing.ok()) return existing.status();
      if (existing->has_value()) {
        batch.Put(kSeenCf, "repeat/" + storage::EncodeUint64(entries[i]->sequence()), "1");
      }
      batch.Put(kSeenCf, key, entries[i]->event().event_id());
      ++applied_in_process_;
      if (crash_after_ > 0 && applied_in_process_ >= crash_after_ && i + 1 < entries.size()) {
        raise(SIGKILL);  // Mid-batch: part of this batch is built, nothing of it written.
      }
    }
    return absl::OkStatus();
  }

 private:
  storage::KvStore* const store_;
  const int64_t crash_after_;
  int64_t applied_in_process_ = 0;
};

}  // namespace
}  // namespace clientele

int main(int argc, char** argv) {
  using namespace clientele;
  std::string server, data_dir;
  uint64_t until = 0;
  int64_t crash_after = 0;
  uint32_t batch = 50;
  CLI::App app{"recording consumer for tests"};
  app.add_option("--server", server)->required();
  app.add_option("--data_dir", data_dir)->required();
  app.add_option("--until", until)->required();
  app.add_option("--crash_after", crash_after);
  app.add_option("--batch", batch);
  CLI11_PARSE(app, argc, argv);

  storage::RocksDbOptions db;
  db.path = data_dir;
  db.column_families = {{"progress"}, {"seen"}};
  auto store = storage::OpenRocksDbStore(db);
  if (!store.ok()) {
    std::fprintf(stderr, "%s\n", store.status().ToString().c_str());
    return 2;
  }
  RecordingApplier applier(store->get(), crash_after);
  log::LogConsumerOptions options;
  options.name = "recorder";
  options.progress_cf = kProgressCf;
  options.max_batch_events = batch;
  auto channel = grpc::CreateChannel(server, grpc::InsecureChannelCredentials());
  log::LogConsumer consumer(options, store->get(), &applier, [&](uint32_t) { return channel; });
  if (absl::Status s = consumer.Start(); !s.ok()) {
    std::fprintf(stderr, "%s\n", s.ToString().c_str());
    return 2;
  }
  const bool done = consumer.WaitForApplied(0, until, absl::Now() + absl::Seconds(60));
  consumer.Stop();
  return done ? 0 : 1;
}
