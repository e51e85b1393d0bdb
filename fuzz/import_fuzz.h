// The body shared by the importer fuzz targets: opens an importer of `format` over the input
// and drains it, checking the accounting contract of ingest/import/importer.h (every row is
// carried by an event or a rejection; rejections carry valid UTF-8 of at most 4 KiB).
#ifndef CLIENTELE_FUZZ_IMPORT_FUZZ_H_
#define CLIENTELE_FUZZ_IMPORT_FUZZ_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "common/text/utf8.h"
#include "fuzz/fuzz_check.h"
#include "ingest/import/importer.h"

namespace clientele::fuzz {

inline void FuzzImporter(ingest::ImportFormat format, const uint8_t* data, size_t size) {
  ingest::ImportOptions options;
  options.time_zone = "Europe/Istanbul";  // Local times go through a real zone.
  auto importer = ingest::OpenImporterForContents(
      format, std::string(reinterpret_cast<const char*>(data), size), options);
  if (!importer.ok()) return;
  // Small batches, so that rows are split across Next calls.
  ingest::ImportBatch batch;
  int64_t rows = 0;
  for (;;) {
    absl::StatusOr<bool> more = (*importer)->Next(/*max_events=*/3, &batch);
    FUZZ_CHECK(more.ok());
    if (!*more) {
      FUZZ_CHECK(batch.events.empty() && batch.rejections.empty());
      break;
    }
    FUZZ_CHECK(batch.events.size() <= 3 && batch.rejections.size() <= 3);
    FUZZ_CHECK(batch.events.size() == batch.event_rows.size());
    int64_t batch_rows = static_cast<int64_t>(batch.rejections.size());
    for (int64_t n : batch.event_rows) {
      FUZZ_CHECK(n >= 0);
      batch_rows += n;
    }
    FUZZ_CHECK(batch_rows == batch.rows);
    for (const auto& rejection : batch.rejections) {
      FUZZ_CHECK(text::IsValidUtf8(rejection.raw()));
      FUZZ_CHECK(rejection.raw().size() <= 4096);
      FUZZ_CHECK(text::IsValidUtf8(rejection.reason()));
    }
    rows += batch.rows;
    FUZZ_CHECK(rows == (*importer)->rows_done());
  }
  if (format == ingest::ImportFormat::kOnlineRetail ||
      format == ingest::ImportFormat::kEventsJsonl) {
    FUZZ_CHECK(rows == (*importer)->total_rows_estimate());  // Exact for these formats.
  }
}

}  // namespace clientele::fuzz

#endif  // CLIENTELE_FUZZ_IMPORT_FUZZ_H_
