#include "common/text/csv_reader.h"

#include <algorithm>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace clientele::text {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

struct Parsed {
  std::vector<std::string> fields;
  std::string raw;
  int64_t line = 0;
  bool error = false;
  bool ascii = true;
  size_t error_field = CsvRecord::kNoField;

  bool operator==(const Parsed& o) const {
    return fields == o.fields && raw == o.raw && error == o.error && ascii == o.ascii;
  }
};

std::ostream& operator<<(std::ostream& os, const Parsed& p) {
  os << "{";
  for (const std::string& f : p.fields) os << "[" << f << "]";
  return os << " raw=[" << p.raw << "] error=" << p.error << " ascii=" << p.ascii << "}";
}

std::vector<Parsed> ReadAll(std::string_view input, CsvOptions options,
                            size_t expected_field_count = 0) {
  CsvReader reader(input, options);
  reader.set_expected_field_count(expected_field_count);
  CsvRecord record;
  std::vector<Parsed> out;
  while (reader.Next(&record)) {
    Parsed p;
    for (std::string_view f : record.fields) p.fields.emplace_back(f);
    p.raw = std::string(record.raw);
    p.line = record.line;
    p.error = !record.error.empty();
    p.ascii = record.ascii;
    p.error_field = record.error_field;
    out.push_back(std::move(p));
  }
  return out;
}

std::vector<Parsed> ReadAll(std::string_view input, char separator = ',') {
  CsvOptions options;
  options.separator = separator;
  return ReadAll(input, options);
}

std::vector<std::vector<std::string>> Fields(std::string_view input, char separator = ',') {
  std::vector<std::vector<std::string>> out;
  for (Parsed& p : ReadAll(input, separator)) out.push_back(std::move(p.fields));
  return out;
}

using Rows = std::vector<std::vector<std::string>>;

TEST(CsvReaderTest, SplitsSimpleRecords) {
  EXPECT_EQ(Fields("a,b,c\n1,2,3\n"), (Rows{{"a", "b", "c"}, {"1", "2", "3"}}));
}

TEST(CsvReaderTest, EmptyInputHasNoRecords) {
  EXPECT_THAT(ReadAll(""), IsEmpty());
  EXPECT_THAT(ReadAll("\n\r\n\n"), IsEmpty());
}

TEST(CsvReaderTest, LastRecordMayLackTerminator) {
  EXPECT_EQ(Fields("a,b\nc,d"), (Rows{{"a", "b"}, {"c", "d"}}));
}

TEST(CsvReaderTest, AcceptsLfCrlfAndLoneCr) {
  EXPECT_EQ(Fields("a,b\r\nc,d\re,f\ng,h\r\n"),
            (Rows{{"a", "b"}, {"c", "d"}, {"e", "f"}, {"g", "h"}}));
}

TEST(CsvReaderTest, EmptyLinesAreNotRecords) {
  std::vector<Parsed> records = ReadAll("a\n\n\r\nb\n\n");
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].fields, std::vector<std::string>{"a"});
  EXPECT_EQ(records[1].fields, std::vector<std::string>{"b"});
  EXPECT_EQ(records[1].line, 4);
}

TEST(CsvReaderTest, KeepsEmptyFieldsAndTrailingSeparator) {
  EXPECT_EQ(Fields(",a,,\n,\n"), (Rows{{"", "a", "", ""}, {"", ""}}));
  EXPECT_EQ(Fields("a,"), (Rows{{"a", ""}}));
}

TEST(CsvReaderTest, QuotedFieldsHoldSeparatorsAndLineBreaks) {
  EXPECT_EQ(Fields("\"AIRLINE LOUNGE,METAL SIGN\",2\n\"two\nlines\",\"cr\r\nlf\"\n"),
            (Rows{{"AIRLINE LOUNGE,METAL SIGN", "2"}, {"two\nlines", "cr\r\nlf"}}));
  EXPECT_EQ(Fields("\"\",x\n"), (Rows{{"", "x"}}));
}

