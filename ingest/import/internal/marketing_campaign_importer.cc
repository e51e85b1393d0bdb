// marketing-campaign: Kaggle "Customer Personality Analysis" rows as CustomerUpsert events
// with typed attributes. Streams: rows are read as batches are asked for.
#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/text/csv_reader.h"
#include "common/text/utf8.h"
#include "ingest/import/internal/format_importers.h"

namespace clientele::ingest::import_internal {
namespace {

using common::v1::Event;

enum class Kind { kId, kInt, kString, kDate };

struct ColumnSpec {
  std::string_view name;  // As in the file's header (matched ignoring case).
  std::string_view key;   // Attribute key.
  Kind kind;
};

// Every column of the data set; all are required in the header. Empty values leave the
// attribute absent (unknown), e.g. the 24 missing incomes. The constant Z_ columns are kept:
// analytics drops constants.
constexpr ColumnSpec kColumns[] = {
    {"ID", "", Kind::kId},
    {"Year_Birth", "year_birth", Kind::kInt},
    {"Education", "education", Kind::kString},
    {"Marital_Status", "marital_status", Kind::kString},
    {"Income", "income", Kind::kInt},
    {"Kidhome", "kidhome", Kind::kInt},
    {"Teenhome", "teenhome", Kind::kInt},
    {"Dt_Customer", "dt_customer", Kind::kDate},
    {"Recency", "recency", Kind::kInt},
    {"MntWines", "mnt_wines", Kind::kInt},
    {"MntFruits", "mnt_fruits", Kind::kInt},
    {"MntMeatProducts", "mnt_meat_products", Kind::kInt},
    {"MntFishProducts", "mnt_fish_products", Kind::kInt},
    {"MntSweetProducts", "mnt_sweet_products", Kind::kInt},
    {"MntGoldProds", "mnt_gold_prods", Kind::kInt},
    {"NumDealsPurchases", "num_deals_purchases", Kind::kInt},
    {"NumWebPurchases", "num_web_purchases", Kind::kInt},
    {"NumCatalogPurchases", "num_catalog_purchases", Kind::kInt},
    {"NumStorePurchases", "num_store_purchases", Kind::kInt},
    {"NumWebVisitsMonth", "num_web_visits_month", Kind::kInt},
    {"AcceptedCmp3", "accepted_cmp3", Kind::kInt},
    {"AcceptedCmp4", "accepted_cmp4", Kind::kInt},
    {"AcceptedCmp5", "accepted_cmp5", Kind::kInt},
    {"AcceptedCmp1", "accepted_cmp1", Kind::kInt},
    {"AcceptedCmp2", "accepted_cmp2", Kind::kInt},
    {"Complain", "complain", Kind::kInt},
    {"Z_CostContact", "z_cost_contact", Kind::kInt},
    {"Z_Revenue", "z_revenue", Kind::kInt},
    {"Response", "response", Kind::kInt},
};
constexpr size_t kColumnCount = sizeof(kColumns) / sizeof(kColumns[0]);

// The separator of the header line: a tab if there is one (the Kaggle file), else the more
// frequent of ';' and ',' (other published copies).
char DetectSeparator(std::string_view input) {
  const std::string_view first_line = input.substr(0, input.find('\n'));
  if (first_line.find('\t') != std::string_view::npos) return '\t';
  const auto semicolons = std::count(first_line.begin(), first_line.end(), ';');
  const auto commas = std::count(first_line.begin(), first_line.end(), ',');
  return semicolons > commas ? ';' : ',';
}

class MarketingCampaignImporter final : public Importer {
 public:
  MarketingCampaignImporter(std::unique_ptr<Contents> contents, Settings settings)
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

absl::Status MarketingCampaignImporter::Init() {
  const std::string_view input = StripUtf8Bom(contents_->view());
  text::CsvOptions options;
  options.separator = DetectSeparator(input);
  reader_ = std::make_unique<text::CsvReader>(input, options);
  std::vector<std::string_view> header;
  if (reader_->Next(&record_)) header = record_.fields;
  std::vector<std::string_view> names;
  for (const ColumnSpec& column : kColumns) names.push_back(column.name);
  absl::StatusOr<std::vector<size_t>> columns = FindColumns(header, names, settings_.source_name);
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

bool MarketingCampaignImporter::Convert(int64_t row, Event* event, std::string_view* field,
                                        std::string* reason) const {
  const std::vector<std::string_view>& f = record_.fields;
  if (!record_.ascii && !text::IsValidUtf8(record_.raw)) {
    for (size_t c = 0; c < kColumnCount && field->empty(); ++c) {
      if (columns_[c] < f.size() && !text::IsValidUtf8(f[columns_[c]])) *field = kColumns[c].name;
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
  const std::string_view id = TrimAscii(f[columns_[0]]);
  if (id.empty()) {
    *field = kColumns[0].name;
    *reason = "empty";
    return false;
  }
  const std::string& system = settings_.source_system;
  event->set_event_id(absl::StrCat(system, "/customer/", EventIdComponent(id)));
  event->set_channel(settings_.channel);
  event->mutable_source()->set_system(system);
  event->mutable_source()->set_id(std::string(id));
  event->mutable_origin()->set_source_name(settings_.source_name);
  event->mutable_origin()->set_row(row);
  auto* attributes = event->mutable_customer_upsert()->mutable_attributes();
  for (size_t c = 1; c < kColumnCount; ++c) {
    const ColumnSpec& column = kColumns[c];
    const std::string_view value = TrimAscii(f[columns_[c]]);
    if (value.empty() && column.kind != Kind::kDate) continue;
    switch (column.kind) {
      case Kind::kId:
        break;
      case Kind::kInt: {
        int64_t number = 0;
        if (!ParseInt64(value, &number)) {
          *field = column.name;
          *reason = absl::StrCat("not an integer: ", Quoted(value));
          return false;
        }
        (*attributes)[std::string(column.key)].set_int_value(number);
        break;
      }
      case Kind::kString:
        (*attributes)[std::string(column.key)].set_string_value(std::string(value));
        break;
      case Kind::kDate: {
        absl::CivilDay day;
        if (!ParseDayMonthYear(value, &day)) {
          *field = column.name;
          *reason = absl::StrCat("not a date (DD-MM-YYYY): ", Quoted(value));
          return false;
        }
        common::v1::Date* date = (*attributes)[std::string(column.key)].mutable_date_value();
        date->set_year(static_cast<int32_t>(day.year()));
        date->set_month(day.month());
        date->set_day(day.day());
        ToProtoTimestamp(absl::FromCivil(day, settings_.time_zone), event->mutable_occurred_at());
        break;
      }
    }
  }
  return true;
}

absl::StatusOr<bool> MarketingCampaignImporter::Next(size_t max_events, ImportBatch* batch) {
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

absl::StatusOr<std::unique_ptr<Importer>> OpenMarketingCampaignImporter(
    std::unique_ptr<Contents> contents, Settings settings) {
  auto importer =
      std::make_unique<MarketingCampaignImporter>(std::move(contents), std::move(settings));
  absl::Status status = importer->Init();
  if (!status.ok()) return status;
  return std::unique_ptr<Importer>(std::move(importer));
}

}  // namespace clientele::ingest::import_internal
