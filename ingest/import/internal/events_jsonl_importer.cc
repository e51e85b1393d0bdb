// events-jsonl: one clientele.common.v1.Event per non-blank line, in protobuf's JSON mapping.
// Streams: lines are parsed as batches are asked for.
#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "absl/status/status.h"
#include "common/text/utf8.h"
#include "google/protobuf/util/json_util.h"
#include "ingest/import/internal/fast_json_parser.h"
#include "ingest/import/internal/format_importers.h"

namespace clientele::ingest::import_internal {
namespace {

using common::v1::Event;

// The field path protobuf's JSON parser (3.21) names in its message, or "": it writes
// "(order.lines[0].quantity): invalid value ..." for a bad value and "evntId: Cannot find
// field." for an unknown key.
std::string_view FieldOfParseError(std::string_view message) {
  std::string_view path;
  if (!message.empty() && message.front() == '(') {
    const size_t close = message.find("): ");
    if (close == std::string_view::npos) return {};
    path = message.substr(1, close - 1);
  } else {
    const size_t colon = message.find(": ");
    if (colon == std::string_view::npos) return {};
    path = message.substr(0, colon);
  }
  for (char c : path) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '.' || c == '[' || c == ']';
    if (!ok) return {};
  }
  return path;
}

class EventsJsonlImporter final : public Importer {
 public:
  EventsJsonlImporter(std::unique_ptr<Contents> contents, Settings settings)
      : contents_(std::move(contents)), settings_(std::move(settings)) {
    input_ = StripUtf8Bom(contents_->view());
    parse_options_.ignore_unknown_fields = false;
    for (size_t pos = 0; pos < input_.size();) {
      const size_t end = std::min(input_.find('\n', pos), input_.size());
      if (!TrimAscii(input_.substr(pos, end - pos)).empty()) ++total_rows_;
      pos = end + 1;
    }
  }

  absl::StatusOr<bool> Next(size_t max_events, ImportBatch* batch) override;
  int64_t total_rows_estimate() const override { return total_rows_; }
  int64_t rows_done() const override { return rows_done_; }

 private:
  const std::unique_ptr<Contents> contents_;
  const Settings settings_;
  std::string_view input_;
  google::protobuf::util::JsonParseOptions parse_options_;
  FastJsonParser fast_parser_;  // Tried first; protobuf's parser when it declines.
  size_t pos_ = 0;
  int64_t line_number_ = 0;
  int64_t total_rows_ = 0;
  int64_t rows_done_ = 0;
};

absl::StatusOr<bool> EventsJsonlImporter::Next(size_t max_events, ImportBatch* batch) {
  if (max_events == 0) return absl::InvalidArgumentError("max_events must be positive");
  batch->Clear();
  while (batch->events.size() < max_events && batch->rejections.size() < max_events &&
         pos_ < input_.size()) {
    const size_t end = std::min(input_.find('\n', pos_), input_.size());
    std::string_view line = input_.substr(pos_, end - pos_);
    pos_ = end + 1;
    ++line_number_;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (TrimAscii(line).empty()) continue;  // Blank lines are not rows.
    ++batch->rows;
    if (!text::IsValidUtf8(line)) {
      batch->rejections.push_back(MakeRejection(settings_.source_name, line_number_, "",
                                                "the line is not valid UTF-8", line));
      continue;
    }
    Event event;
    google::protobuf::util::Status status;
    if (!fast_parser_.Parse(line, &event)) {
      event.Clear();
      status = google::protobuf::util::JsonStringToMessage(
          google::protobuf::StringPiece(line.data(), line.size()), &event, parse_options_);
    }
    if (!status.ok()) {
      const std::string_view message(status.message().data(), status.message().size());
      batch->rejections.push_back(MakeRejection(settings_.source_name, line_number_,
                                                FieldOfParseError(message), message, line));
      continue;
    }
    if (!event.has_origin()) {
      event.mutable_origin()->set_source_name(settings_.source_name);
      event.mutable_origin()->set_row(line_number_);
    }
    if (event.channel() == common::v1::CHANNEL_UNSPECIFIED) event.set_channel(settings_.channel);
    batch->events.push_back(std::move(event));
    batch->event_rows.push_back(1);
  }
  rows_done_ += batch->rows;
  return batch->rows > 0;
}

}  // namespace

absl::StatusOr<std::unique_ptr<Importer>> OpenEventsJsonlImporter(
    std::unique_ptr<Contents> contents, Settings settings) {
  return std::unique_ptr<Importer>(
      std::make_unique<EventsJsonlImporter>(std::move(contents), std::move(settings)));
}

}  // namespace clientele::ingest::import_internal