TEST(CsvReaderTest, DoubledQuotesAreUnescapedIntoScratch) {
  const std::string input =
      "536477,\"RECORD FRAME 7\"\" SINGLE SIZE \",48\n\"\"\"a\"\"\",\"b\"\"\"\n";
  CsvReader reader(input);
  CsvRecord record;
  ASSERT_TRUE(reader.Next(&record));
  EXPECT_THAT(record.fields, ElementsAre("536477", "RECORD FRAME 7\" SINGLE SIZE ", "48"));
  EXPECT_TRUE(record.error.empty());
  EXPECT_TRUE(reader.PointsIntoInput(record.fields[0]));
  EXPECT_FALSE(reader.PointsIntoInput(record.fields[1]));
  EXPECT_EQ(record.raw, "536477,\"RECORD FRAME 7\"\" SINGLE SIZE \",48");
  ASSERT_TRUE(reader.Next(&record));
  EXPECT_THAT(record.fields, ElementsAre("\"a\"", "b\""));
  EXPECT_FALSE(reader.Next(&record));
}

TEST(CsvReaderTest, QuoteInsideUnquotedFieldIsLiteral) {
  EXPECT_EQ(Fields("5\" screen,x\n"), (Rows{{"5\" screen", "x"}}));
}

TEST(CsvReaderTest, UnterminatedQuoteOnTheLastLineRunsToEndAndIsAnError) {
  std::vector<Parsed> records = ReadAll("x,y\na,\"open,c");
  ASSERT_EQ(records.size(), 2u);
  EXPECT_TRUE(records[1].error);
  EXPECT_EQ(records[1].error_field, 1u);
  EXPECT_EQ(records[1].fields, (std::vector<std::string>{"a", "open,c"}));
}

// Issue 12, defect 4: one stray quote used to merge every line up to the next quote into one
// rejected record, shifting the line numbers of everything after it.
TEST(CsvReaderTest, UnterminatedQuoteCostsItsLineOnly) {
  std::vector<Parsed> records = ReadAll("a,\"open\nb,c\n");
  ASSERT_EQ(records.size(), 2u);
  EXPECT_TRUE(records[0].error);
  EXPECT_EQ(records[0].error_field, 1u);
  EXPECT_EQ(records[0].raw, "a,\"open");
  EXPECT_EQ(records[0].fields, (std::vector<std::string>{"a", "\"open"}));
  EXPECT_FALSE(records[1].error);
  EXPECT_EQ(records[1].fields, (std::vector<std::string>{"b", "c"}));
  EXPECT_EQ(records[1].line, 2);
}

std::string RetailLikeLines(int count) {
  std::string out = "InvoiceNo,StockCode,Description,Quantity\n";
  for (int i = 1; i <= count; ++i) {
    out += std::to_string(536000 + i) + ",8512" + std::to_string(i) + ",HEART HOLDER " +
           std::to_string(i) + "," + std::to_string(i) + "\n";
  }
  return out;
}

TEST(CsvReaderTest, StrayQuoteWithNoOtherQuoteCostsOneRecord) {
  std::string input = RetailLikeLines(200);
  const size_t tenth = input.find("HEART HOLDER 10,");
  input.insert(tenth, "\"");  // Row 10 (line 11): '"HEART HOLDER 10,10'.
  std::vector<Parsed> records = ReadAll(input, CsvOptions());
  ASSERT_EQ(records.size(), 201u);
  for (size_t i = 0; i < records.size(); ++i) {
    EXPECT_EQ(records[i].line, static_cast<int64_t>(i + 1));
    EXPECT_EQ(records[i].error, i == 10) << i;
  }
  EXPECT_EQ(records[10].error_field, 2u);
  EXPECT_EQ(records[10].raw, "536010,851210,\"HEART HOLDER 10,10");
  EXPECT_EQ(records[11].fields,
            (std::vector<std::string>{"536011", "851211", "HEART HOLDER 11", "11"}));
}

