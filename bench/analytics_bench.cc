// The C++ side of bench/analytics_bench.py: times the analytics algorithms on data that the
// Python script prepares (or generates its own, for `scale`), and prints one JSON object per run.
//
//   analytics_bench rfm ONLINE_RETAIL_CSV REPEAT OUT_CSV [THREADS=1]
//       Parses the file with the online-retail importer (not timed), then REPEAT times: builds a
//       CustomerOrderAggregate per customer from the Order events (THREADS threads, each over
//       the customers of its hash shard), takes the notebook RFM input, and scores it (ScoreRfm,
//       reference = last purchase + 1 day). Writes the last run's
//       CustomerID,recency,frequency,monetary,r,f,m to OUT_CSV.
//   analytics_bench elbow RFM_CSV REPEAT [THREADS=2]
//       RFM_CSV has CustomerID,recency,frequency,monetary. Timed: log1p + standardisation
//       (Preprocessor), then Elbow for k = 2..10 with n_init = 10 and an exact silhouette per k.
//   analytics_bench kmeans RAW_F64 ROWS COLS K N_INIT REPEAT [THREADS=2]
//       RAW_F64 holds ROWS x COLS doubles, row-major. Timed: KMeans (seed 0).
//   analytics_bench ward ROWS [RAW_F64 [OUT_LABELS]]
//       Times AgglomerativeWard (linkage + cut into 5) on ROWS x 3 points (read from RAW_F64, or
//       synthetic), optionally writing the labels one per line.
//   analytics_bench scale CUSTOMERS LINES [THREADS=2] [K=5]
//       Generates a synthetic retailer in memory and times generation, aggregation, RFM scoring
//       and a k-means job on log1p + standardised RFM features.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/hash/hash.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "analytics/aggregates/customer_aggregate.h"
#include "analytics/clustering/agglomerative.h"
#include "analytics/clustering/elbow.h"
#include "analytics/clustering/kmeans.h"
#include "analytics/features/preprocessor.h"
#include "analytics/rfm/rfm.h"
#include "ingest/import/importer.h"

