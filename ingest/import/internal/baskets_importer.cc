// baskets: market-basket files (e.g. the arules "Groceries" CSV): one basket per line, items
// separated by commas, no header, no quoting. Each basket becomes one anonymous Order (no
// customer) whose lines are its items, quantity 1 each (an item written twice in a basket
// is one line of quantity 2), unit price 0 in ImportOptions::currency. Item names are kept
// exactly as written between the commas, spaces included ("whole milk " and "whole milk"
// are different items); a line ending in "\r" loses only that "\r". Rows are line numbers;
// blank lines hold no basket and are skipped. Streams: rows are read as batches are asked for.
//
// Order ids are "basket-<content>-<row>", <content> being 16 hex digits of a stable hash
// (common/log StableHash) of the file's normalized content: its non-blank lines without "\r",
// each followed by "\n" (a BOM is not content). Importing the same file again gives the same
// ids (all duplicates); a different file gives new ids, so its baskets are not mistaken for
// the first file's.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "common/log/partitioning.h"
#include "common/text/utf8.h"
#include "ingest/import/internal/format_importers.h"

namespace clientele::ingest::import_internal {
namespace {

using common::v1::Event;

constexpr size_t kMaxItemBytes = 128;
constexpr size_t kMaxItems = 10000;

// 16 hex digits of the stable hash of `input`'s non-blank lines, "\r" dropped, each ended by
// "\n": the same baskets give the same id whatever the line endings and blank lines.
std::string ContentId(std::string_view input) {
  uint64_t hash = log::StableHash("");
  size_t offset = 0;
  while (offset < input.size()) {
    size_t end = input.find('\n', offset);
    if (end == std::string_view::npos) end = input.size();
    std::string_view line = input.substr(offset, end - offset);
    offset = end + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (TrimAscii(line).empty()) continue;
    hash = log::StableHash(line, hash);
    hash = log::StableHash("\n", hash);
  }
  return absl::StrCat(absl::Hex(hash, absl::kZeroPad16));
}

class BasketsImporter final : public Importer {
 public:
  BasketsImporter(std::unique_ptr<Contents> contents, Settings settings)
      : contents_(std::move(contents)),
        settings_(std::move(settings)),
        input_(StripUtf8Bom(contents_->view())) {
    // An estimate: blank lines are counted too.
    for (char c : input_) total_rows_ += c == '\n';
    if (!input_.empty() && input_.back() != '\n') ++total_rows_;
    content_id_ = ContentId(input_);
  }

  absl::StatusOr<bool> Next(size_t max_events, ImportBatch* batch) override;
  int64_t total_rows_estimate() const override { return total_rows_; }
  int64_t rows_done() const override { return rows_done_; }

 private:
  // Fills `event` from `line`, or returns false with `field` and `reason` set.
  bool Convert(int64_t row, std::string_view line, Event* event, std::string* field,
               std::string* reason) const;

  const std::unique_ptr<Contents> contents_;
  const Settings settings_;
  const std::string_view input_;
  std::string content_id_;  // Identifies the file's content in order ids.
  size_t offset_ = 0;
  int64_t row_ = 0;
  int64_t total_rows_ = 0;
  int64_t rows_done_ = 0;
};

bool BasketsImporter::Convert(int64_t row, std::string_view line, Event* event, std::string* field,
                              std::string* reason) const {
  if (!text::IsValidUtf8(line)) {
    *reason = "the row is not valid UTF-8";
    return false;
  }
  std::vector<std::string_view> items;
  absl::flat_hash_map<std::string_view, size_t> index;
  size_t start = 0;
  for (size_t i = 0; i <= line.size(); ++i) {
    if (i < line.size() && line[i] != ',') continue;
    const std::string_view item = line.substr(start, i - start);
    start = i + 1;
    // The field names the item's 1-based position in the line.
    if (TrimAscii(item).empty()) {
      *field = absl::StrCat("item ", items.size() + 1);
      *reason = "empty item name";
      return false;
    }
    if (item.size() > kMaxItemBytes) {
      *field = absl::StrCat("item ", items.size() + 1);
      *reason = absl::StrCat("longer than ", kMaxItemBytes, " bytes: ", Quoted(item));
      return false;
    }
    if (text::HasAnyControlChars(item)) {
      *field = absl::StrCat("item ", items.size() + 1);
      *reason = "contains control characters";
      return false;
    }
    items.push_back(item);
    index.try_emplace(item, index.size());
    if (items.size() > kMaxItems) {
      *reason = absl::StrCat("more than ", kMaxItems, " items");
      return false;
    }
  }

  const std::string& system = settings_.source_system;
  const std::string order_id = absl::StrCat("basket-", content_id_, "-", row);
  event->set_event_id(absl::StrCat(system, "/order/", order_id));
  event->set_channel(settings_.channel);
  event->mutable_source()->set_system(system);
  event->mutable_source()->set_id(order_id);
  event->mutable_origin()->set_source_name(settings_.source_name);
  event->mutable_origin()->set_row(row);
  ToProtoTimestamp(settings_.snapshot_time, event->mutable_occurred_at());
  common::v1::Order* order = event->mutable_order();
  order->set_order_id(order_id);
  std::vector<int64_t> quantity(index.size(), 0);
  for (std::string_view item : items) ++quantity[index[item]];
  std::vector<bool> written(index.size(), false);
  for (std::string_view item : items) {
    const size_t i = index[item];
    if (written[i]) continue;
    written[i] = true;
    common::v1::OrderLine* out = order->add_lines();
    out->set_sku(std::string(item));
    out->set_quantity(quantity[i]);
    out->mutable_unit_price()->set_currency_code(settings_.currency);
    out->set_source_row(row);
  }
  return true;
}

absl::StatusOr<bool> BasketsImporter::Next(size_t max_events, ImportBatch* batch) {
  if (max_events == 0) return absl::InvalidArgumentError("max_events must be positive");
  batch->Clear();
  while (batch->events.size() < max_events && batch->rejections.size() < max_events &&
         offset_ < input_.size()) {
    size_t end = input_.find('\n', offset_);
    if (end == std::string_view::npos) end = input_.size();
    std::string_view line = input_.substr(offset_, end - offset_);
    offset_ = end + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    ++row_;  // Rows are line numbers; blank lines are not rows (they hold no basket).
    if (TrimAscii(line).empty()) continue;
    ++batch->rows;
    Event event;
    std::string field;
    std::string reason;
    if (Convert(row_, line, &event, &field, &reason)) {
      batch->events.push_back(std::move(event));
      batch->event_rows.push_back(1);
    } else {
      batch->rejections.push_back(MakeRejection(settings_.source_name, row_, field, reason, line));
    }
  }
  rows_done_ += batch->rows;
  return batch->rows > 0;
}

}  // namespace

absl::StatusOr<std::unique_ptr<Importer>> OpenBasketsImporter(std::unique_ptr<Contents> contents,
                                                              Settings settings) {
  return std::unique_ptr<Importer>(
      std::make_unique<BasketsImporter>(std::move(contents), std::move(settings)));
}

}  // namespace clientele::ingest::import_internal
