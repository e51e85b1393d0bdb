// movielens: MovieLens ratings as Interaction events of type RATING. Two layouts, told apart
// by the first line: `u.data` (ml-100k: no header, tab separated "user item rating
// timestamp") and `ratings.csv` (ml-latest and later: header "userId,movieId,rating,timestamp",
// comma separated; the columns are found by name). Each rating is one event: source = (system,
// user id), interaction.sku = item id, interaction.rating = the rating, occurred_at = the Unix
// timestamp. The event id is "<system>/rating/<user>/<item>/<timestamp>", so importing a file
// twice adds nothing. Streams: rows are read as batches are asked for.
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/text/utf8.h"
#include "ingest/import/internal/format_importers.h"

namespace clientele::ingest::import_internal {
namespace {

using common::v1::Event;

enum Column : size_t { kUser, kItem, kRating, kTimestamp, kColumnCount };

constexpr std::string_view kTsvNames[kColumnCount] = {"user", "item", "rating", "timestamp"};
constexpr std::string_view kCsvNames[kColumnCount] = {"userId", "movieId", "rating", "timestamp"};

// Strict decimal number ("4", "3.5"); false for anything else or a non-finite value.
bool ParseRating(std::string_view s, double* out) {
  if (s.empty() || s.size() > 32) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E')) {
      return false;
    }
  }
  const std::string copy(s);
  char* end = nullptr;
  const double value = std::strtod(copy.c_str(), &end);
  if (end != copy.c_str() + copy.size() || !std::isfinite(value)) return false;
  *out = value;
  return true;
}

std::vector<std::string_view> Split(std::string_view line, char separator) {
  std::vector<std::string_view> fields;
  size_t start = 0;
  for (size_t i = 0; i <= line.size(); ++i) {
    if (i == line.size() || line[i] == separator) {
      fields.push_back(line.substr(start, i - start));
      start = i + 1;
    }
  }
  return fields;
}

class MovieLensImporter final : public Importer {
 public:
  MovieLensImporter(std::unique_ptr<Contents> contents, Settings settings)
      : contents_(std::move(contents)),
        settings_(std::move(settings)),
        input_(StripUtf8Bom(contents_->view())) {}

  // Detects the layout and reads the header of ratings.csv. Call once, before Next.
  absl::Status Init();

  absl::StatusOr<bool> Next(size_t max_events, ImportBatch* batch) override;
  int64_t total_rows_estimate() const override { return total_rows_; }
  int64_t rows_done() const override { return rows_done_; }

 private:
  bool Convert(int64_t row, std::string_view line, Event* event, std::string_view* field,
               std::string* reason) const;

  const std::unique_ptr<Contents> contents_;
  const Settings settings_;
  const std::string_view input_;
  char separator_ = '\t';
  const std::string_view* names_ = kTsvNames;
  std::vector<size_t> columns_ = {0, 1, 2, 3};
  size_t field_count_ = 4;
  size_t offset_ = 0;
  int64_t row_ = 0;
  int64_t total_rows_ = 0;
  int64_t rows_done_ = 0;
};

absl::Status MovieLensImporter::Init() {
  size_t end = input_.find('\n');
  if (end == std::string_view::npos) end = input_.size();
  std::string_view first = input_.substr(0, end);
  if (!first.empty() && first.back() == '\r') first.remove_suffix(1);
  const std::string_view trimmed = TrimAscii(first);
  if (trimmed.size() >= 6 && EqualsIgnoreAsciiCase(trimmed.substr(0, 6), "userId")) {
    separator_ = ',';
    names_ = kCsvNames;
    std::vector<std::string_view> header = Split(first, ',');
    absl::StatusOr<std::vector<size_t>> columns = FindColumns(
        header, std::vector<std::string_view>(std::begin(kCsvNames), std::end(kCsvNames)),
        settings_.source_name);
    if (!columns.ok()) return columns.status();
    columns_ = *std::move(columns);
    field_count_ = header.size();
    offset_ = std::min(end + 1, input_.size());
  }
  const std::string_view rest = input_.substr(offset_);
  for (char c : rest) total_rows_ += c == '\n';
  if (!rest.empty() && rest.back() != '\n') ++total_rows_;
  return absl::OkStatus();
}

