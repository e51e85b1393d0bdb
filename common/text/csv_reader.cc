#include "common/text/csv_reader.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <iterator>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace clientele::text {
namespace {

inline unsigned char U(char c) { return static_cast<unsigned char>(c); }

// Line breaks in [begin, end): LF, and CR not followed by LF.
int64_t CountLineBreaks(const char* begin, const char* end) {
  int64_t n = 0;
  for (const char* p = begin; p < end; ++p) {
    if (*p == '\n' || (*p == '\r' && (p + 1 == end || p[1] != '\n'))) ++n;
  }
  return n;
}

}  // namespace

CsvReader::CsvReader(std::string_view input, CsvOptions options)
    : input_(input), options_(options), pos_(input.data()), end_(input.data() + input.size()) {
  std::fill(std::begin(special_), std::end(special_), false);
  special_[U(options_.separator)] = true;
  special_[U('\n')] = true;
  special_[U('\r')] = true;
}

std::string_view CsvReader::ReadQuotedField(size_t field_index, CsvRecord* record) {
  const char* const first = pos_;
  // The field may not reach past `limit` (max_quoted_field_bytes, counted from the opening
  // quote) nor hold more than max_line_breaks line breaks.
  const size_t max_bytes = options_.max_quoted_field_bytes;
  const char* const limit =
      static_cast<size_t>(end_ - first) >= max_bytes ? first - 1 + max_bytes : end_;
  const int64_t max_line_breaks = std::max<int64_t>(options_.max_quoted_field_lines, 1) - 1;
  int64_t line_breaks = 0;
  bool unescaped = false;  // True once the field lives in scratch_.
  size_t scratch_offset = 0;
  std::string_view field;
  for (;;) {
    const auto* q =
        pos_ < limit ? static_cast<const char*>(std::memchr(pos_, U(options_.quote), limit - pos_))
                     : nullptr;
    const int64_t breaks = CountLineBreaks(pos_, q == nullptr ? limit : q);
    line_breaks += breaks;
    line_ += breaks;
    if (line_breaks > max_line_breaks) {
      overrun_ = "a quoted field spans more lines than allowed (a stray quote?)";
      return field;
    }
    if (q == nullptr && limit < end_) {
      overrun_ = "a quoted field is longer than allowed (a stray quote?)";
      return field;
    }
    if (q == nullptr) {
      if (unescaped) {
        scratch_.append(pos_, end_ - pos_);
      } else {
        field = std::string_view(first, end_ - first);
      }
      pos_ = end_;
      if (record->error.empty()) {
        record->error = "unterminated quoted field";
        record->error_field = field_index;
      }
      break;
    }
    if (q + 1 < end_ && q[1] == options_.quote) {  // An escaped quote: "".
      if (q + 1 >= limit) {
        overrun_ = "a quoted field is longer than allowed (a stray quote?)";
        return field;
      }
      if (!unescaped) {
        unescaped = true;
        scratch_offset = scratch_.size();
        scratch_.append(first, q + 1 - first);
      } else {
        scratch_.append(pos_, q + 1 - pos_);
      }
      pos_ = q + 2;
      continue;
    }
    if (unescaped) {
      scratch_.append(pos_, q - pos_);
    } else {
      field = std::string_view(first, q - first);
    }
    pos_ = q + 1;
    break;
  }
  if (unescaped) {
    scratch_fields_.push_back({field_index, {scratch_offset, scratch_.size() - scratch_offset}});
  }
  return field;
}

