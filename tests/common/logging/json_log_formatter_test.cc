#include "common/logging/json_log_formatter.h"

#include <algorithm>
#include <memory>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_split.h"
#include "common/logging/log_context.h"
#include "common/logging/log_setup.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "spdlog/sinks/ostream_sink.h"
#include "spdlog/spdlog.h"

namespace clientele::logging {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// A logger that writes JSON lines into a string.
class JsonLogTest : public ::testing::Test {
 protected:
  JsonLogTest() {
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_st>(out_);
    sink->set_formatter(std::make_unique<JsonLogFormatter>("testd"));
    logger_ = std::make_shared<spdlog::logger>("", sink);
    logger_->set_level(spdlog::level::trace);
  }

  // Every line written so far, each parsed as JSON (a line that does not parse fails).
  std::vector<nlohmann::ordered_json> Lines() {
    std::vector<nlohmann::ordered_json> lines;
    for (absl::string_view line : absl::StrSplit(out_.str(), '\n', absl::SkipEmpty())) {
      nlohmann::ordered_json parsed =
          nlohmann::ordered_json::parse(std::string(line), nullptr, /*allow_exceptions=*/false);
      EXPECT_FALSE(parsed.is_discarded()) << "not JSON: " << line;
      lines.push_back(parsed);
    }
    return lines;
  }

  std::ostringstream out_;
  std::shared_ptr<spdlog::logger> logger_;
};

std::vector<std::string> Keys(const nlohmann::ordered_json& object) {
  std::vector<std::string> keys;
  for (auto it = object.begin(); it != object.end(); ++it) keys.push_back(it.key());
  return keys;
}

TEST_F(JsonLogTest, EachMessageIsOneObjectWithTimeLevelComponentAndMessage) {
  logger_->info("server started on port {}", 50051);
  logger_->warn("disk {}% full", 91);
  const std::vector<nlohmann::ordered_json> lines = Lines();
  ASSERT_EQ(lines.size(), 2u);
  // Exactly these keys, in this order, outside a call.
  EXPECT_THAT(Keys(lines[0]), ElementsAre("time", "level", "component", "message"));
  EXPECT_EQ(lines[0]["level"], "info");
  EXPECT_EQ(lines[0]["component"], "testd");  // The default: no context, unnamed logger.
  EXPECT_EQ(lines[0]["message"], "server started on port 50051");
  EXPECT_EQ(lines[1]["level"], "warning");
  EXPECT_EQ(lines[1]["message"], "disk 91% full");
  // RFC 3339, UTC, microseconds.
  const std::regex rfc3339(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z)");
  EXPECT_TRUE(std::regex_match(lines[0]["time"].get<std::string>(), rfc3339)) << lines[0]["time"];
}

TEST_F(JsonLogTest, MessagesAreEscapedAndStayOnOneLine) {
  const std::string tricky =
      "say \"hi\"\nsecond line\tand a tab, a backslash \\ and \x01 control; "
      "İstanbul Çağrı şöğüı 日本 😀";
  logger_->error("{}", tricky);
  logger_->info("not UTF-8: \xff\xfe end");
  const std::string written = out_.str();
  EXPECT_EQ(std::count(written.begin(), written.end(), '\n'), 2);
  const std::vector<nlohmann::ordered_json> lines = Lines();
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0]["message"], tricky);  // Round-trips exactly.
  EXPECT_EQ(lines[0]["level"], "error");
  // Non-ASCII stays UTF-8 on the line (not \u escapes); quotes and newlines are escaped.
  EXPECT_THAT(out_.str(), HasSubstr("İstanbul Çağrı şöğüı 日本 😀"));
  EXPECT_THAT(out_.str(), HasSubstr(R"(say \"hi\"\nsecond line\tand)"));
  EXPECT_THAT(out_.str(), HasSubstr(R"(\u0001 control)"));
  // Invalid UTF-8 becomes U+FFFD instead of breaking the line.
  EXPECT_EQ(lines[1]["message"], "not UTF-8: \xEF\xBF\xBD\xEF\xBF\xBD end");
}

