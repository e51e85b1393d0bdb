// Factories of the per-format importers. Each takes the whole file (ownership passes to the
// importer, whose events view nothing else) and settings with every default resolved.
#ifndef CLIENTELE_INGEST_IMPORT_INTERNAL_FORMAT_IMPORTERS_H_
#define CLIENTELE_INGEST_IMPORT_INTERNAL_FORMAT_IMPORTERS_H_

#include <memory>

#include "absl/status/statusor.h"
#include "ingest/import/importer.h"
#include "ingest/import/internal/import_util.h"

namespace clientele::ingest::import_internal {

// Reads the header and indexes every row (grouping rows by invoice) before returning.
absl::StatusOr<std::unique_ptr<Importer>> OpenOnlineRetailImporter(
    std::unique_ptr<Contents> contents, Settings settings);

// Reads the header; rows are read as batches are asked for.
absl::StatusOr<std::unique_ptr<Importer>> OpenMarketingCampaignImporter(
    std::unique_ptr<Contents> contents, Settings settings);

// Lines are read as batches are asked for.
absl::StatusOr<std::unique_ptr<Importer>> OpenEventsJsonlImporter(
    std::unique_ptr<Contents> contents, Settings settings);

// Reads the header; rows are read as batches are asked for.
absl::StatusOr<std::unique_ptr<Importer>> OpenFebrlImporter(std::unique_ptr<Contents> contents,
                                                            Settings settings);

// One basket per line; lines are read as batches are asked for.
absl::StatusOr<std::unique_ptr<Importer>> OpenBasketsImporter(std::unique_ptr<Contents> contents,
                                                              Settings settings);

// Detects u.data or ratings.csv from the first line; rows are read as batches are asked for.
absl::StatusOr<std::unique_ptr<Importer>> OpenMovieLensImporter(std::unique_ptr<Contents> contents,
                                                                Settings settings);

}  // namespace clientele::ingest::import_internal

#endif  // CLIENTELE_INGEST_IMPORT_INTERNAL_FORMAT_IMPORTERS_H_