TEST(CsvReaderTest, StrayQuoteThatClosesBadlyOnALaterLineCostsOneRecord) {
  std::string input = RetailLikeLines(20);
  input.insert(input.find("HEART HOLDER 3,"), "\"");
  // A properly quoted field five lines later: its opening quote "closes" the stray one.
  const std::string seventh = "HEART HOLDER 8,";
  input.replace(input.find(seventh), seventh.size(), "\"HEART, HOLDER 8\",");
  std::vector<Parsed> records = ReadAll(input, CsvOptions());
  ASSERT_EQ(records.size(), 21u);
  for (size_t i = 0; i < records.size(); ++i) {
    EXPECT_EQ(records[i].line, static_cast<int64_t>(i + 1));
    EXPECT_EQ(records[i].error, i == 3) << i;
  }
  EXPECT_EQ(records[8].fields,
            (std::vector<std::string>{"536008", "85128", "HEART, HOLDER 8", "8"}));
}

TEST(CsvReaderTest, StrayQuoteThatClosesCleanlyNeedsTheExpectedFieldCount) {
  // The stray quote "closes" at a quote that ends a field: a well-formed record of 4 fields.
  const std::string input = "a,b,c\n1,\"x,y\n2\",w,v\n3,u,v\n";
  std::vector<Parsed> loose = ReadAll(input, CsvOptions());
  ASSERT_EQ(loose.size(), 3u);
  EXPECT_FALSE(loose[1].error);
  EXPECT_EQ(loose[1].fields.size(), 4u);
  std::vector<Parsed> records = ReadAll(input, CsvOptions(), /*expected_field_count=*/3);
  ASSERT_EQ(records.size(), 4u);
  EXPECT_TRUE(records[1].error);
  EXPECT_EQ(records[1].error_field, 1u);
  EXPECT_EQ(records[1].raw, "1,\"x,y");
  EXPECT_FALSE(records[2].error);  // A quote inside an unquoted field is literal.
  EXPECT_EQ(records[2].fields, (std::vector<std::string>{"2\"", "w", "v"}));
  EXPECT_EQ(records[2].line, 3);
  EXPECT_FALSE(records[3].error);
  EXPECT_EQ(records[3].line, 4);
}

TEST(CsvReaderTest, QuotedFieldsMaySpanLinesUpToTheBound) {
  const std::string input = "1,\"line one\nline two\nline three\",x\n2,y\n";
  std::vector<Parsed> records = ReadAll(input, CsvOptions(), /*expected_field_count=*/3);
  ASSERT_EQ(records.size(), 2u);
  EXPECT_FALSE(records[0].error);
  EXPECT_EQ(records[0].fields[1], "line one\nline two\nline three");
  EXPECT_EQ(records[1].line, 4);

  CsvOptions two_lines;
  two_lines.max_quoted_field_lines = 2;
  records = ReadAll(input, two_lines);
  ASSERT_EQ(records.size(), 4u);
  EXPECT_TRUE(records[0].error);
  EXPECT_EQ(records[0].error_field, 1u);
  EXPECT_EQ(records[0].raw, "1,\"line one");
  EXPECT_EQ(records[1].raw, "line two");
  EXPECT_EQ(records[1].line, 2);
  EXPECT_EQ(records[2].fields, (std::vector<std::string>{"line three\"", "x"}));
  EXPECT_EQ(records[3].fields, (std::vector<std::string>{"2", "y"}));
  EXPECT_EQ(records[3].line, 4);
}

TEST(CsvReaderTest, QuotedFieldsMayNotExceedTheByteBound) {
  CsvOptions options;
  options.max_quoted_field_bytes = 10;
  // Exactly 10 bytes with both quotes (one escaped quote inside) pass.
  std::vector<Parsed> records = ReadAll("\"ab\"\"cdef\",x\n", options);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_FALSE(records[0].error);
  EXPECT_EQ(records[0].fields[0], "ab\"cdef");
  records = ReadAll("\"ab\"\"cdefg\",x\ny\n", options);
  ASSERT_EQ(records.size(), 2u);
  EXPECT_TRUE(records[0].error);
  EXPECT_EQ(records[0].error_field, 0u);
  EXPECT_EQ(records[1].fields, (std::vector<std::string>{"y"}));
  // A long unterminated field on one line is cut there too.
  records = ReadAll("a,\"" + std::string(100, 'z') + "\nb\n", options);
  ASSERT_EQ(records.size(), 2u);
  EXPECT_TRUE(records[0].error);
  EXPECT_EQ(records[1].raw, "b");
}

