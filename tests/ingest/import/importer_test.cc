// Format names, opening files, options, and robustness on hostile input (all formats).
#include "ingest/import/importer.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <random>
#include <string>

#include "common/text/utf8.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ingest/import/internal/import_util.h"
#include "tests/ingest/import/import_test_util.h"

namespace clientele::ingest {
namespace {

using ::testing::HasSubstr;
using testing::ImportContents;
using testing::ImportResult;

constexpr char kRetailHeader[] =
    "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n";
constexpr char kRetailRow[] =
    "536365,85123A,WHITE HANGING HEART T-LIGHT HOLDER,6,2010-12-01 08:26:00,2.55,17850.0,"
    "United Kingdom\n";

std::string WriteTempFile(const std::string& name, const std::string& contents) {
  const std::string path = ::testing::TempDir() + "/" + name;
  std::ofstream(path, std::ios::binary) << contents;
  return path;
}

TEST(ImporterTest, ParsesTheThreeFormatNames) {
  for (ImportFormat format : {ImportFormat::kOnlineRetail, ImportFormat::kMarketingCampaign,
                              ImportFormat::kEventsJsonl}) {
    absl::StatusOr<ImportFormat> parsed = ParseImportFormat(ImportFormatName(format));
    ASSERT_TRUE(parsed.ok()) << parsed.status();
    EXPECT_EQ(*parsed, format);
  }
  EXPECT_EQ(ImportFormatName(ImportFormat::kOnlineRetail), "online-retail");
}

TEST(ImporterTest, UnknownFormatIsInvalidArgumentListingTheValidNames) {
  absl::StatusOr<ImportFormat> format = ParseImportFormat("online_retail");
  ASSERT_FALSE(format.ok());
  EXPECT_EQ(format.status().code(), absl::StatusCode::kInvalidArgument);
  const std::string message(format.status().message());
  EXPECT_THAT(message, HasSubstr("'online_retail'"));
  EXPECT_THAT(message, HasSubstr("online-retail, marketing-campaign, events-jsonl"));
}

TEST(ImporterTest, MissingFileIsNotFoundNamingThePath) {
  const std::string path = ::testing::TempDir() + "/no/such/file.csv";
  absl::StatusOr<std::unique_ptr<Importer>> importer =
      OpenImporter(ImportFormat::kOnlineRetail, path, {});
  ASSERT_FALSE(importer.ok());
  EXPECT_EQ(importer.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(importer.status().message()), HasSubstr(path));
}

TEST(ImporterTest, DirectoryIsInvalidArgument) {
  absl::StatusOr<std::unique_ptr<Importer>> importer =
      OpenImporter(ImportFormat::kEventsJsonl, ::testing::TempDir(), {});
  ASSERT_FALSE(importer.ok());
  EXPECT_EQ(importer.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(ImporterTest, UnreadableFileIsPermissionDenied) {
  if (::geteuid() == 0) GTEST_SKIP() << "root reads any file";
  const std::string path = WriteTempFile("unreadable.csv", kRetailHeader);
  ::chmod(path.c_str(), 0);
  absl::StatusOr<std::unique_ptr<Importer>> importer =
      OpenImporter(ImportFormat::kOnlineRetail, path, {});
  ASSERT_FALSE(importer.ok());
  EXPECT_EQ(importer.status().code(), absl::StatusCode::kPermissionDenied);
}

TEST(ImporterTest, SourceNameDefaultsToTheFileBaseName) {
  const std::string path =
      WriteTempFile("retail_2010.csv", std::string(kRetailHeader) + "536365,X,Y\n" + kRetailRow);
  absl::StatusOr<std::unique_ptr<Importer>> importer =
      OpenImporter(ImportFormat::kOnlineRetail, path, {});
  ASSERT_TRUE(importer.ok()) << importer.status();
  ImportResult result = testing::Drain(importer->get());
  ASSERT_EQ(result.events.size(), 2u);
  EXPECT_EQ(result.events[1].origin().source_name(), "retail_2010.csv");
  ASSERT_EQ(result.rejections.size(), 1u);
  EXPECT_EQ(result.rejections[0].source_name(), "retail_2010.csv");
  EXPECT_EQ(result.rejections[0].row(), 1);
}

TEST(ImporterTest, EmptyFilesHaveNoRows) {
  const std::string path = WriteTempFile("empty.jsonl", "");
  absl::StatusOr<std::unique_ptr<Importer>> importer =
      OpenImporter(ImportFormat::kEventsJsonl, path, {});
  ASSERT_TRUE(importer.ok()) << importer.status();
  ImportResult result = testing::Drain(importer->get());
  EXPECT_EQ(result.rows, 0);
  EXPECT_EQ(result.batches, 0);

  result = ImportContents(ImportFormat::kOnlineRetail, kRetailHeader);
  EXPECT_EQ(result.rows, 0);
}

TEST(ImporterTest, BadOptionsAreInvalidArgument) {
  ImportOptions bad_system;
  bad_system.source_system = "Online Retail";
  ImportOptions bad_currency;
  bad_currency.currency = "GBX";
  ImportOptions bad_zone;
  bad_zone.time_zone = "Mars/Olympus_Mons";
  ImportOptions bad_channel;
  bad_channel.channel = static_cast<common::v1::Channel>(-1);
  for (const ImportOptions& options : {bad_system, bad_currency, bad_zone, bad_channel}) {
    absl::StatusOr<std::unique_ptr<Importer>> importer =
        OpenImporterForContents(ImportFormat::kOnlineRetail, kRetailHeader, options);
    ASSERT_FALSE(importer.ok());
    EXPECT_EQ(importer.status().code(), absl::StatusCode::kInvalidArgument) << importer.status();
  }
}

TEST(ImporterTest, ZeroMaxEventsIsInvalidArgument) {
  for (ImportFormat format : {ImportFormat::kOnlineRetail, ImportFormat::kEventsJsonl}) {
    absl::StatusOr<std::unique_ptr<Importer>> importer = OpenImporterForContents(
        format, format == ImportFormat::kEventsJsonl ? "{}\n" : kRetailHeader, {});
    ASSERT_TRUE(importer.ok()) << importer.status();
    ImportBatch batch;
    EXPECT_EQ((*importer)->Next(0, &batch).status().code(), absl::StatusCode::kInvalidArgument);
  }
}

TEST(ImporterTest, RawRowsAreCutTo4KiBOfValidUtf8) {
  std::string description = "\xC3\xA9";  // é, so that the cut must respect characters.
  while (description.size() < 6000) description += "\xC3\xA9";
  ImportResult result =
      ImportContents(ImportFormat::kOnlineRetail, std::string(kRetailHeader) + "536365,85123A," +
                                                      description + ",six,x,y,z,w\n");
  ASSERT_EQ(result.rejections.size(), 1u);
  const std::string& raw = result.rejections[0].raw();
  EXPECT_LE(raw.size(), 4096u);
  EXPECT_GE(raw.size(), 4090u);
  EXPECT_TRUE(text::IsValidUtf8(raw));
}

TEST(ImporterTest, RowsWithInvalidUtf8AreRejectedNamingTheField) {
  ImportResult result = ImportContents(
      ImportFormat::kOnlineRetail,
      std::string(kRetailHeader) + kRetailRow +
          "536365,85123B,BAD \xFF BYTE,6,2010-12-01 08:26:00,2.55,17850.0,United Kingdom\n");
  EXPECT_EQ(result.rows, 2);
  ASSERT_EQ(result.rejections.size(), 1u);
  EXPECT_EQ(result.rejections[0].field(), "Description");
  EXPECT_TRUE(text::IsValidUtf8(result.rejections[0].raw()));
}

// Issue 12, defect 10: the header of a binary file was put raw into the error message, and
// `clientele import` printed it to the terminal (escape sequences included).
TEST(ImporterTest, HeaderErrorOfABinaryFileShowsNoRawControlBytes) {
  static constexpr char kBinary[] =
      "\x1b]0;pwned\x07\x1b[2J\x00\xFF\xC2\x9B"
      "1m\xE2\x80\xAE,b\n1,2\n";
  const std::string binary(kBinary, sizeof(kBinary) - 1);
  for (ImportFormat format :
       {ImportFormat::kOnlineRetail, ImportFormat::kMarketingCampaign, ImportFormat::kFebrl}) {
    absl::StatusOr<std::unique_ptr<Importer>> importer =
        OpenImporterForContents(format, binary, {});
    ASSERT_FALSE(importer.ok());
    const std::string message(importer.status().message());
    EXPECT_THAT(message, HasSubstr("lacks the column"));
    EXPECT_THAT(message, HasSubstr("\\x1B]0;pwned\\x07"));
    EXPECT_THAT(message, HasSubstr("\\u{009B}"));
    EXPECT_THAT(message, HasSubstr("\\u{202E}"));
    for (unsigned char c : message) {
      EXPECT_TRUE(c >= 0x20 && c != 0x7F) << static_cast<int>(c) << " in " << message;
    }
    EXPECT_TRUE(text::IsValidUtf8(message));
  }
}

// Counts the rows an importer must account for, independently of it: non-blank lines for
// events-jsonl; for the CSV formats every line after the header, which equals the record
// count when no field is quoted (the generator below never writes quotes in CSV mode 0).
TEST(ImporterTest, SurvivesHostileInputAndAccountsForEveryRow) {
  std::mt19937 rng(7);
  const std::string retail_fragments[] = {
      kRetailRow,
      "536366,A,\"q,uoted\"\"x\",1,2010-12-01 08:26:00,1.0,,EIRE\n",
      "C536367,B,D,-1,12/1/2010 8:26,-0.5,12.0,France\n",
      "\"unterminated,\n",
      ",,,,,,,\n",
      "536368,C,D,1e3,2010-02-30 08:26:00,1.,x,y\n",
      "\r\n",
      "\xFF\xFE\n",
      "a,b\n"};
  for (int iteration = 0; iteration < 400; ++iteration) {
    for (ImportFormat format : {ImportFormat::kOnlineRetail, ImportFormat::kMarketingCampaign,
                                ImportFormat::kEventsJsonl}) {
      std::string contents;
      if (format == ImportFormat::kOnlineRetail) contents = kRetailHeader;
      if (format == ImportFormat::kMarketingCampaign) {
        contents =
            "ID\tYear_Birth\tEducation\tMarital_Status\tIncome\tKidhome\tTeenhome\tDt_Customer\t"
            "Recency\tMntWines\tMntFruits\tMntMeatProducts\tMntFishProducts\tMntSweetProducts\t"
            "MntGoldProds\tNumDealsPurchases\tNumWebPurchases\tNumCatalogPurchases\t"
            "NumStorePurchases\tNumWebVisitsMonth\tAcceptedCmp3\tAcceptedCmp4\tAcceptedCmp5\t"
            "AcceptedCmp1\tAcceptedCmp2\tComplain\tZ_CostContact\tZ_Revenue\tResponse\n";
      }
      const int pieces = static_cast<int>(rng() % 30);
      for (int i = 0; i < pieces; ++i) {
        switch (rng() % 3) {
          case 0: {  // Random bytes.
            const int n = static_cast<int>(rng() % 40);
            for (int j = 0; j < n; ++j) contents += static_cast<char>(rng() % 256);
            break;
          }
          case 1:
            contents += retail_fragments[rng() % std::size(retail_fragments)];
            break;
          default: {  // A valid row cut short.
            const std::string row = kRetailRow;
            contents += row.substr(0, rng() % row.size());
            break;
          }
        }
      }
      absl::StatusOr<std::unique_ptr<Importer>> importer =
          OpenImporterForContents(format, contents, {});
      ASSERT_TRUE(importer.ok()) << importer.status();
      ImportResult result = testing::Drain(importer->get(), 1 + rng() % 7);
      if (format != ImportFormat::kMarketingCampaign) {
        EXPECT_EQ(result.rows, result.total_rows_estimate);  // Exact for these formats.
      }
      for (const auto& rejection : result.rejections) {
        EXPECT_TRUE(text::IsValidUtf8(rejection.raw()));
        EXPECT_TRUE(text::IsValidUtf8(rejection.reason()));
        EXPECT_LE(rejection.raw().size(), 4096u);
      }
      for (const auto& event : result.events) {
        // Serializable and parseable again: no invalid UTF-8 slipped into a string field.
        common::v1::Event copy;
        EXPECT_TRUE(copy.ParseFromString(event.SerializeAsString()));
      }
    }
  }
}

TEST(ImporterTest, RowCountMatchesAnIndependentLineCount) {
  // Without quoted line breaks, data rows are the non-empty lines after the header.
  std::string contents = kRetailHeader;
  int lines = 0;
  for (int i = 0; i < 500; ++i) {
    contents += (i % 7 == 0) ? "536365,A,B,bad,2010-12-01 08:26:00,1.0,,X\n" : kRetailRow;
    ++lines;
    if (i % 50 == 0) contents += "\n";
  }
  ImportResult result = ImportContents(ImportFormat::kOnlineRetail, contents, {}, 13);
  EXPECT_EQ(result.rows, lines);
}

}  // namespace
}  // namespace clientele::ingest