namespace {

using clientele::analytics::CustomerAggregate;
using clientele::analytics::CustomerOrderAggregate;
using clientele::analytics::RfmConvention;
using clientele::analytics::RfmScore;
using Clock = std::chrono::steady_clock;

double Since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

std::string JsonList(const std::vector<double>& v) {
  return absl::StrCat("[",
                      absl::StrJoin(v, ", ",
                                    [](std::string* out, double x) {
                                      absl::StrAppend(out, absl::StrFormat("%.9g", x));
                                    }),
                      "]");
}

int Fail(const absl::Status& s) {
  std::fprintf(stderr, "%s\n", s.ToString().c_str());
  return 1;
}

// Scores the customers of `aggregates` under the notebook convention, reference = the latest
// purchase + 1 day (the notebook's snapshot date).
std::vector<RfmScore> Score(const std::vector<CustomerAggregate>& customers) {
  absl::Time latest = absl::InfinitePast();
  for (const CustomerAggregate& c : customers) latest = std::max(latest, c.last_purchase);
  return clientele::analytics::ScoreRfm(customers, latest + absl::Hours(24));
}

int RunRfm(const std::string& path, int repeat, const std::string& out_path, int threads) {
  auto importer = clientele::ingest::OpenImporter(clientele::ingest::ImportFormat::kOnlineRetail,
                                                  path, clientele::ingest::ImportOptions());
  if (!importer.ok()) return Fail(importer.status());
  std::vector<clientele::common::v1::Event> events;
  clientele::ingest::ImportBatch batch;
  for (;;) {
    absl::StatusOr<bool> more = (*importer)->Next(1000, &batch);
    if (!more.ok()) return Fail(more.status());
    if (!*more) break;
    for (auto& e : batch.events) {
      if (e.has_order()) events.push_back(std::move(e));
    }
  }

  // Each thread aggregates the customers whose id hashes to its shard (every order of a
  // customer lands in one shard), as the scale mode splits customers over threads.
  threads = std::max(1, threads);
  std::vector<double> times;
  std::vector<CustomerAggregate> customers;
  std::vector<RfmScore> scores;
  for (int run = 0; run < repeat; ++run) {
    const Clock::time_point start = Clock::now();
    std::vector<std::vector<CustomerAggregate>> shards(threads);
    std::vector<absl::Status> statuses(threads);
    auto aggregate = [&](int shard) {
      absl::flat_hash_map<std::string, CustomerOrderAggregate> by_customer;
      const absl::Hash<std::string_view> hash;
      for (const auto& e : events) {
        const auto& order = e.order();
        if (!order.has_customer()) continue;  // Guest orders have no CustomerID.
        const std::string& id = order.customer().id();
        if (threads > 1 && static_cast<int>(hash(id) % threads) != shard) continue;
        const absl::Time at = absl::FromUnixSeconds(e.occurred_at().seconds()) +
                              absl::Nanoseconds(e.occurred_at().nanos());
        absl::Status s = by_customer[id].AddOrder(order, at);
        if (!s.ok()) {
          statuses[shard] = s;
          return;
        }
      }
      std::vector<CustomerAggregate>& out = shards[shard];
      out.reserve(by_customer.size());
      for (const auto& [key, agg] : by_customer) {
        std::optional<CustomerAggregate> c = agg.ToRfmInput(key, RfmConvention::kNotebook);
        if (c.has_value()) out.push_back(*std::move(c));
      }
    };
    std::vector<std::thread> workers;
    for (int t = 1; t < threads; ++t) workers.emplace_back(aggregate, t);
    aggregate(0);
    for (std::thread& w : workers) w.join();
    for (const absl::Status& s : statuses) {
      if (!s.ok()) return Fail(s);
    }
    customers.clear();
    for (std::vector<CustomerAggregate>& shard : shards) {
      customers.insert(customers.end(), std::make_move_iterator(shard.begin()),
                       std::make_move_iterator(shard.end()));
    }
    scores = Score(customers);
    times.push_back(Since(start));
  }
  std::ofstream out(out_path);
  out << "CustomerID,recency,frequency,monetary,r,f,m\n";
  for (size_t i = 0; i < customers.size(); ++i) {
    out << customers[i].key << ',' << scores[i].recency_days << ',' << customers[i].frequency << ','
        << absl::StrFormat("%.17g", customers[i].monetary) << ',' << scores[i].r << ','
        << scores[i].f << ',' << scores[i].m << '\n';
  }
  std::printf("{\"what\": \"rfm\", \"events\": %zu, \"customers\": %zu, \"seconds\": %s}\n",
              events.size(), customers.size(), JsonList(times).c_str());
  return 0;
}

int RunElbow(const std::string& path, int repeat, int threads) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);  // header
  std::vector<double> recency, frequency, monetary;
  while (std::getline(in, line)) {
    std::stringstream ss(line);
    std::string field;
    std::getline(ss, field, ',');
    std::getline(ss, field, ',');
    recency.push_back(std::stod(field));
    std::getline(ss, field, ',');
    frequency.push_back(std::stod(field));
    std::getline(ss, field, ',');
    monetary.push_back(std::stod(field));
  }
  using clientele::analytics::NumericColumn;
  const clientele::analytics::FeatureFrame frame = {NumericColumn("recency", recency, true),
                                                    NumericColumn("frequency", frequency, true),
                                                    NumericColumn("monetary", monetary, true)};
  std::vector<double> times;
  absl::StatusOr<clientele::analytics::ElbowResult> elbow;
  for (int run = 0; run < repeat; ++run) {
    const Clock::time_point start = Clock::now();
    absl::StatusOr<clientele::analytics::Preprocessor> pre =
        clientele::analytics::Preprocessor::Fit(frame);
    if (!pre.ok()) return Fail(pre.status());
    absl::StatusOr<Eigen::MatrixXd> X = pre->Transform(frame);
    if (!X.ok()) return Fail(X.status());
    clientele::analytics::ElbowOptions options;
    options.k_min = 2;
    options.k_max = 10;
    options.kmeans.n_init = 10;
    options.kmeans.seed = 0;
    options.kmeans.threads = threads;
    elbow = clientele::analytics::Elbow(*X, options);
    if (!elbow.ok()) return Fail(elbow.status());
    times.push_back(Since(start));
  }
  std::vector<double> inertia, silhouette;
  for (const auto& p : elbow->points) {
    inertia.push_back(p.inertia);
    silhouette.push_back(p.silhouette.value_or(NAN));
  }
  std::printf(
      "{\"what\": \"elbow\", \"n\": %zu, \"seconds\": %s, \"inertia\": %s, \"silhouette\": %s, "
      "\"elbow_k\": %d, \"suggested_k\": %d}\n",
      recency.size(), JsonList(times).c_str(), JsonList(inertia).c_str(),
      JsonList(silhouette).c_str(), elbow->elbow_k, elbow->suggested_k);
  return 0;
}

