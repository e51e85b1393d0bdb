// Times OpenImporter + Next over a whole file: reading, parsing, building every event and
// handing it to an IngestRequest (then freeing it), as `clientele import` does.
//
//   import_parse_bench FILE [FORMAT=online-retail] [REPEAT=3] [MAX_EVENTS=1000]
//
// Prints, per run, the seconds spent opening (read + index) and producing batches, and the
// rows per second of the whole; then the best run. Like the CLI's queue, 4 requests stay alive
// before one is freed; IMPORT_BENCH_IN_FLIGHT=0 frees each at once (the importer's own cost:
// on a machine with slow page faults, every batch kept alive adds fresh heap pages). Run 1 of
// a process is the one the CLI sees; later runs reuse warm heap.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <deque>
#include <string>

#include "ingest/import/importer.h"

namespace {

using Clock = std::chrono::steady_clock;

// Requests built but not yet freed, as in `clientele import` (a queue of 4 plus the one being
// sent). Override with the environment variable IMPORT_BENCH_IN_FLIGHT.
size_t kRequestsInFlight = 4;

double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

// CPU time of this thread: unlike wall time, not inflated by other processes on the machine.
double ThreadCpuSeconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s FILE [FORMAT=online-retail] [REPEAT=3] [MAX_EVENTS=1000]\n",
                 argv[0]);
    return 2;
  }
  const std::string path = argv[1];
  const std::string format_name = argc > 2 ? argv[2] : "online-retail";
  const int repeat = argc > 3 ? std::max(1, std::atoi(argv[3])) : 3;
  const size_t max_events = argc > 4 ? std::max(1, std::atoi(argv[4])) : 1000;
  if (const char* in_flight = std::getenv("IMPORT_BENCH_IN_FLIGHT")) {
    kRequestsInFlight = static_cast<size_t>(std::atoi(in_flight));
  }
  auto format = clientele::ingest::ParseImportFormat(format_name);
  if (!format.ok()) {
    std::fprintf(stderr, "%s\n", format.status().ToString().c_str());
    return 2;
  }
  double best = 1e100;
  double best_cpu = 1e100;
  for (int run = 0; run < repeat; ++run) {
    const Clock::time_point start = Clock::now();
    const double cpu_start = ThreadCpuSeconds();
    auto importer = clientele::ingest::OpenImporter(*format, path, {});
    if (!importer.ok()) {
      std::fprintf(stderr, "%s\n", importer.status().ToString().c_str());
      return 1;
    }
    const Clock::time_point opened = Clock::now();
    clientele::ingest::ImportBatch batch;
    // As `clientele import` does: each batch's events move into a request, and a request is
    // freed after a few more have been built (its queue to the sending thread holds 4).
    std::deque<clientele::ingest::v1::IngestRequest> requests;
    int64_t rows = 0, events = 0, lines = 0, rejections = 0;
    for (;;) {
      auto more = (*importer)->Next(max_events, &batch);
      if (!more.ok()) {
        std::fprintf(stderr, "%s\n", more.status().ToString().c_str());
        return 1;
      }
      if (!*more) break;
      rows += batch.rows;
      events += static_cast<int64_t>(batch.events.size());
      rejections += static_cast<int64_t>(batch.rejections.size());
      for (const auto& e : batch.events) lines += e.order().lines_size();
      clientele::ingest::v1::IngestRequest& request = requests.emplace_back();
      request.mutable_events()->Reserve(static_cast<int>(batch.events.size()));
      for (auto& e : batch.events) *request.add_events() = std::move(e);
      for (auto& r : batch.rejections) *request.add_client_rejections() = std::move(r);
      if (requests.size() > kRequestsInFlight) requests.pop_front();
    }
    requests.clear();
    const Clock::time_point done = Clock::now();
    const double cpu = ThreadCpuSeconds() - cpu_start;
    const double total = Seconds(done - start);
    best = std::min(best, total);
    best_cpu = std::min(best_cpu, cpu);
    std::printf(
        "run %d: %.3f s wall (open %.3f s + batches %.3f s), %.3f s cpu, %lld rows, %.0f rows/s; "
        "%lld events (%lld order lines), %lld rejections\n",
        run + 1, total, Seconds(opened - start), Seconds(done - opened), cpu,
        static_cast<long long>(rows), static_cast<double>(rows) / total,
        static_cast<long long>(events), static_cast<long long>(lines),
        static_cast<long long>(rejections));
  }
  std::printf("best: %.3f s wall, %.3f s cpu\n", best, best_cpu);
  return 0;
}