void CsvReader::CutToFirstLine(const char* start, std::string_view error, size_t error_field,
                               CsvRecord* record) {
  const char* eol = start;
  while (eol < end_ && *eol != '\n' && *eol != '\r') ++eol;
  record->raw = std::string_view(start, eol - start);
  record->fields.clear();
  const char* field_start = start;
  for (const char* p = start; p < eol; ++p) {
    if (*p == options_.separator) {
      record->fields.emplace_back(field_start, static_cast<size_t>(p - field_start));
      field_start = p + 1;
    }
  }
  record->fields.emplace_back(field_start, static_cast<size_t>(eol - field_start));
  record->field_count = record->fields.size();
  record->error = error;
  record->error_field = error_field;
  record->ascii = std::none_of(record->raw.begin(), record->raw.end(),
                               [](char c) { return (static_cast<unsigned char>(c) & 0x80) != 0; });
  pos_ = eol;
  if (pos_ < end_) {
    if (*pos_ == '\r' && pos_ + 1 < end_ && pos_[1] == '\n') ++pos_;
    ++pos_;
  }
  line_ = record->line + 1;
  scratch_fields_.clear();
}

bool CsvReader::NextUnquoted(CsvRecord* record, size_t max_fields) {
  const char* const start = pos_;
  const char* field_start = pos_;
  const char* p = pos_;
  const char separator = options_.separator;
  const char quote = options_.quote;
  unsigned high_bits = 0;  // Of the bytes scanned so far; non-zero if any is not ASCII.
  size_t skipped = 0;      // Fields counted but not kept (beyond max_fields).
  // Ends the record at the line terminator at `s`.
  auto finish = [&](const char* s) {
    record->ascii = high_bits == 0;
    if (record->fields.size() < max_fields) {
      record->fields.emplace_back(field_start, static_cast<size_t>(s - field_start));
    } else {
      ++skipped;
    }
    record->field_count = record->fields.size() + skipped;
    record->raw = std::string_view(start, s - start);
    pos_ = s + 1;
    if (*s == '\r' && pos_ < end_ && *pos_ == '\n') ++pos_;
    ++line_;
  };
#if defined(__SSE2__)
  const __m128i separators = _mm_set1_epi8(separator);
  const __m128i quotes = _mm_set1_epi8(quote);
  const __m128i line_feeds = _mm_set1_epi8('\n');
  const __m128i carriage_returns = _mm_set1_epi8('\r');
  std::vector<std::string_view>& fields = record->fields;
  for (; end_ - p >= 16; p += 16) {
    const __m128i chunk = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    unsigned seps = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(chunk, separators)));
    const unsigned stops = static_cast<unsigned>(_mm_movemask_epi8(_mm_or_si128(
        _mm_cmpeq_epi8(chunk, quotes),
        _mm_or_si128(_mm_cmpeq_epi8(chunk, line_feeds), _mm_cmpeq_epi8(chunk, carriage_returns)))));
    unsigned high = static_cast<unsigned>(_mm_movemask_epi8(chunk));
    if (stops != 0) {  // Only bytes before the stop belong to this record.
      const unsigned before = (1u << __builtin_ctz(stops)) - 1;
      seps &= before;
      high &= before;
    }
    high_bits |= high;
    for (; seps != 0 && fields.size() < max_fields; seps &= seps - 1) {
      const char* const s = p + __builtin_ctz(seps);
      fields.emplace_back(field_start, static_cast<size_t>(s - field_start));
      field_start = s + 1;
    }
    if (seps != 0) {  // Fields past max_fields: count them only.
      skipped += static_cast<size_t>(__builtin_popcount(seps));
      field_start = p + 32 - __builtin_clz(seps);  // Just after the last separator.
    }
    if (stops != 0) {
      const char* const s = p + __builtin_ctz(stops);
      if (*s == quote) {
        fields.clear();
        return false;
      }
      finish(s);
      return true;
    }
  }