TEST(CsvReaderTest, TextAfterClosingQuoteIsAnError) {
  std::vector<Parsed> records = ReadAll("\"ab\"c,d\nx,y\n");
  ASSERT_EQ(records.size(), 2u);
  EXPECT_TRUE(records[0].error);
  EXPECT_EQ(records[0].fields, (std::vector<std::string>{"ab", "d"}));
  EXPECT_FALSE(records[1].error);
}

TEST(CsvReaderTest, TabSeparatorLeavesCommasAlone) {
  EXPECT_EQ(Fields("ID\tName\n1\tSmith, J\n", '\t'), (Rows{{"ID", "Name"}, {"1", "Smith, J"}}));
}

TEST(CsvReaderTest, LineNumbersCountLineBreaksInsideQuotes) {
  std::vector<Parsed> records = ReadAll("a\n\"b\nc\"\n\nd\n");
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[0].line, 1);
  EXPECT_EQ(records[1].line, 2);
  EXPECT_EQ(records[2].line, 5);
}

TEST(CsvReaderTest, FlagsRecordsWithNonAsciiBytes) {
  std::vector<Parsed> records =
      ReadAll("plain,ascii,record,longer,than,sixteen,bytes\nCAF\xC3\x89,x\n\"q\xC3\xA9\",y\nz\n");
  ASSERT_EQ(records.size(), 4u);
  EXPECT_TRUE(records[0].ascii);
  EXPECT_FALSE(records[1].ascii);
  EXPECT_FALSE(records[2].ascii);
  EXPECT_TRUE(records[3].ascii);
}

TEST(CsvReaderTest, SeekRereadsFromARecordStart) {
  const std::string input = "h1,h2\nr1a,r1b\nr2a,\"r2,b\"\n";
  CsvReader reader(input);
  CsvRecord record;
  ASSERT_TRUE(reader.Next(&record));
  const size_t second = reader.offset();
  ASSERT_TRUE(reader.Next(&record));
  ASSERT_TRUE(reader.Next(&record));
  EXPECT_FALSE(reader.Next(&record));
  reader.Seek(second);
  ASSERT_TRUE(reader.Next(&record));
  EXPECT_THAT(record.fields, ElementsAre("r1a", "r1b"));
  ASSERT_TRUE(reader.Next(&record));
  EXPECT_THAT(record.fields, ElementsAre("r2a", "r2,b"));
}

