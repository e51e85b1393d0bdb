// online-retail: UCI "Online Retail" rows grouped by InvoiceNo into Order events.
//
// Two passes over the in-memory file, so that memory stays O(invoices), not O(rows):
//  1. Open: split every record, reject the ones without a usable InvoiceNo (CSV errors,
//     wrong field count, invalid UTF-8, empty InvoiceNo), and record each invoice as a list of
//     runs of consecutive records, plus a plan: invoices in order of first appearance, with
//     the rejections between them.
//  2. Next: re-read an invoice's runs, check each row's fields, and build the order (and the
//     customer upsert of a new (CustomerID, Country) pair); rows that fail become rejections.
// Outputs wait in a small queue so that a batch never exceeds max_events of either kind.
#include <algorithm>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/money/money.h"
#include "common/text/csv_reader.h"
#include "common/text/utf8.h"
#include "ingest/import/internal/format_importers.h"

namespace clientele::ingest::import_internal {
namespace {

using common::v1::Event;
using ingest::v1::ClientRejection;

enum Column : int {
  kInvoiceNo,
  kStockCode,
  kDescription,
  kQuantity,
  kInvoiceDate,
  kUnitPrice,
  kCustomerId,
  kCountry,
  kColumnCount
};

constexpr std::string_view kColumnNames[kColumnCount] = {"InvoiceNo",  "StockCode",   "Description",
                                                         "Quantity",   "InvoiceDate", "UnitPrice",
                                                         "CustomerID", "Country"};

// "17850.0" -> "17850": the Spark export writes customer ids as floats. Other ids are kept.
std::string_view NormalizeCustomerId(std::string_view id) {
  const size_t dot = id.find('.');
  if (dot == std::string_view::npos || dot == 0 || dot + 1 == id.size()) return id;
  for (size_t i = 0; i < id.size(); ++i) {
    if (i < dot ? (id[i] < '0' || id[i] > '9') : (i > dot && id[i] != '0')) return id;
  }
  return id.substr(0, dot);
}

std::string CustomerText(std::string_view customer_id) {
  return customer_id.empty() ? std::string("a guest")
                             : absl::StrCat("customer ", Quoted(customer_id));
}

class OnlineRetailImporter final : public Importer {
 public:
  OnlineRetailImporter(std::unique_ptr<Contents> contents, Settings settings)
      : contents_(std::move(contents)),
        input_(StripUtf8Bom(contents_->view())),
        settings_(std::move(settings)),
        reader_(input_) {}

  // Pass 1. Call once, before Next.
  absl::Status Index();

  absl::StatusOr<bool> Next(size_t max_events, ImportBatch* batch) override;
  int64_t total_rows_estimate() const override { return total_rows_; }
  int64_t rows_done() const override { return rows_done_; }

 private:
  // Consecutive records of one invoice.
  struct Run {
    size_t offset;       // Of the first record in input_.
    int64_t first_line;  // Physical line of the first record.
    int64_t count;
    int32_t next;  // Next run of the same invoice, or -1.
  };
  struct Invoice {
    std::string_view invoice_no;  // Trimmed; views input_ or owned_.
    int32_t first_run;
    int32_t last_run;
  };
  // A record rejected in pass 1.
  struct Rejection {
    int64_t row;
    std::string_view field;
    std::string reason;
    std::string_view raw;
  };
  struct Item {
    bool is_invoice;
    uint32_t index;  // Into invoices_ or rejections_.
  };
  // An event or a rejection waiting for room in a batch.
  struct Output {
    bool is_event;
    int64_t rows;
    Event event;
    ClientRejection rejection;
  };
  // The invoice being built in pass 2.
  struct Order {
    Event event;
    int64_t first_row = 0;
    int64_t line_count = 0;
    std::string customer_id;
    std::string country;
    absl::Time occurred_at;
  };
  struct Price {
    int64_t minor_units;
    uint32_t extra_decimals;
  };

  void IndexRecord(int64_t row, size_t header_size);
  // The data row of the current record: its first physical line, counted from the line after
  // the header.
  int64_t Row() const { return record_.line - header_lines_; }
  void StageInvoice(const Invoice& invoice);
  // Adds the current record to `order`, or returns false with `field` and `reason` set.
  bool AddRow(int64_t row, Order* order, std::string_view* field, std::string* reason);
  // The line's price, or false with `reason` set.
  bool ParsePrice(std::string_view text, Price* price, std::string* reason);
  void StageRejection(int64_t row, std::string_view field, std::string_view reason,
                      std::string_view raw) {
    Output& out = staged_.emplace_back();
    out.is_event = false;
    out.rows = 1;
    out.rejection = MakeRejection(settings_.source_name, row, field, reason, raw);
  }
  // `s` itself when it views input_, else a copy that lives as long as the importer.
  std::string_view Stable(std::string_view s) {
    if (s.data() >= input_.data() && s.data() <= input_.data() + input_.size()) return s;
    return owned_.emplace_back(s);
  }

