// febrl: FEBRL synthetic person records (Febrl data generator, Peter Christen, ANU; as
// redistributed by the Python Record Linkage Toolkit) as CustomerUpsert events. Streams: rows
// are read as batches are asked for. rec_id is the source id only; nothing else is derived
// from it.
#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "common/text/csv_reader.h"
#include "common/text/utf8.h"
#include "ingest/import/internal/format_importers.h"

namespace clientele::ingest::import_internal {
namespace {

using common::v1::Event;

enum Column : size_t {
  kRecId,
  kGivenName,
  kSurname,
  kStreetNumber,
  kAddress1,
  kAddress2,
  kSuburb,
  kPostcode,
  kState,
  kDateOfBirth,
  kSocSecId,
  kColumnCount,
};

constexpr std::string_view kColumnNames[kColumnCount] = {
    "rec_id", "given_name", "surname", "street_number", "address_1",  "address_2",
    "suburb", "postcode",   "state",   "date_of_birth", "soc_sec_id",
};

class FebrlImporter final : public Importer {
 public:
  FebrlImporter(std::unique_ptr<Contents> contents, Settings settings)
      : contents_(std::move(contents)), settings_(std::move(settings)) {}

  // Reads the header. Call once, before Next.
  absl::Status Init();

  absl::StatusOr<bool> Next(size_t max_events, ImportBatch* batch) override;
  int64_t total_rows_estimate() const override { return total_rows_; }
  int64_t rows_done() const override { return rows_done_; }

 private:
  // Fills `event` from the current record, or returns false with `field` and `reason` set.
  bool Convert(int64_t row, Event* event, std::string_view* field, std::string* reason) const;

