#include "ingest/import/internal/import_util.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace clientele::ingest::import_internal {
namespace {

TEST(ImportUtilTest, ParsesStrictIntegers) {
  int64_t v = 0;
  EXPECT_TRUE(ParseInt64("6", &v));
  EXPECT_EQ(v, 6);
  EXPECT_TRUE(ParseInt64("-80995", &v));
  EXPECT_EQ(v, -80995);
  EXPECT_TRUE(ParseInt64("+7", &v));
  EXPECT_EQ(v, 7);
  EXPECT_TRUE(ParseInt64("9223372036854775807", &v));
  EXPECT_EQ(v, INT64_MAX);
  EXPECT_TRUE(ParseInt64("-9223372036854775808", &v));
  EXPECT_EQ(v, INT64_MIN);
  for (const char* bad : {"", "-", "1.0", "1e3", " 1", "9223372036854775808",
                          "12345678901234567890", "0x10", "six"}) {
    EXPECT_FALSE(ParseInt64(bad, &v)) << bad;
  }
}

TEST(ImportUtilTest, ParsesLocalDateTimes) {
  absl::CivilSecond t;
  ASSERT_TRUE(ParseLocalDateTime("2010-12-01 08:26:00", &t));
  EXPECT_EQ(t, absl::CivilSecond(2010, 12, 1, 8, 26, 0));
  ASSERT_TRUE(ParseLocalDateTime("2011-12-09T12:50:59", &t));
  EXPECT_EQ(t, absl::CivilSecond(2011, 12, 9, 12, 50, 59));
  ASSERT_TRUE(ParseLocalDateTime("2011-12-09 12:50", &t));
  EXPECT_EQ(t, absl::CivilSecond(2011, 12, 9, 12, 50, 0));
  ASSERT_TRUE(ParseLocalDateTime("12/1/2010 8:26", &t));
  EXPECT_EQ(t, absl::CivilSecond(2010, 12, 1, 8, 26, 0));
  ASSERT_TRUE(ParseLocalDateTime("1/13/2011 17:05:30", &t));
  EXPECT_EQ(t, absl::CivilSecond(2011, 1, 13, 17, 5, 30));
  for (const char* bad :
       {"", "2010-12-01", "2010-13-01 08:26:00", "2011-02-29 08:00:00", "2010-12-01 24:00:00",
        "2010-12-01 08:60:00", "13/1/2010 8:26", "12/1/10 8:26", "2010-12-01 08:26:00Z",
        "0000-01-01 00:00:00", "2010-12-1 08:26:00"}) {
    EXPECT_FALSE(ParseLocalDateTime(bad, &t)) << bad;
  }
}

TEST(ImportUtilTest, ParsesDayMonthYearDates) {
  absl::CivilDay d;
  ASSERT_TRUE(ParseDayMonthYear("04-09-2012", &d));
  EXPECT_EQ(d, absl::CivilDay(2012, 9, 4));
  ASSERT_TRUE(ParseDayMonthYear("4/9/2012", &d));
  EXPECT_EQ(d, absl::CivilDay(2012, 9, 4));
  ASSERT_TRUE(ParseDayMonthYear("2012-09-04", &d));
  EXPECT_EQ(d, absl::CivilDay(2012, 9, 4));
  for (const char* bad : {"", "31-02-2013", "04-13-2012", "04-09/2012", "04-09-12", "x"}) {
    EXPECT_FALSE(ParseDayMonthYear(bad, &d)) << bad;
  }
}

TEST(ImportUtilTest, SanitizesAndCutsUtf8) {
  EXPECT_EQ(SanitizeUtf8("plain", 100), "plain");
  EXPECT_EQ(SanitizeUtf8("a\xFF"
                         "b",
                         100),
            "a\xEF\xBF\xBD"
            "b");
  EXPECT_EQ(SanitizeUtf8("\xC3\xA9\xC3\xA9", 3), "\xC3\xA9");  // Never half a character.
  EXPECT_EQ(SanitizeUtf8("\xED\xA0\x80", 100), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
}

TEST(ImportUtilTest, TrimsAndNamesFiles) {
  EXPECT_EQ(TrimAscii(" \t 0  \r"), "0");
  EXPECT_EQ(TrimAscii("   "), "");
  EXPECT_EQ(BaseName("/data/online_retail.csv"), "online_retail.csv");
  EXPECT_EQ(BaseName("online_retail.csv"), "online_retail.csv");
  EXPECT_EQ(BaseName("dir/sub/"), "sub");
  EXPECT_EQ(StripUtf8Bom("\xEF\xBB\xBFID"), "ID");
}

TEST(ImportUtilTest, FindsColumnsIgnoringCaseAndSpaces) {
  absl::StatusOr<std::vector<size_t>> columns =
      FindColumns({"a", " Income ", "ID"}, {"id", "income"}, "f.csv");
  ASSERT_TRUE(columns.ok()) << columns.status();
  EXPECT_THAT(*columns, ::testing::ElementsAre(2, 1));
  columns = FindColumns({"a"}, {"ID"}, "f.csv");
  ASSERT_FALSE(columns.ok());
  EXPECT_THAT(std::string(columns.status().message()), ::testing::HasSubstr("f.csv"));
  EXPECT_THAT(std::string(columns.status().message()), ::testing::HasSubstr("'ID'"));
}

}  // namespace
}  // namespace clientele::ingest::import_internal
