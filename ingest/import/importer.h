// Turns bulk files into batches of clientele.common.v1.Event for `clientele import`, which
// streams them to IngestService. A pure library: no gRPC, no network, no clock.
//
//   CLT_ASSIGN_OR_RETURN(ImportFormat format, ParseImportFormat("online-retail"));
//   CLT_ASSIGN_OR_RETURN(std::unique_ptr<Importer> importer,
//                        OpenImporter(format, "online_retail.csv", ImportOptions()));
//   ImportBatch batch;
//   for (;;) {
//     CLT_ASSIGN_OR_RETURN(bool more, importer->Next(/*max_events=*/500, &batch));
//     if (!more) break;
//     ... send batch.events and batch.rejections (as client_rejections) ...
//   }
//
// Every data row of the file is accounted for exactly once: it is carried by an event or it
// becomes a ClientRejection. Summed over all batches, `rows` equals the number of data rows.
//
// CSV formats read quoted fields with text::CsvReader's default bounds (a quoted field spans at
// most 16 lines and 64 KiB): a stray quote costs the one line it is on, rejected with the
// column it opened in as the field, and reading resumes on the next line.
//
// Formats:
//   online-retail       UCI "Online Retail" CSV (InvoiceNo, StockCode, Description, Quantity,
//                       InvoiceDate, UnitPrice, CustomerID, Country; found by header name).
//                       Rows are grouped by InvoiceNo over the whole file into one Order event
//                       per invoice, in order of first appearance; each distinct
//                       (CustomerID, Country) pair also yields a CustomerUpsert event, emitted
//                       just before that customer's first order. An invoice takes its
//                       customer, country and date from its first good row; a later row with
//                       another CustomerID or Country is rejected, not moved.
//   marketing-campaign  Kaggle "Customer Personality Analysis" (tab separated; ';' and ','
//                       are detected from the header line). One CustomerUpsert per row, with
//                       typed attributes.
//   events-jsonl        One Event per non-blank line in protobuf's JSON mapping.
//   febrl               FEBRL synthetic person records (rec_id, given_name, surname,
//                       street_number, address_1, address_2, suburb, postcode, state,
//                       date_of_birth, soc_sec_id; ", " separated, found by header name). One
//                       CustomerUpsert per row, source id = rec_id; street number and address
//                       lines -> Address.lines, suburb -> city, state -> region, postcode ->
//                       postal_code, soc_sec_id -> attributes["soc_sec_id"]. Empty fields stay
//                       unset; a YYYYMMDD date that is not a calendar date leaves the birth date
//                       unset (the row is kept). occurred_at is ImportOptions::snapshot_time.
//   baskets             Market baskets (arules "Groceries" CSV): one basket per line, items
//                       separated by commas, no header, no quoting; item names exactly as
//                       written (spaces kept). One anonymous Order per line (no customer;
//                       order id "basket-<content>-<row>", <content> a stable hash of the
//                       file's non-blank lines, so the same file again is all duplicates and
//                       another file is not; a line per distinct item, quantity = times
//                       written, unit price 0 in ImportOptions::currency). occurred_at is
//                       ImportOptions::snapshot_time. Empty lines and empty items are rejected.
//   movielens           MovieLens ratings: u.data (tab separated user, item, rating, Unix
//                       timestamp; no header) or ratings.csv (header userId,movieId,rating,
//                       timestamp). One Interaction of type RATING per row: source = (system,
//                       user), sku = item, rating, occurred_at = the timestamp.
//
// The whole file is held in memory (memory-mapped when it is a regular file, which must then
// not be truncated while the importer lives) from OpenImporter on; events and rejections view
// no caller memory. Importers are not thread-safe.
#ifndef CLIENTELE_INGEST_IMPORT_IMPORTER_H_
#define CLIENTELE_INGEST_IMPORT_IMPORTER_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "clientele/common/v1/event.pb.h"
#include "clientele/common/v1/types.pb.h"
#include "clientele/ingest/v1/ingest.pb.h"

