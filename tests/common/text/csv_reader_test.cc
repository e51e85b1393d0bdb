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

  bool operator==(const Parsed& o) const {
    return fields == o.fields && raw == o.raw && error == o.error && ascii == o.ascii;
  }
};

std::ostream& operator<<(std::ostream& os, const Parsed& p) {
  os << "{";
  for (const std::string& f : p.fields) os << "[" << f << "]";
  return os << " raw=[" << p.raw << "] error=" << p.error << " ascii=" << p.ascii << "}";
}

std::vector<Parsed> ReadAll(std::string_view input, char separator = ',') {
  CsvOptions options;
  options.separator = separator;
  CsvReader reader(input, options);
  CsvRecord record;
  std::vector<Parsed> out;
  while (reader.Next(&record)) {
    Parsed p;
    for (std::string_view f : record.fields) p.fields.emplace_back(f);
    p.raw = std::string(record.raw);
    p.line = record.line;
    p.error = !record.error.empty();
    p.ascii = record.ascii;
    out.push_back(std::move(p));
  }
  return out;
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

TEST(CsvReaderTest, UnterminatedQuoteRunsToEndAndIsAnError) {
  std::vector<Parsed> records = ReadAll("a,\"open\nb,c\n");
  ASSERT_EQ(records.size(), 1u);
  EXPECT_TRUE(records[0].error);
  EXPECT_EQ(records[0].fields, (std::vector<std::string>{"a", "open\nb,c\n"}));
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
  std::vector<Parsed> out;
  size_t pos = 0;
  const size_t n = s.size();
  auto special = [&](char c) { return c == sep || c == '\n' || c == '\r'; };
  while (pos < n) {
    if (s[pos] == '\n' || s[pos] == '\r') {
      pos += (s[pos] == '\r' && pos + 1 < n && s[pos + 1] == '\n') ? 2 : 1;
      continue;
    }
    Parsed p;
    const size_t start = pos;
    size_t raw_end = n;
    for (;;) {
      std::string field;
      if (pos < n && s[pos] == '"') {
        ++pos;
        for (;;) {
          if (pos >= n) {
            p.error = true;
            break;
          }
          if (s[pos] == '"') {
            if (pos + 1 < n && s[pos + 1] == '"') {
              field += '"';
              pos += 2;
              continue;
            }
            ++pos;
            break;
          }
          field += s[pos++];
        }
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
