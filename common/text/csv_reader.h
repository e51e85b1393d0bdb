// A fast RFC 4180 CSV reader over an in-memory buffer: fields come back as string_views into
// the buffer, so reading allocates nothing per field (only a quoted field with "" escapes is
// copied, into a scratch buffer reused from record to record).
//
//   CsvOptions options;
//   options.separator = '\t';
//   CsvReader reader(file_contents, options);
//   CsvRecord record;
//   while (reader.Next(&record)) {
//     if (!record.error.empty()) { ... malformed record; fields are a best effort ... }
//     for (std::string_view field : record.fields) { ... }
//   }
//
// Accepted input: fields separated by `separator`; records end with LF, CRLF or a lone CR (the
// last record may lack a terminator); a field that starts with `quote` is quoted and may hold
// separators, line breaks and doubled quotes (""). A quote inside an unquoted field is kept as
// a literal character. Completely empty lines are skipped (they are not records).
//
// Malformed records are still returned, with `error` set and a best-effort split, so that the
// caller can account for every record: an unterminated quoted field (it runs to the end of the
// input) and characters between a closing quote and the next separator (they are dropped).
//
// A stray quote costs one physical line, not the lines after it. A record that starts a quoted
// field is cut back to its first physical line (resynchronizing at the next line) when
//  - a quoted field spans more than CsvOptions::max_quoted_field_lines lines or holds more than
//    CsvOptions::max_quoted_field_bytes bytes, or
//  - the record spans several lines and is malformed (an unterminated quoted field, characters
//    after a closing quote), or
//  - the record spans several lines and set_expected_field_count(n) was called with n != 0 and
//    the record has another number of fields.
// Such a record has `error` set, `error_field` naming the field whose quote opened the trouble,
// `raw` holding its first line only, and `fields` that line split at every separator (quotes
// are not interpreted). The next record starts on the next physical line.
//
// Records without quotes are split with a vectorized scan (SSE2 where available), so the
// reader runs at a few hundred MB/s. Not thread-safe; the input must outlive the reader and every
// view it returned.
#ifndef CLIENTELE_COMMON_TEXT_CSV_READER_H_
#define CLIENTELE_COMMON_TEXT_CSV_READER_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace clientele::text {

struct CsvOptions {
  char separator = ',';
  char quote = '"';
  // The most physical lines one quoted field may span (1 = no line break inside quotes).
  int64_t max_quoted_field_lines = 16;
  // The most bytes one quoted field may hold, quotes and escapes included.
  size_t max_quoted_field_bytes = size_t{64} << 10;
};

// One record. Each field views either the input (valid as long as the input) or the reader's
// scratch buffer (valid until the next call to CsvReader::Next); CsvReader::PointsIntoInput
// tells which.
struct CsvRecord {
  static constexpr size_t kNoField = SIZE_MAX;

  std::vector<std::string_view> fields;
  // The record's bytes as read, without its line terminator.
  std::string_view raw;
  // 1-based physical line on which the record starts.
  int64_t line = 0;
  // Empty for a well-formed record; otherwise a static description of the first problem.
  std::string_view error;
  // When `error` is set: the 0-based index of the field where the problem is, or kNoField
  // when it is not known.
  size_t error_field = kNoField;
  // True iff `raw` holds only ASCII bytes (so it, and every field, is valid UTF-8).
  bool ascii = true;
  // The number of fields of the record; fields.size() is smaller only when Next was asked to
  // keep fewer.
  size_t field_count = 0;
};

class CsvReader {
 public:
  explicit CsvReader(std::string_view input, CsvOptions options = {});

  CsvReader(const CsvReader&) = delete;
  CsvReader& operator=(const CsvReader&) = delete;

  // Reads the next record into `record` (its previous contents are replaced). Returns false,
  // leaving `record` unspecified, when the input is exhausted.
  bool Next(CsvRecord* record) { return Next(record, SIZE_MAX); }

  // As Next, but may keep only the first `max_fields` fields in record->fields (all of them
  // are still counted in record->field_count). Cheaper for a pass that needs the extent of
  // each record and a leading field.
  bool Next(CsvRecord* record, size_t max_fields);

  // True iff `field` (from a record of this reader) views the input rather than the scratch
  // buffer, so it stays valid after the next call to Next.
  bool PointsIntoInput(std::string_view field) const {
    return field.data() >= input_.data() && field.data() <= input_.data() + input_.size();
  }

  // Bytes consumed so far: the offset of the next record (or of the empty lines before it).
  size_t offset() const { return static_cast<size_t>(pos_ - input_.data()); }

  // The physical line (1-based) at offset().
  int64_t line() const { return line_; }

  // When `count` is not 0, a record that spans several physical lines and has another number
  // of fields is cut back to its first line (see above): a stray quote that happens to close
  // on a later line then costs one line. 0 (the default) turns this check off.
  void set_expected_field_count(size_t count) { expected_field_count_ = count; }

  // Continues reading at `offset`, which must be the start of a record (a CsvRecord::raw's
  // offset in the input, or a value of offset()); the record read next is counted as being
  // on `line`.
  void Seek(size_t offset, int64_t line = 1) {
    pos_ = input_.data() + (offset < input_.size() ? offset : input_.size());
    line_ = line;
  }

 private:
  // Reads a record that holds no quote at all (nearly all of them) with a vectorized scan.
  // Returns false, having consumed nothing, when it meets a quote.
  bool NextUnquoted(CsvRecord* record, size_t max_fields);
  // Parses a quoted field starting just after its opening quote. Returns the field and
  // leaves pos_ just after the closing quote (or at the end of input). Sets overrun_ and
  // returns early when the field breaks a bound of the options.
  std::string_view ReadQuotedField(size_t field_index, CsvRecord* record);
  // Makes `record` (which starts at `start`) the rejected first physical line from `start`
  // and continues reading at the next line.
  void CutToFirstLine(const char* start, std::string_view error, size_t error_field,
                      CsvRecord* record);

  const std::string_view input_;
  const CsvOptions options_;
  const char* pos_;
  const char* const end_;
  int64_t line_ = 1;
  size_t expected_field_count_ = 0;
  // Set by ReadQuotedField when a field breaks max_quoted_field_lines or _bytes.
  std::string_view overrun_;
  // Unescaped fields of the current record, as (field index, offset, length) into scratch_;
  // turned into views once the record is complete, because scratch_ may grow meanwhile.
  std::string scratch_;
  std::vector<std::pair<size_t, std::pair<size_t, size_t>>> scratch_fields_;
  // special_[c] is true for the bytes that end an unquoted field.
  bool special_[256];
};

}  // namespace clientele::text

#endif  // CLIENTELE_COMMON_TEXT_CSV_READER_H_
