// Throughput and quality of incremental identity resolution, without gRPC: reads an
// events-jsonl file (e.g. from `clientele gen`), applies it to a Resolver over a fresh RocksDB
// in batches as the identity consumer does (BeginBatch, ApplyEvent..., FinishBatch, Write,
// CommitBatch), and prints one JSON line: events/s, upserts/s, profiles, largest profile and,
// with --truth, pairwise precision / recall / F1.
//
//   build/bin/identity_resolution_bench --events ev.jsonl --truth truth.csv
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/container/flat_hash_map.h"
#include "absl/time/clock.h"
#include "clientele/common/v1/event.pb.h"
#include "common/log/sorted_write_batch.h"
#include "common/storage/rocksdb_store.h"
#include "google/protobuf/util/json_util.h"
#include "identity/matching/linkage_metrics.h"
#include "identity/resolution/fellegi_sunter_matcher.h"
#include "identity/resolution/identity_schema.h"
#include "identity/resolution/resolver.h"
#include "nlohmann/json.hpp"

namespace clientele::identity {
namespace {

int Run(const std::string& events_file, const std::string& truth_file, size_t batch_size,
        uint64_t first_estimate, double conflict_weight, size_t max_candidates,
        const std::string& dir, size_t write_buffer_mb) {
  std::ifstream in(events_file);
  if (!in) {
    std::fprintf(stderr, "cannot read %s\n", events_file.c_str());
    return 2;
  }
  std::vector<common::v1::Event> events;
  std::string line;
  size_t upserts = 0;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    common::v1::Event& e = events.emplace_back();
    if (!google::protobuf::util::JsonStringToMessage(line, &e).ok()) {
      std::fprintf(stderr, "bad event line %zu\n", events.size());
      return 2;
    }
    upserts += e.has_customer_upsert();
  }
  storage::RocksDbOptions db;
  db.path = dir;
  db.column_families = IdentityColumnFamilies();
  if (write_buffer_mb > 0) db.write_buffer_bytes = write_buffer_mb << 20;
  auto store = storage::OpenRocksDbStore(db);
  if (!store.ok()) {
    std::fprintf(stderr, "%s\n", store.status().ToString().c_str());
    return 1;
  }
  ResolverOptions options;
  if (first_estimate > 0) {
    options.reestimate = true;
    options.first_estimate_records = first_estimate;
  }
  options.conflict_weight = conflict_weight;
  options.max_candidates = max_candidates;
  auto resolver = Resolver::Open(store->get(), std::make_unique<FellegiSunterMatcher>(), options);
  if (!resolver.ok()) {
    std::fprintf(stderr, "%s\n", resolver.status().ToString().c_str());
    return 1;
  }
  Resolver& r = **resolver;
  const absl::Time start = absl::Now();
  const std::clock_t cpu_start = std::clock();  // Process CPU time: fair on a busy machine.
  for (size_t i = 0; i < events.size(); i += batch_size) {
    // As LogConsumer: the changes are buffered and written in key order.
    log::SortedWriteBatch changes;
    auto batch = (*store)->NewWriteBatch();
    r.BeginBatch();
    std::vector<const common::v1::Event*> slice;
    for (size_t j = i; j < std::min(events.size(), i + batch_size); ++j)
      slice.push_back(&events[j]);
    if (absl::Status s = r.ApplyEvents(slice, changes); !s.ok()) {
      std::fprintf(stderr, "%s\n", s.ToString().c_str());
      return 1;
    }
    r.FinishBatch(changes);
    changes.AppendTo(*batch);
    if (absl::Status s = (*store)->Write(*batch); !s.ok()) {
      std::fprintf(stderr, "%s\n", s.ToString().c_str());
      return 1;
    }
    r.CommitBatch();
  }
  const double seconds = absl::ToDoubleSeconds(absl::Now() - start);
  const double cpu_seconds = static_cast<double>(std::clock() - cpu_start) / CLOCKS_PER_SEC;

  absl::flat_hash_map<std::string, std::string> cluster_of;
  absl::flat_hash_map<std::string, int64_t> sizes;
  r.ForEachProfileMapChunk("", 4096, [&](v1::GetProfileMapResponse& chunk) {
    for (const auto& e : chunk.entries()) {
      cluster_of[e.source().system() + "/" + e.source().id()] = e.profile_id();
      ++sizes[e.profile_id()];
    }
    return true;
  });
  if (const char* dump = std::getenv("IDENTITY_BENCH_DUMP_MAP")) {
    std::ofstream out(dump);
    for (const auto& [k, p] : cluster_of) out << k << "," << p << "\n";
  }
  int64_t largest = 0;
  for (const auto& [p, n] : sizes) largest = std::max(largest, n);
  nlohmann::json out = {{"events", events.size()},
                        {"upserts", upserts},
                        {"seconds", seconds},
                        {"events_per_second", events.size() / seconds},
                        {"upserts_per_second", upserts / seconds},
                        {"cpu_seconds", cpu_seconds},
                        {"upserts_per_cpu_second", upserts / cpu_seconds},
                        {"records", r.record_count()},
                        {"profiles", r.profile_count()},
                        {"largest_profile", largest},
                        {"model_estimates", r.model_estimates()}};
  if (!truth_file.empty()) {
    std::ifstream t(truth_file);
    std::vector<std::pair<std::string, std::string>> truth;
    std::getline(t, line);  // Header.
    while (std::getline(t, line)) {
      const size_t comma = line.find(',');
      if (comma == std::string::npos) continue;
      std::string b = line.substr(comma + 1);
      if (!b.empty() && b.back() == '\r') b.pop_back();
      truth.emplace_back(line.substr(0, comma), b);
    }
    const LinkageMetrics m = PairwiseLinkageMetrics(truth, cluster_of);
    out["precision"] = m.precision;
    out["recall"] = m.recall;
    out["f1"] = m.f1;
    out["true_pairs"] = m.true_pairs;
    out["predicted_pairs"] = m.predicted_pairs;
  }
  std::printf("%s\n", out.dump().c_str());
  return 0;
}

}  // namespace
}  // namespace clientele::identity

int main(int argc, char** argv) {
  CLI::App app{"Incremental identity resolution throughput and quality"};
  std::string events, truth;
  size_t batch = 512;
  uint64_t first_estimate = 0;
  double conflict_weight = clientele::identity::ResolverOptions().conflict_weight;
  size_t max_candidates = clientele::identity::ResolverOptions().max_candidates;
  app.add_option("--events", events, "events-jsonl file")->required();
  app.add_option("--truth", truth, "Truth CSV (header, then system/id,system/id per line)");
  app.add_option("--batch", batch, "Events per WriteBatch (the consumer's batch size)");
  app.add_option("--first_estimate", first_estimate,
                 "Re-estimate the model by EM from this many records on (default: off)");
  app.add_option("--conflict_weight", conflict_weight, "ResolverOptions::conflict_weight");
  app.add_option("--max_candidates", max_candidates, "ResolverOptions::max_candidates");
  size_t write_buffer_mb = 0;
  app.add_option("--write_buffer_mb", write_buffer_mb,
                 "RocksDB memtable size per column family (default: the store's)");
  CLI11_PARSE(app, argc, argv);
  std::string dir = (std::filesystem::temp_directory_path() / "identity-bench-XXXXXX").string();
  if (mkdtemp(dir.data()) == nullptr) return 1;
  const int rc = clientele::identity::Run(events, truth, batch, first_estimate, conflict_weight,
                                          max_candidates, dir, write_buffer_mb);
  std::filesystem::remove_all(dir);
  return rc;
}