  const std::unique_ptr<Contents> contents_;
  const Settings settings_;
  std::unique_ptr<text::CsvReader> reader_;
  text::CsvRecord record_;
  std::vector<size_t> columns_;
  size_t header_size_ = 0;
  std::vector<std::string> header_names_;  // ColumnNames(header).
  int64_t header_lines_ = 0;               // Lines up to the end of the header.
  int64_t row_ = 0;
  int64_t total_rows_ = 0;
  int64_t rows_done_ = 0;
};

absl::Status FebrlImporter::Init() {
  const std::string_view input = StripUtf8Bom(contents_->view());
  reader_ = std::make_unique<text::CsvReader>(input);
  std::vector<std::string_view> header;
  if (reader_->Next(&record_)) header = record_.fields;
  absl::StatusOr<std::vector<size_t>> columns = FindColumns(
      header, std::vector<std::string_view>(std::begin(kColumnNames), std::end(kColumnNames)),
      settings_.source_name);
  if (!columns.ok()) return columns.status();
  columns_ = *std::move(columns);
  header_size_ = header.size();
  header_names_ = ColumnNames(header);
  header_lines_ = reader_->line() - 1;
  // A stray quote that closes on a later line leaves a record with a wrong field count: the
  // reader then rejects only the first line.
  reader_->set_expected_field_count(header_size_);
  const std::string_view rest = input.substr(reader_->offset());
  total_rows_ =
      std::count(rest.begin(), rest.end(), '\n') + (!rest.empty() && rest.back() != '\n' ? 1 : 0);
  return absl::OkStatus();
}

// YYYYMMDD that is a calendar date.
bool ParseCompactDate(std::string_view s, common::v1::Date* date) {
  if (s.size() != 8) return false;
  int v[3] = {0, 0, 0};
  const int widths[3] = {4, 2, 2};
  size_t pos = 0;
  for (int part = 0; part < 3; ++part) {
    for (int k = 0; k < widths[part]; ++k, ++pos) v[part] = v[part] * 10 + (s[pos] - '0');
  }
  const absl::CivilDay day(v[0], v[1], v[2]);
  if (v[0] < 1 || day.year() != v[0] || day.month() != v[1] || day.day() != v[2]) return false;
  date->set_year(v[0]);
  date->set_month(v[1]);
  date->set_day(v[2]);
  return true;
}

bool AllDigits(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool FebrlImporter::Convert(int64_t row, Event* event, std::string_view* field,
                            std::string* reason) const {
  const std::vector<std::string_view>& f = record_.fields;
  if (!record_.ascii && !text::IsValidUtf8(record_.raw)) {
    for (size_t c = 0; c < kColumnCount && field->empty(); ++c) {
      if (columns_[c] < f.size() && !text::IsValidUtf8(f[columns_[c]])) *field = kColumnNames[c];
    }
    *reason = "the row is not valid UTF-8";
    return false;
  }
  if (!record_.error.empty()) {
    if (record_.error_field < header_names_.size()) *field = header_names_[record_.error_field];
    *reason = std::string(record_.error);
    return false;
  }
  if (f.size() != header_size_) {
    *reason = absl::StrCat("the row has ", f.size(), " fields, the header ", header_size_);
    return false;
  }
  auto value = [&](Column c) { return TrimAscii(f[columns_[c]]); };
  const std::string_view id = value(kRecId);
  if (id.empty()) {
    *field = kColumnNames[kRecId];
    *reason = "empty";
    return false;
  }
  if (id.size() > 128) {
    *field = kColumnNames[kRecId];
    *reason = absl::StrCat("longer than 128 bytes: ", Quoted(id));
    return false;
  }
  const std::string_view dob = value(kDateOfBirth);
  if (!dob.empty() && (dob.size() != 8 || !AllDigits(dob))) {
    *field = kColumnNames[kDateOfBirth];
    *reason = absl::StrCat("not a date (YYYYMMDD): ", Quoted(dob));
    return false;
  }
  // Eight digits that are not a calendar date (19371233) are a typo of the generator: the
  // birth date stays unknown, the rest of the row is kept.
  common::v1::Date date;
  const bool has_date = !dob.empty() && ParseCompactDate(dob, &date);

  const std::string& system = settings_.source_system;
  event->set_event_id(absl::StrCat(system, "/customer/", EventIdComponent(id)));
  event->set_channel(settings_.channel);
  event->mutable_source()->set_system(system);
  event->mutable_source()->set_id(std::string(id));
  event->mutable_origin()->set_source_name(settings_.source_name);
  event->mutable_origin()->set_row(row);
  ToProtoTimestamp(settings_.snapshot_time, event->mutable_occurred_at());

  common::v1::CustomerUpsert* upsert = event->mutable_customer_upsert();
  if (!value(kGivenName).empty()) upsert->set_given_name(std::string(value(kGivenName)));
  if (!value(kSurname).empty()) upsert->set_family_name(std::string(value(kSurname)));
  if (has_date) *upsert->mutable_birth_date() = date;

  common::v1::Address address;
  // The street number opens the first line ("6 tullaroop street"), as it is usually written.
  std::string first_line(value(kStreetNumber));
  if (!value(kAddress1).empty()) {
    if (!first_line.empty()) first_line.push_back(' ');
    first_line.append(value(kAddress1));
  }
  if (!first_line.empty()) address.add_lines(std::move(first_line));
  if (!value(kAddress2).empty()) address.add_lines(std::string(value(kAddress2)));
  if (!value(kSuburb).empty()) address.set_city(std::string(value(kSuburb)));
  if (!value(kState).empty()) address.set_region(std::string(value(kState)));
  if (!value(kPostcode).empty()) address.set_postal_code(std::string(value(kPostcode)));
  if (address.ByteSizeLong() > 0) *upsert->mutable_address() = std::move(address);
  if (!value(kSocSecId).empty()) {
    (*upsert->mutable_attributes())["soc_sec_id"].set_string_value(std::string(value(kSocSecId)));
  }
  return true;
}

absl::StatusOr<bool> FebrlImporter::Next(size_t max_events, ImportBatch* batch) {
  if (max_events == 0) return absl::InvalidArgumentError("max_events must be positive");
  batch->Clear();
  while (batch->events.size() < max_events && batch->rejections.size() < max_events &&
         reader_->Next(&record_)) {
    row_ = record_.line - header_lines_;  // Rows follow physical lines (header excluded).
    ++batch->rows;
    Event event;
    std::string_view field;
    std::string reason;
    if (Convert(row_, &event, &field, &reason)) {
      batch->events.push_back(std::move(event));
      batch->event_rows.push_back(1);
    } else {
      batch->rejections.push_back(
          MakeRejection(settings_.source_name, row_, field, reason, record_.raw));
    }
  }
  rows_done_ += batch->rows;
  return batch->rows > 0;
}

}  // namespace

absl::StatusOr<std::unique_ptr<Importer>> OpenFebrlImporter(std::unique_ptr<Contents> contents,
                                                            Settings settings) {
  auto importer = std::make_unique<FebrlImporter>(std::move(contents), std::move(settings));
  absl::Status status = importer->Init();
  if (!status.ok()) return status;
  return std::unique_ptr<Importer>(std::move(importer));
}

}  // namespace clientele::ingest::import_internal