#endif
  for (; p < end_; ++p) {
    high_bits |= static_cast<unsigned char>(*p) & 0x80u;
    if (*p == separator) {
      if (record->fields.size() < max_fields) {
        record->fields.emplace_back(field_start, static_cast<size_t>(p - field_start));
      } else {
        ++skipped;
      }
      field_start = p + 1;
    } else if (*p == quote) {
      record->fields.clear();
      return false;
    } else if (*p == '\n' || *p == '\r') {
      finish(p);
      return true;
    }
  }
  if (record->fields.size() < max_fields) {
    record->fields.emplace_back(field_start, static_cast<size_t>(end_ - field_start));
  } else {
    ++skipped;
  }
  record->field_count = record->fields.size() + skipped;
  record->raw = std::string_view(start, end_ - start);
  record->ascii = high_bits == 0;
  pos_ = end_;
  return true;
}

bool CsvReader::Next(CsvRecord* record, size_t max_fields) {
  // Empty lines are not records.
  while (pos_ < end_ && (*pos_ == '\n' || *pos_ == '\r')) {
    if (*pos_ == '\r' && pos_ + 1 < end_ && pos_[1] == '\n') ++pos_;
    ++pos_;
    ++line_;
  }
  if (pos_ >= end_) return false;

  record->fields.clear();
  record->error = std::string_view();
  record->error_field = CsvRecord::kNoField;
  record->line = line_;
  if (NextUnquoted(record, max_fields)) return true;
  scratch_.clear();
  scratch_fields_.clear();
  overrun_ = std::string_view();
  const char* const start = pos_;
  const char* raw_end = end_;
  size_t first_quoted_field = CsvRecord::kNoField;
  for (;;) {
    // At the start of a field; pos_ == end_ only after a trailing separator.
    std::string_view field;
    if (pos_ < end_ && *pos_ == options_.quote) {
      const size_t index = record->fields.size();
      if (first_quoted_field == CsvRecord::kNoField) first_quoted_field = index;
      ++pos_;
      field = ReadQuotedField(index, record);
      if (!overrun_.empty()) {
        CutToFirstLine(start, overrun_, index, record);
        return true;
      }
      if (pos_ < end_ && !special_[U(*pos_)]) {
        if (record->error.empty()) {
          record->error = "unexpected character after a closing quote";
          record->error_field = index;
        }
        while (pos_ < end_ && !special_[U(*pos_)]) ++pos_;
      }
    } else {
      const char* const first = pos_;
      while (pos_ < end_ && !special_[U(*pos_)]) ++pos_;
      field = std::string_view(first, pos_ - first);
    }
    record->fields.push_back(field);
    if (pos_ >= end_) break;
    const char c = *pos_;
    if (c == options_.separator) {
      ++pos_;
      continue;
    }
    raw_end = pos_;  // A line terminator: LF, CRLF or a lone CR.
    ++pos_;
    if (c == '\r' && pos_ < end_ && *pos_ == '\n') ++pos_;
    ++line_;
    break;
  }
  // A record over several lines that is malformed, or has a field count other than expected,
  // most likely began with a stray quote: it costs its first line only.
  const bool several_lines = line_ - record->line > (raw_end < end_ ? 1 : 0);
  if (several_lines &&
      (!record->error.empty() ||
       (expected_field_count_ != 0 && record->fields.size() != expected_field_count_))) {
    const size_t error_field = record->error.empty() ? first_quoted_field : record->error_field;
    CutToFirstLine(start,
                   record->error.empty()
                       ? "a quoted field spans lines and leaves the row with the wrong number "
                         "of fields (a stray quote?)"
                       : "a quoted field spans lines and does not close properly (a stray "
                         "quote?)",
                   error_field, record);
    return true;
  }
  for (const auto& [index, span] : scratch_fields_) {
    record->fields[index] = std::string_view(scratch_.data() + span.first, span.second);
  }
  record->raw = std::string_view(start, raw_end - start);
  record->ascii = std::none_of(record->raw.begin(), record->raw.end(),
                               [](char c) { return (static_cast<unsigned char>(c) & 0x80) != 0; });
  record->field_count = record->fields.size();  // Quoted records keep every field.
  return true;
}

}  // namespace clientele::text