TEST_F(JsonLogTest, ComponentComesFromScopeThenLoggerName) {
  {
    ScopedComponent component("identity");
    logger_->info("in identity");
    {
      ScopedComponent inner("analytics");
      logger_->info("in analytics");
    }
    logger_->info("identity again");
  }
  logger_->info("none");
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_st>(out_);
  sink->set_formatter(std::make_unique<JsonLogFormatter>("testd"));
  spdlog::logger named("ingest", sink);
  named.info("from a named logger");
  const std::vector<nlohmann::ordered_json> lines = Lines();
  ASSERT_EQ(lines.size(), 5u);
  EXPECT_EQ(lines[0]["component"], "identity");
  EXPECT_EQ(lines[1]["component"], "analytics");
  EXPECT_EQ(lines[2]["component"], "identity");
  EXPECT_EQ(lines[3]["component"], "testd");
  EXPECT_EQ(lines[4]["component"], "ingest");
}

TEST_F(JsonLogTest, InsideACallLinesCarryMethodAndRequestId) {
  SetCallContext("/clientele.recommender.v1.RecommenderService/Recommend", "req-42");
  logger_->info("serving");
  std::thread other([this] { logger_->info("another thread"); });  // Its own context: none.
  other.join();
  ClearCallContext();
  logger_->info("after");
  const std::vector<nlohmann::ordered_json> lines = Lines();
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_THAT(Keys(lines[0]),
              ElementsAre("time", "level", "component", "message", "method", "request_id"));
  EXPECT_EQ(lines[0]["component"], "recommender");
  EXPECT_EQ(lines[0]["method"], "/clientele.recommender.v1.RecommenderService/Recommend");
  EXPECT_EQ(lines[0]["request_id"], "req-42");
  EXPECT_FALSE(lines[1].contains("request_id"));
  EXPECT_EQ(lines[1]["component"], "testd");
  EXPECT_FALSE(lines[2].contains("method"));
  EXPECT_FALSE(lines[2].contains("request_id"));
}

TEST(LogContextTest, ComponentOfMethodIsThePackagesSecondPart) {
  EXPECT_EQ(ComponentOfMethod("/clientele.identity.v1.IdentityService/Resolve"), "identity");
  EXPECT_EQ(ComponentOfMethod("/clientele.ingest.v1.IngestService/Ingest"), "ingest");
  EXPECT_EQ(ComponentOfMethod("/grpc.health.v1.Health/Check"), "grpc");
  EXPECT_EQ(ComponentOfMethod("/clientele/Odd"), "grpc");
  EXPECT_EQ(ComponentOfMethod(""), "");
}

TEST(LogSetupTest, UnknownFormatOrLevelIsAnErrorNamingTheFlag) {
  LogOptions options;
  options.format = "xml";
  absl::Status s = ConfigureLogging(options);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(s.message()), HasSubstr("--log_format"));
  options.format = "json";
  options.level = "loud";
  s = ConfigureLogging(options);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(s.message()), HasSubstr("--log_level"));
}

TEST(LogSetupTest, JsonFormatAppliesToTheDefaultLogger) {
  std::ostringstream out;
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(out);
  auto previous = spdlog::default_logger();
  spdlog::set_default_logger(std::make_shared<spdlog::logger>("", sink));
  LogOptions options;
  options.format = "json";
  options.level = "debug";
  ASSERT_TRUE(ConfigureLogging(options).ok());
  spdlog::debug("hello \"json\"");
  spdlog::trace("below the level");
  spdlog::set_default_logger(previous);
  const nlohmann::ordered_json line = nlohmann::ordered_json::parse(out.str());
  EXPECT_EQ(line["message"], "hello \"json\"");
  EXPECT_EQ(line["level"], "debug");
  EXPECT_EQ(line["component"], "clienteled");
}

}  // namespace
}  // namespace clientele::logging