// A direct, byte-at-a-time transcription of the documented grammar, to check the vectorized
// reader against.
std::vector<Parsed> ReferenceParse(std::string_view s, char sep) {
  const CsvOptions defaults;
  std::vector<Parsed> out;
  size_t pos = 0;
  const size_t n = s.size();
  auto special = [&](char c) { return c == sep || c == '\n' || c == '\r'; };
  auto is_break = [&](size_t i) {
    return s[i] == '\n' || (s[i] == '\r' && (i + 1 == n || s[i + 1] != '\n'));
  };
  while (pos < n) {
    if (s[pos] == '\n' || s[pos] == '\r') {
      pos += (s[pos] == '\r' && pos + 1 < n && s[pos + 1] == '\n') ? 2 : 1;
      continue;
    }
    Parsed p;
    const size_t start = pos;
    size_t raw_end = n;
    bool cut = false;
    int64_t breaks = 0;  // Inside the record.
    for (;;) {
      std::string field;
      if (pos < n && s[pos] == '"') {
        const size_t open = pos;
        int64_t field_breaks = 0;
        ++pos;
        for (;;) {
          if (pos >= n) {
            p.error = true;
            if (n - open > defaults.max_quoted_field_bytes) cut = true;
            break;
          }
          if (is_break(pos)) ++field_breaks;
          if (s[pos] == '"') {
            if (pos + 1 < n && s[pos + 1] == '"') {
              field += '"';
              pos += 2;
              continue;
            }
            ++pos;
            if (pos - open > defaults.max_quoted_field_bytes) cut = true;
            break;
          }
          field += s[pos++];
        }
        breaks += field_breaks;
        if (field_breaks >= defaults.max_quoted_field_lines) cut = true;
        if (pos < n && !special(s[pos])) {
          p.error = true;
          while (pos < n && !special(s[pos])) ++pos;
        }
      } else {
        while (pos < n && !special(s[pos])) field += s[pos++];
      }
      p.fields.push_back(field);
      if (pos >= n) break;
      if (s[pos] == sep) {
        ++pos;
        continue;
      }
      raw_end = pos;
      pos += (s[pos] == '\r' && pos + 1 < n && s[pos + 1] == '\n') ? 2 : 1;
      break;
    }
    if (cut || (p.error && breaks > 0)) {  // Resynchronize at the next physical line.
      p = Parsed();
      p.error = true;
      size_t eol = start;
      while (eol < n && s[eol] != '\n' && s[eol] != '\r') ++eol;
      raw_end = eol;
      pos = eol;
      if (pos < n) pos += (s[pos] == '\r' && pos + 1 < n && s[pos + 1] == '\n') ? 2 : 1;
      std::string field;
      for (size_t i = start; i < eol; ++i) {
        if (s[i] == sep) {
          p.fields.push_back(field);
          field.clear();
        } else {
          field += s[i];
        }
      }
      p.fields.push_back(field);
    }
    p.raw = std::string(s.substr(start, raw_end - start));
    for (char c : p.raw) p.ascii = p.ascii && (static_cast<unsigned char>(c) < 0x80);
    out.push_back(std::move(p));
  }
  return out;
}

TEST(CsvReaderTest, MatchesReferenceParserOnRandomInput) {
  std::mt19937 rng(20240611);
  const std::string alphabet = "abcdefgh,,,;\t\"\n\r \xC3\xA9";
  for (int iteration = 0; iteration < 3000; ++iteration) {
    const size_t length = rng() % 200;
    std::string input;
    for (size_t i = 0; i < length; ++i) {
      // Mostly plain text, so that long unquoted runs exercise the vectorized path.
      input += (rng() % 4 == 0) ? alphabet[rng() % alphabet.size()]
                                : static_cast<char>('a' + rng() % 26);
    }
    for (char sep : {',', '\t'}) {
      std::vector<Parsed> expected = ReferenceParse(input, sep);
      std::vector<Parsed> actual = ReadAll(input, sep);
      ASSERT_EQ(actual, expected) << "input: " << ::testing::PrintToString(input);
    }
  }
}

TEST(CsvReaderTest, KeepsOnlyLeadingFieldsWhenAskedButCountsAll) {
  std::mt19937 rng(99);
  const std::string alphabet = "abcdefgh,,,\"\n\r";
  for (int iteration = 0; iteration < 2000; ++iteration) {
    std::string input;
    const size_t length = rng() % 120;
    for (size_t i = 0; i < length; ++i) {
      input += (rng() % 3 == 0) ? alphabet[rng() % alphabet.size()]
                                : static_cast<char>('a' + rng() % 26);
    }
    const std::vector<Parsed> expected = ReferenceParse(input, ',');
    for (size_t max_fields : {size_t{0}, size_t{1}, size_t{2}, size_t{5}}) {
      CsvReader reader(input);
      CsvRecord record;
      size_t i = 0;
      while (reader.Next(&record, max_fields)) {
        ASSERT_LT(i, expected.size());
        const Parsed& want = expected[i++];
        EXPECT_EQ(record.field_count, want.fields.size()) << input;
        EXPECT_GE(record.fields.size(), std::min(max_fields, want.fields.size()));
        for (size_t f = 0; f < record.fields.size(); ++f) {
          EXPECT_EQ(record.fields[f], want.fields[f]) << input;
        }
        EXPECT_EQ(record.raw, want.raw);
      }
      EXPECT_EQ(i, expected.size());
    }
  }
}

}  // namespace
}  // namespace clientele::text