  const std::unique_ptr<Contents> contents_;
  const std::string_view input_;
  const Settings settings_;
  text::CsvReader reader_;
  text::CsvRecord record_;
  size_t columns_[kColumnCount] = {};
  std::vector<std::string> header_names_;  // ColumnNames(header).
  int64_t header_lines_ = 0;               // Lines up to the end of the header.

  // Pass 1.
  std::vector<Run> runs_;
  std::vector<Invoice> invoices_;
  std::vector<Rejection> rejections_;
  std::vector<Item> items_;
  absl::flat_hash_map<absl::string_view, uint32_t> invoice_by_no_;
  int32_t previous_invoice_ = -1;  // Invoice of the previous record, if it joined one.
  std::deque<std::string> owned_;  // Unescaped fields that do not view input_.
  int64_t total_rows_ = 0;

  // Pass 2.
  size_t next_item_ = 0;
  std::deque<Output> staged_;
  std::vector<ClientRejection> invoice_rejections_;
  absl::flat_hash_set<std::pair<std::string, std::string>> customer_pairs_;
  absl::flat_hash_map<std::string, Price> price_cache_;
  std::string last_date_text_;
  absl::CivilSecond last_date_;
  int64_t rows_done_ = 0;
};

absl::Status OnlineRetailImporter::Index() {
  std::vector<std::string_view> header;
  if (reader_.Next(&record_)) header = record_.fields;
  absl::StatusOr<std::vector<size_t>> columns = FindColumns(
      header, std::vector<std::string_view>(std::begin(kColumnNames), std::end(kColumnNames)),
      settings_.source_name);
  if (!columns.ok()) return columns.status();
  std::copy(columns->begin(), columns->end(), columns_);
  header_names_ = ColumnNames(header);
  header_lines_ = reader_.line() - 1;
  // A stray quote that closes on a later line leaves a record with a wrong field count: the
  // reader then rejects only the first line.
  reader_.set_expected_field_count(header.size());
  // Pass 1 needs each record's extent and its InvoiceNo, not every field.
  const size_t leading_fields = columns_[kInvoiceNo] + 1;
  int64_t records = 0;
  while (reader_.Next(&record_, leading_fields)) {
    if (!record_.ascii) {  // Split it all, to name the field if it is not valid UTF-8.
      reader_.Seek(static_cast<size_t>(record_.raw.data() - input_.data()), record_.line);
      reader_.Next(&record_);
    }
    ++records;
    IndexRecord(Row(), header.size());
  }
  total_rows_ = records;
  return absl::OkStatus();
}

void OnlineRetailImporter::IndexRecord(int64_t row, size_t header_size) {
  const std::vector<std::string_view>& f = record_.fields;
  std::string_view field;
  std::string reason;
  // Fields split at ASCII bytes, so they are valid UTF-8 whenever the whole record is.
  if (!record_.ascii && !text::IsValidUtf8(record_.raw)) {
    for (int c = 0; c < kColumnCount && field.empty(); ++c) {
      if (columns_[c] < f.size() && !text::IsValidUtf8(f[columns_[c]])) field = kColumnNames[c];
    }
    reason = "the row is not valid UTF-8";
  } else if (!record_.error.empty()) {
    if (record_.error_field < header_names_.size()) field = header_names_[record_.error_field];
    reason = std::string(record_.error);
  } else if (record_.field_count != header_size) {
    reason = absl::StrCat("the row has ", record_.field_count, " fields, the header ", header_size);
  } else if (TrimAscii(f[columns_[kInvoiceNo]]).empty()) {
    field = kColumnNames[kInvoiceNo];
    reason = "empty";
  }
  if (!reason.empty()) {
    items_.push_back({false, static_cast<uint32_t>(rejections_.size())});
    rejections_.push_back({row, field, std::move(reason), record_.raw});
    previous_invoice_ = -1;
    return;
  }

  const std::string_view invoice_no = TrimAscii(f[columns_[kInvoiceNo]]);
  if (previous_invoice_ >= 0 && invoices_[previous_invoice_].invoice_no == invoice_no) {
    ++runs_[invoices_[previous_invoice_].last_run].count;  // The common case.
    return;
  }
  const auto run_index = static_cast<int32_t>(runs_.size());
  runs_.push_back({static_cast<size_t>(record_.raw.data() - input_.data()), record_.line, 1, -1});
  auto it = invoice_by_no_.find(ToAbsl(invoice_no));
  if (it != invoice_by_no_.end()) {  // An invoice seen before, split by other records.
    Invoice& invoice = invoices_[it->second];
    runs_[invoice.last_run].next = run_index;
    invoice.last_run = run_index;
    previous_invoice_ = static_cast<int32_t>(it->second);
    return;
  }
  previous_invoice_ = static_cast<int32_t>(invoices_.size());
  items_.push_back({true, static_cast<uint32_t>(invoices_.size())});
  invoices_.push_back({Stable(invoice_no), run_index, run_index});
  invoice_by_no_.emplace(ToAbsl(invoices_.back().invoice_no), invoices_.size() - 1);
}

bool OnlineRetailImporter::ParsePrice(std::string_view text, Price* price, std::string* reason) {
  // Few distinct prices recur on many lines; ParseDecimalMoney costs more than a lookup.
  auto it = price_cache_.find(ToAbsl(text));
  if (it != price_cache_.end()) {
    *price = it->second;
    return true;
  }
  absl::StatusOr<common::v1::Money> money = money::ParseDecimalMoney(text, settings_.currency);
  if (!money.ok()) {
    *reason = std::string(money.status().message());
    return false;
  }
  *price = {money->minor_units(), money->extra_decimals()};
  if (price_cache_.size() < 65536) price_cache_.emplace(std::string(text), *price);
  return true;
}

bool OnlineRetailImporter::AddRow(int64_t row, Order* order, std::string_view* field,
                                  std::string* reason) {
  const std::vector<std::string_view>& f = record_.fields;
  const std::string_view sku = TrimAscii(f[columns_[kStockCode]]);
  if (sku.empty()) {
    *field = kColumnNames[kStockCode];
    *reason = "empty";
    return false;
  }
  int64_t quantity = 0;
  const std::string_view quantity_text = TrimAscii(f[columns_[kQuantity]]);
  if (!ParseInt64(quantity_text, &quantity)) {
    *field = kColumnNames[kQuantity];
    *reason = absl::StrCat("not an integer: ", Quoted(quantity_text));
    return false;
  }
  const std::string_view date_text = TrimAscii(f[columns_[kInvoiceDate]]);
  if (date_text != last_date_text_ || last_date_text_.empty()) {
    absl::CivilSecond date;
    if (!ParseLocalDateTime(date_text, &date)) {
      *field = kColumnNames[kInvoiceDate];
      *reason = absl::StrCat("not a date-time (YYYY-MM-DD HH:MM:SS or M/D/YYYY H:MM): ",
                             Quoted(date_text));
      return false;
    }
    last_date_ = date;
    last_date_text_.assign(date_text.data(), date_text.size());
  }
  Price price;
  if (!ParsePrice(TrimAscii(f[columns_[kUnitPrice]]), &price, reason)) {
    *field = kColumnNames[kUnitPrice];
    return false;
  }
  const std::string_view customer_id = NormalizeCustomerId(TrimAscii(f[columns_[kCustomerId]]));
  const std::string_view country = TrimAscii(f[columns_[kCountry]]);
  if (order->line_count == 0) {
    order->first_row = row;
    order->customer_id.assign(customer_id.data(), customer_id.size());
    order->country.assign(country.data(), country.size());
    order->occurred_at = absl::FromCivil(last_date_, settings_.time_zone);
  } else if (customer_id != order->customer_id) {
    // One invoice has one customer and one country; a row that disagrees is not silently
    // moved to another customer.
    *field = kColumnNames[kCustomerId];
    *reason = absl::StrCat("invoice ", ToAbsl(order->event.order().order_id()), " (row ",
                           order->first_row, ") belongs to ", CustomerText(order->customer_id),
                           ", not to ", CustomerText(customer_id));
    return false;
  } else if (country != order->country) {
    *field = kColumnNames[kCountry];
    *reason = absl::StrCat("invoice ", ToAbsl(order->event.order().order_id()), " (row ",
                           order->first_row, ") is from ", Quoted(order->country), ", not from ",
                           Quoted(country));
    return false;
  }
  ++order->line_count;
  common::v1::OrderLine* line = order->event.mutable_order()->add_lines();
  line->set_sku(std::string(sku));
  line->set_description(std::string(f[columns_[kDescription]]));
  line->set_quantity(quantity);
  common::v1::Money* unit_price = line->mutable_unit_price();
  unit_price->set_minor_units(price.minor_units);
  unit_price->set_currency_code(settings_.currency);
  unit_price->set_extra_decimals(price.extra_decimals);
  line->set_source_row(row);
  return true;
}

void OnlineRetailImporter::StageInvoice(const Invoice& invoice) {
  Order order;
  order.event.mutable_order()->set_order_id(std::string(invoice.invoice_no));
  int64_t rows = 0;
  for (int32_t r = invoice.first_run; r >= 0; r = runs_[r].next) rows += runs_[r].count;
  order.event.mutable_order()->mutable_lines()->Reserve(
      static_cast<int>(std::min<int64_t>(rows, 1 << 20)));
  invoice_rejections_.clear();
  for (int32_t r = invoice.first_run; r >= 0; r = runs_[r].next) {
    const Run& run = runs_[r];
    reader_.Seek(run.offset, run.first_line);
    for (int64_t i = 0; i < run.count; ++i) {
      reader_.Next(&record_);  // Pass 1 read the same records.
      const int64_t row = Row();
      std::string_view field;
      std::string reason;
      if (!AddRow(row, &order, &field, &reason)) {
        invoice_rejections_.push_back(
            MakeRejection(settings_.source_name, row, field, reason, record_.raw));
      }
    }
  }
  if (order.line_count > 0) {
    const std::string& system = settings_.source_system;
    if (!order.customer_id.empty() &&
        customer_pairs_.emplace(order.customer_id, order.country).second) {
      Output& out = staged_.emplace_back();
      out.is_event = true;
      out.rows = 0;
      Event& event = out.event;
      event.set_event_id(absl::StrCat(system, "/customer/", EventIdComponent(order.customer_id),
                                      "/", EventIdComponent(order.country)));
      event.set_channel(settings_.channel);
      event.mutable_source()->set_system(system);
      event.mutable_source()->set_id(order.customer_id);
      ToProtoTimestamp(order.occurred_at, event.mutable_occurred_at());
      event.mutable_origin()->set_source_name(settings_.source_name);
      event.mutable_origin()->set_row(order.first_row);
      if (!order.country.empty()) {
        event.mutable_customer_upsert()->mutable_address()->set_country(order.country);
      } else {
        event.mutable_customer_upsert();
      }
    }
    Event& event = order.event;
    event.set_event_id(absl::StrCat(system, "/order/", EventIdComponent(invoice.invoice_no)));
    event.set_channel(settings_.channel);
    event.mutable_source()->set_system(system);
    event.mutable_source()->set_id(std::string(invoice.invoice_no));
    ToProtoTimestamp(order.occurred_at, event.mutable_occurred_at());
    event.mutable_origin()->set_source_name(settings_.source_name);
    event.mutable_origin()->set_row(order.first_row);
    common::v1::Order* payload = event.mutable_order();
    if (!order.customer_id.empty()) {
      payload->mutable_customer()->set_system(system);
      payload->mutable_customer()->set_id(order.customer_id);
    }
    payload->set_cancellation(invoice.invoice_no.front() == 'C');
    payload->set_country(order.country);
    Output& out = staged_.emplace_back();
    out.is_event = true;
    out.rows = order.line_count;
    out.event = std::move(event);
  }
  // The invoice's rejected rows follow it.
  for (ClientRejection& rejection : invoice_rejections_) {
    Output& out = staged_.emplace_back();
    out.is_event = false;
    out.rows = 1;
    out.rejection = std::move(rejection);
  }
}

absl::StatusOr<bool> OnlineRetailImporter::Next(size_t max_events, ImportBatch* batch) {
  if (max_events == 0) return absl::InvalidArgumentError("max_events must be positive");
  batch->Clear();
  for (;;) {
    while (!staged_.empty()) {
      Output& out = staged_.front();
      if (out.is_event) {
        if (batch->events.size() >= max_events) break;
        // A customer upsert (no rows of its own) goes in the batch of the order that follows
        // it: ingest accepts the events of one row together or not at all, per request.
        if (out.rows == 0 && !batch->events.empty() && batch->events.size() + 1 >= max_events) {
          break;
        }
        batch->events.push_back(std::move(out.event));
        batch->event_rows.push_back(out.rows);
      } else {
        if (batch->rejections.size() >= max_events) break;
        batch->rejections.push_back(std::move(out.rejection));
      }
      batch->rows += out.rows;
      staged_.pop_front();
    }
    if (!staged_.empty() || next_item_ == items_.size() || batch->events.size() >= max_events ||
        batch->rejections.size() >= max_events) {
      break;
    }
    const Item& item = items_[next_item_++];
    if (item.is_invoice) {
      StageInvoice(invoices_[item.index]);
    } else {
      const Rejection& r = rejections_[item.index];
      StageRejection(r.row, r.field, r.reason, r.raw);
    }
  }
  rows_done_ += batch->rows;
  return batch->rows > 0 || !batch->events.empty();
}

}  // namespace

absl::StatusOr<std::unique_ptr<Importer>> OpenOnlineRetailImporter(
    std::unique_ptr<Contents> contents, Settings settings) {
  auto importer = std::make_unique<OnlineRetailImporter>(std::move(contents), std::move(settings));
  absl::Status status = importer->Index();
  if (!status.ok()) return status;
  return std::unique_ptr<Importer>(std::move(importer));
}

}  // namespace clientele::ingest::import_internal
