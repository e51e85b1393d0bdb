// Scale of the analytics service's own path (not the algorithms alone): the applier folding
// Order events into per-source-key aggregates in RocksDB, batch by batch as the LogConsumer
// does, then an rfm job and a recluster job through the JobManager, with their stored rows.
//
//   analytics_service_bench --profiles=1000000 --orders=3 [--k=2..6] [--minibatch]
//
// Synthetic, deterministic data: customer i has `orders` orders of 1-4 lines on random days of
// 2011. Prints one Markdown table row per phase. Release build only; not a test.
#include <sys/resource.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "analytics/analytics_applier.h"
#include "analytics/analytics_schema.h"
#include "analytics/jobs/analytics_job_runner.h"
#include "analytics/jobs/job_manager.h"
#include "common/storage/rocksdb_store.h"

namespace clientele {
namespace {

double PeakRssMb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;
}

double Seconds(const google::protobuf::Timestamp& from, const google::protobuf::Timestamp& to) {
  return static_cast<double>(to.seconds() - from.seconds()) +
         static_cast<double>(to.nanos() - from.nanos()) * 1e-9;
}

int Run(int64_t profiles, int orders, const std::string& k_range, bool minibatch, int n_init) {
  std::string dir_pattern =
      (std::filesystem::temp_directory_path() / "analytics-service-bench-XXXXXX").string();
  const std::string dir = mkdtemp(dir_pattern.data());
  storage::RocksDbOptions db;
  db.path = dir;
  db.column_families = analytics::AnalyticsColumnFamilies();
  auto kv = storage::OpenRocksDbStore(db);
  if (!kv.ok()) {
    std::fprintf(stderr, "%s\n", kv.status().ToString().c_str());
    return 1;
  }
  analytics::AnalyticsStore store(kv->get());
  analytics::AnalyticsApplier applier(&store);

  // Apply: batches of 512 entries (the consumer's default), one WriteBatch each.
  std::mt19937_64 rng(42);
  const absl::Time year = absl::FromCivil(absl::CivilDay(2011, 1, 1), absl::UTCTimeZone());
  std::vector<ingest::v1::LogEntry> entries;
  std::vector<const ingest::v1::LogEntry*> pointers;
  uint64_t sequence = 0;
  int64_t events = 0;
  const absl::Time apply_start = absl::Now();
  auto flush = [&]() -> bool {
    pointers.clear();
    for (const auto& e : entries) pointers.push_back(&e);
    auto batch = (*kv)->NewWriteBatch();
    if (absl::Status s = applier.Apply(0, pointers, *batch); !s.ok()) return false;
    if (absl::Status s = (*kv)->Write(*batch); !s.ok()) return false;
    events += static_cast<int64_t>(entries.size());
    entries.clear();
    return true;
  };
  // Orders interleave customers the way a log does: order o of every customer, then o + 1.
  for (int o = 0; o < orders; ++o) {
    for (int64_t c = 0; c < profiles; ++c) {
      ingest::v1::LogEntry& entry = entries.emplace_back();
      entry.set_sequence(++sequence);
      common::v1::Event& event = *entry.mutable_event();
      event.mutable_occurred_at()->set_seconds(
          absl::ToUnixSeconds(year + absl::Seconds(static_cast<int64_t>(rng() % (365 * 86400)))));
      common::v1::Order& order = *event.mutable_order();
      order.set_order_id(absl::StrCat(c, "-", o));
      order.mutable_customer()->set_system("bench");
      order.mutable_customer()->set_id(absl::StrCat(c));
      const int lines = 1 + static_cast<int>(rng() % 4);
      for (int l = 0; l < lines; ++l) {
        common::v1::OrderLine& line = *order.add_lines();
        line.set_quantity(1 + static_cast<int64_t>(rng() % 12));
        line.mutable_unit_price()->set_minor_units(50 + static_cast<int64_t>(rng() % 5000));
        line.mutable_unit_price()->set_currency_code("GBP");
      }
      if (entries.size() == 512 && !flush()) return 1;
    }
  }
  if (!entries.empty() && !flush()) return 1;
  const double apply_s = absl::ToDoubleSeconds(absl::Now() - apply_start);

  analytics::SourceKeyProfiles directory;
  analytics::AnalyticsJobRunner runner(&store, &directory, 2);
  std::unique_ptr<jobs::JobStore> job_store = analytics::NewAnalyticsJobStore(kv->get());
  analytics::JobManager jobs(job_store.get(), &runner);
  if (!jobs.Start().ok()) return 1;
  auto run = [&](const analytics::v1::JobSpec& spec) -> common::v1::Job {
    auto started =
        jobs.StartJob(spec.has_recluster() ? "recluster" : "rfm", analytics::PackSpec(spec), "");
    auto done = jobs.WaitJob(started->job.job_id(), absl::InfiniteFuture(), {});
    if (done->state() != common::v1::JOB_STATE_SUCCEEDED) {
      std::fprintf(stderr, "job failed: %s\n", done->error().c_str());
      std::exit(1);
    }
    return *done;
  };
  analytics::v1::JobSpec rfm;
  rfm.mutable_rfm();
  const common::v1::Job rfm_job = run(rfm);
  const double rss_after_rfm = PeakRssMb();

  analytics::v1::JobSpec recluster;
  std::vector<std::string> ks = absl::StrSplit(k_range, "..");
  int k_min = 2, k_max = 6;
  if (ks.size() == 2) {
    (void)absl::SimpleAtoi(ks[0], &k_min);
    (void)absl::SimpleAtoi(ks[1], &k_max);
  }
  recluster.mutable_recluster()->set_k_min(k_min);
  recluster.mutable_recluster()->set_k_max(k_max);
  recluster.mutable_recluster()->set_n_init(n_init);
  recluster.mutable_recluster()->set_minibatch(minibatch);
  const common::v1::Job recluster_job = run(recluster);
  jobs.Stop();

  std::printf(
      "| profiles | orders | apply (events/s) | rfm job | recluster k=%s%s n_init=%d | peak RSS "
      "|\n",
      k_range.c_str(), minibatch ? " minibatch" : "", n_init);
  std::printf("|---|---|---|---|---|---|\n");
  std::printf(
      "| %lld | %lld | %.2f s (%.0f) | %.2f s | %.2f s | %.0f MB (%.0f MB after rfm) |\n",
      static_cast<long long>(profiles), static_cast<long long>(events), apply_s,
      static_cast<double>(events) / apply_s, Seconds(rfm_job.started_at(), rfm_job.finished_at()),
      Seconds(recluster_job.started_at(), recluster_job.finished_at()), PeakRssMb(), rss_after_rfm);
  std::error_code ec;
  kv->reset();
  std::filesystem::remove_all(dir, ec);
  return 0;
}

}  // namespace
}  // namespace clientele

int main(int argc, char** argv) {
  CLI::App app{"analytics service scale benchmark"};
  int64_t profiles = 100000;
  int orders = 3;
  std::string k_range = "2..6";
  bool minibatch = false;
  int n_init = 3;
  app.add_option("--profiles", profiles)->capture_default_str();
  app.add_option("--orders", orders, "Orders per profile")->capture_default_str();
  app.add_option("--k", k_range)->capture_default_str();
  app.add_flag("--minibatch", minibatch);
  app.add_option("--n-init", n_init)->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  return clientele::Run(profiles, orders, k_range, minibatch, n_init);
}