namespace clientele::ingest {

struct ImportOptions {
  // SourceKey.system of customers and orders; empty means the format's default
  // ("online_retail", "marketing_campaign", "febrl", "baskets", "movielens"). Must match
  // [a-z0-9_.-]{1,64}. Unused by events-jsonl.
  std::string source_system;
  // Origin.source_name and ClientRejection.source_name; empty means the file's base name.
  std::string source_name;
  // Event.channel; unspecified means the format's default (online-retail: ONLINE_SHOP,
  // marketing-campaign: OTHER). events-jsonl sets it only on events that have none.
  common::v1::Channel channel = common::v1::CHANNEL_UNSPECIFIED;
  // ISO 4217 currency of online-retail unit prices.
  std::string currency = "GBP";
  // Time zone (IANA name) in which local timestamps of the file are read.
  std::string time_zone = "UTC";
  // Event.occurred_at of formats whose rows carry no time of their own (febrl): the time at
  // which the file's contents were true. `clientele import` sets it to the import's start.
  absl::Time snapshot_time = absl::UnixEpoch();
};

struct ImportBatch {
  std::vector<common::v1::Event> events;
  // Per event, how many data rows of the file it carries: an order its lines, a derived
  // CustomerUpsert 0, a marketing-campaign row 1, a JSON line 1.
  std::vector<int64_t> event_rows;
  // Rows that could not become (part of) an event: row (1-based data row, header excluded,
  // counted in physical lines: a row that starts on line L of a file with a one-line header
  // is row L - 1, also after a quoted field that spans lines; for events-jsonl, baskets and
  // movielens the line number), field (column name or JSON path, may be empty), reason, raw
  // (the row as read, valid UTF-8, at most 4 KiB).
  std::vector<ingest::v1::ClientRejection> rejections;
  // Data rows accounted for by this batch: sum(event_rows) + rejections.size().
  int64_t rows = 0;

  void Clear() {
    events.clear();
    event_rows.clear();
    rejections.clear();
    rows = 0;
  }
};

class Importer {
 public:
  virtual ~Importer() = default;

  // Clears `batch` and fills it with up to `max_events` events and up to `max_events`
  // rejections, in file order (for online-retail: in order of each invoice's first row, the
  // rejected rows of an invoice right after its order). Returns false when the file is
  // exhausted and `batch` is empty. InvalidArgument when `max_events` is 0.
  virtual absl::StatusOr<bool> Next(size_t max_events, ImportBatch* batch) = 0;

  // The number of data rows of the file, for progress bars: exact for online-retail and
  // events-jsonl, an estimate (line count) for marketing-campaign.
  virtual int64_t total_rows_estimate() const = 0;

  // Data rows accounted for by the batches returned so far.
  virtual int64_t rows_done() const = 0;
};

enum class ImportFormat {
  kOnlineRetail,
  kMarketingCampaign,
  kEventsJsonl,
  kFebrl,
  kBaskets,
  kMovieLens
};

// "online-retail" | "marketing-campaign" | "events-jsonl" | "febrl" | "baskets" | "movielens";
// InvalidArgument listing the
// valid names otherwise.
absl::StatusOr<ImportFormat> ParseImportFormat(std::string_view name);

// The name ParseImportFormat accepts for `format`.
std::string_view ImportFormatName(ImportFormat format);

// Reads the file at `path` and checks its header. Errors name the path: NotFound when it does
// not exist, PermissionDenied when it may not be read, Unavailable on other I/O errors;
// InvalidArgument for a header that lacks a required column (named in the message) and for
// bad options (source_system, currency, time_zone).
absl::StatusOr<std::unique_ptr<Importer>> OpenImporter(ImportFormat format, const std::string& path,
                                                       const ImportOptions& options);

// As OpenImporter, over `contents` (the whole file) instead of a file; source_name defaults to
// "input". For tests and for callers that already hold the bytes.
absl::StatusOr<std::unique_ptr<Importer>> OpenImporterForContents(ImportFormat format,
                                                                  std::string contents,
                                                                  const ImportOptions& options);

}  // namespace clientele::ingest

#endif  // CLIENTELE_INGEST_IMPORT_IMPORTER_H_