int RunKMeans(const std::string& path, Eigen::Index rows, Eigen::Index cols, int k, int n_init,
              int repeat, int threads) {
  using RowMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  RowMatrix raw(rows, cols);
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr ||
      std::fread(raw.data(), sizeof(double), raw.size(), f) != static_cast<size_t>(raw.size())) {
    std::fprintf(stderr, "cannot read %s\n", path.c_str());
    return 1;
  }
  std::fclose(f);
  const Eigen::MatrixXd X = raw;
  std::vector<double> times;
  absl::StatusOr<clientele::analytics::KMeansResult> result;
  for (int run = 0; run < repeat; ++run) {
    clientele::analytics::KMeansOptions options;
    options.k = k;
    options.n_init = n_init;
    options.seed = 0;
    options.threads = threads;
    const Clock::time_point start = Clock::now();
    result = clientele::analytics::KMeans(X, options);
    times.push_back(Since(start));
    if (!result.ok()) return Fail(result.status());
  }
  std::printf(
      "{\"what\": \"kmeans\", \"n\": %ld, \"seconds\": %s, \"inertia\": %.17g, "
      "\"iterations\": %d}\n",
      static_cast<long>(rows), JsonList(times).c_str(), result->inertia, result->iterations);
  return 0;
}

// Ward linkage on `rows` x 3 points and a cut into 5 clusters: read from RAW_F64 (row-major
// doubles) when given, else 5 noisy blobs with a fixed seed. Writes the labels to OUT if given.
int RunWard(Eigen::Index rows, const char* raw_path, const char* out_path) {
  Eigen::MatrixXd X(rows, 3);
  if (raw_path != nullptr) {
    Eigen::Matrix<double, Eigen::Dynamic, 3, Eigen::RowMajor> raw(rows, 3);
    std::FILE* f = std::fopen(raw_path, "rb");
    if (f == nullptr ||
        std::fread(raw.data(), sizeof(double), raw.size(), f) != static_cast<size_t>(raw.size())) {
      std::fprintf(stderr, "cannot read %s\n", raw_path);
      return 1;
    }
    std::fclose(f);
    X = raw;
  } else {
    std::mt19937_64 rng(42);
    std::normal_distribution<double> noise(0.0, 1.0);
    for (Eigen::Index i = 0; i < rows; ++i) {
      for (int j = 0; j < 3; ++j) X(i, j) = 6.0 * static_cast<double>((i % 5) == j) + noise(rng);
    }
  }
  const Clock::time_point start = Clock::now();
  absl::StatusOr<std::vector<int>> labels = clientele::analytics::AgglomerativeWard(X, 5);
  const double seconds = Since(start);
  if (!labels.ok()) return Fail(labels.status());
  if (out_path != nullptr) {
    std::ofstream out(out_path);
    for (int label : *labels) out << label << '\n';
  }
  std::printf("{\"what\": \"ward\", \"n\": %ld, \"seconds\": %.3f}\n", static_cast<long>(rows),
              seconds);
  return 0;
}

}  // namespace

int RunScale(int64_t customers, int64_t lines, int threads, int k);  // analytics_scale.cc

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "";
  if (mode == "rfm" && argc >= 5) {
    return RunRfm(argv[2], std::atoi(argv[3]), argv[4], argc >= 6 ? std::atoi(argv[5]) : 1);
  }
  if (mode == "elbow" && argc >= 4) {
    return RunElbow(argv[2], std::atoi(argv[3]), argc > 4 ? std::atoi(argv[4]) : 2);
  }
  if (mode == "kmeans" && argc >= 8) {
    return RunKMeans(argv[2], std::atol(argv[3]), std::atol(argv[4]), std::atoi(argv[5]),
                     std::atoi(argv[6]), std::atoi(argv[7]), argc > 8 ? std::atoi(argv[8]) : 2);
  }
  if (mode == "ward" && argc >= 3) {
    return RunWard(std::atol(argv[2]), argc > 3 ? argv[3] : nullptr, argc > 4 ? argv[4] : nullptr);
  }
  if (mode == "scale" && argc >= 4) {
    return RunScale(std::atoll(argv[2]), std::atoll(argv[3]), argc > 4 ? std::atoi(argv[4]) : 2,
                    argc > 5 ? std::atoi(argv[5]) : 5);
  }
  std::fprintf(stderr,
               "usage: %s rfm CSV REPEAT OUT_CSV [THREADS] | elbow RFM_CSV REPEAT [THREADS] |\n"
               "       kmeans RAW_F64 ROWS COLS K N_INIT REPEAT [THREADS] |\n"
               "       ward ROWS [RAW_F64 [OUT]] | scale CUSTOMERS LINES [THREADS] [K]\n",
               argv[0]);
  return 2;
}
