// Helpers for the importer tests: drain an importer while checking every batch's invariants.
#ifndef CLIENTELE_TESTS_INGEST_IMPORT_IMPORT_TEST_UTIL_H_
#define CLIENTELE_TESTS_INGEST_IMPORT_IMPORT_TEST_UTIL_H_

#include <cstdint>
#include <memory>
#include <numeric>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "gtest/gtest.h"
#include "ingest/import/importer.h"

namespace clientele::ingest::testing {

struct ImportResult {
  std::vector<common::v1::Event> events;
  std::vector<int64_t> event_rows;
  std::vector<ingest::v1::ClientRejection> rejections;
  int64_t rows = 0;
  int batches = 0;
  int64_t total_rows_estimate = 0;
};

// Reads every batch (at most `max_events` events each) and checks, with gtest expectations,
// the per-batch contract: sizes within max_events, one event_rows entry per event, rows ==
// sum(event_rows) + rejections, non-empty batches, and rows_done() keeping count.
inline ImportResult Drain(Importer* importer, size_t max_events = 1000) {
  ImportResult result;
  result.total_rows_estimate = importer->total_rows_estimate();
  ImportBatch batch;
  for (int guard = 0; guard < 10000000; ++guard) {
    absl::StatusOr<bool> more = importer->Next(max_events, &batch);
    EXPECT_TRUE(more.ok()) << more.status();
    if (!more.ok() || !*more) break;
    ++result.batches;
    EXPECT_LE(batch.events.size(), max_events);
    EXPECT_LE(batch.rejections.size(), max_events);
    EXPECT_FALSE(batch.events.empty() && batch.rejections.empty());
    EXPECT_EQ(batch.event_rows.size(), batch.events.size());
    EXPECT_EQ(batch.rows,
              std::accumulate(batch.event_rows.begin(), batch.event_rows.end(), int64_t{0}) +
                  static_cast<int64_t>(batch.rejections.size()));
    result.rows += batch.rows;
    EXPECT_EQ(importer->rows_done(), result.rows);
    for (auto& e : batch.events) result.events.push_back(std::move(e));
    for (int64_t r : batch.event_rows) result.event_rows.push_back(r);
    for (auto& r : batch.rejections) result.rejections.push_back(std::move(r));
  }
  // Exhausted importers stay exhausted.
  absl::StatusOr<bool> more = importer->Next(max_events, &batch);
  EXPECT_TRUE(more.ok() && !*more);
  EXPECT_TRUE(batch.events.empty() && batch.rejections.empty() && batch.rows == 0);
  return result;
}

// Opens `contents` as `format` and drains it. Fails the test if opening fails.
inline ImportResult ImportContents(ImportFormat format, std::string contents,
                                   const ImportOptions& options = ImportOptions(),
                                   size_t max_events = 1000) {
  absl::StatusOr<std::unique_ptr<Importer>> importer =
      OpenImporterForContents(format, std::move(contents), options);
  EXPECT_TRUE(importer.ok()) << importer.status();
  if (!importer.ok()) return ImportResult();
  return Drain(importer->get(), max_events);
}

}  // namespace clientele::ingest::testing

#endif  // CLIENTELE_TESTS_INGEST_IMPORT_IMPORT_TEST_UTIL_H_