bool MovieLensImporter::Convert(int64_t row, std::string_view line, Event* event,
                                std::string_view* field, std::string* reason) const {
  if (!text::IsValidUtf8(line)) {
    *reason = "the row is not valid UTF-8";
    return false;
  }
  const std::vector<std::string_view> f = Split(line, separator_);
  if (f.size() != field_count_) {
    *reason = absl::StrCat("the row has ", f.size(), " fields, expected ", field_count_,
                           separator_ == '\t' ? " (tab separated)" : "");
    return false;
  }
  auto value = [&](Column c) { return TrimAscii(f[columns_[c]]); };
  for (Column c : {kUser, kItem}) {
    const std::string_view id = value(c);
    if (id.empty() || id.size() > 128 || text::HasAnyControlChars(id)) {
      *field = names_[c];
      *reason = id.empty() ? "empty" : absl::StrCat("not a valid id: ", Quoted(id));
      return false;
    }
  }
  double rating = 0;
  if (!ParseRating(value(kRating), &rating) || !(rating > 0 && rating <= 100)) {
    *field = names_[kRating];
    *reason = absl::StrCat("not a rating (a number > 0 and <= 100): ", Quoted(value(kRating)));
    return false;
  }
  int64_t seconds = 0;
  if (!ParseInt64(value(kTimestamp), &seconds) || seconds < 0 || seconds > 253402300799LL) {
    *field = names_[kTimestamp];
    *reason = absl::StrCat("not a Unix timestamp in seconds: ", Quoted(value(kTimestamp)));
    return false;
  }
  const std::string& system = settings_.source_system;
  const std::string_view user = value(kUser);
  const std::string_view item = value(kItem);
  event->set_event_id(absl::StrCat(system, "/rating/", EventIdComponent(user), "/",
                                   EventIdComponent(item), "/", seconds));
  event->set_channel(settings_.channel);
  event->mutable_source()->set_system(system);
  event->mutable_source()->set_id(std::string(user));
  event->mutable_origin()->set_source_name(settings_.source_name);
  event->mutable_origin()->set_row(row);
  ToProtoTimestamp(absl::FromUnixSeconds(seconds), event->mutable_occurred_at());
  common::v1::Interaction* interaction = event->mutable_interaction();
  interaction->set_type(common::v1::INTERACTION_TYPE_RATING);
  interaction->set_sku(std::string(item));
  interaction->set_rating(rating);
  return true;
}

absl::StatusOr<bool> MovieLensImporter::Next(size_t max_events, ImportBatch* batch) {
  if (max_events == 0) return absl::InvalidArgumentError("max_events must be positive");
  batch->Clear();
  while (batch->events.size() < max_events && batch->rejections.size() < max_events &&
         offset_ < input_.size()) {
    size_t end = input_.find('\n', offset_);
    if (end == std::string_view::npos) end = input_.size();
    std::string_view line = input_.substr(offset_, end - offset_);
    offset_ = end + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    ++row_;  // Data rows by line (header excluded); blank lines are skipped, not rows.
    if (TrimAscii(line).empty()) continue;
    ++batch->rows;
    Event event;
    std::string_view field;
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

absl::StatusOr<std::unique_ptr<Importer>> OpenMovieLensImporter(std::unique_ptr<Contents> contents,
                                                                Settings settings) {
  auto importer = std::make_unique<MovieLensImporter>(std::move(contents), std::move(settings));
  absl::Status status = importer->Init();
  if (!status.ok()) return status;
  return std::unique_ptr<Importer>(std::move(importer));
}

}  // namespace clientele::ingest::import_internal
