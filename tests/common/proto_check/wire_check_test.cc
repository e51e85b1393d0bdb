#include "common/proto_check/wire_check.h"

#include <random>
#include <string>

#include "clientele/ingest/v1/ingest.pb.h"
#include "common/testing/test_events.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace clientele::proto_check {
namespace {

using ingest::v1::IngestRequest;
using ::testing::HasSubstr;

// A request of four customer upserts and an order; the fourth customer's e-mail and the
// first one's "tier" attribute hold placeholders that the tests overwrite in the bytes.
IngestRequest Request() {
  IngestRequest request;
  for (int i = 0; i < 4; ++i) {
    *request.add_events() = testing::CustomerEvent("e" + std::to_string(i), "C" + std::to_string(i),
                                                   i == 3 ? "XXXX@example.com" : "a@b.c");
  }
  (*request.mutable_events(0)->mutable_customer_upsert()->mutable_attributes())["tier"]
      .set_string_value("YYYY");
  *request.add_events() = testing::OrderEvent("o1", "O1", "C1");
  return request;
}

// `bytes` with the first occurrence of `placeholder` replaced by `with` (same length).
std::string Replace(std::string bytes, const std::string& placeholder, const std::string& with) {
  const size_t at = bytes.find(placeholder);
  EXPECT_NE(at, std::string::npos);
  EXPECT_EQ(placeholder.size(), with.size());
  bytes.replace(at, placeholder.size(), with);
  return bytes;
}

TEST(WireCheckTest, ValidBytesHaveNoProblem) {
  const std::string bytes = Request().SerializeAsString();
  EXPECT_EQ(FindWireProblem(*IngestRequest::descriptor(), bytes), std::nullopt);
  IngestRequest parsed;
  EXPECT_TRUE(ParseOrExplain(bytes, &parsed).ok());
  EXPECT_EQ(parsed.events_size(), 5);
}

TEST(WireCheckTest, NamesTheStringWithInvalidUtf8) {
  const std::string bytes = Replace(Request().SerializeAsString(), "XXXX", "\xC3\x28\xFF\xFE");
  IngestRequest parsed;
  ASSERT_FALSE(parsed.ParseFromString(bytes));  // What gRPC meets.
  std::optional<WireProblem> problem = FindWireProblem(*IngestRequest::descriptor(), bytes);
  ASSERT_TRUE(problem.has_value());
  EXPECT_EQ(problem->path, "events[3].customer_upsert.email");
  EXPECT_EQ(problem->problem, "invalid UTF-8");
  absl::Status status = ParseOrExplain(bytes, &parsed);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(), "events[3].customer_upsert.email: invalid UTF-8");
}

TEST(WireCheckTest, NamesMapEntriesByKey) {
  const std::string bytes = Replace(Request().SerializeAsString(), "YYYY", "\xED\xA0\x80!");
  std::optional<WireProblem> problem = FindWireProblem(*IngestRequest::descriptor(), bytes);
  ASSERT_TRUE(problem.has_value());
  EXPECT_EQ(problem->ToString(),
            "events[0].customer_upsert.attributes[\"tier\"].string_value: invalid UTF-8");
}

TEST(WireCheckTest, NamesTruncatedAndMalformedFields) {
  const std::string bytes = Request().SerializeAsString();
  // Cut inside the last event: its length runs past the end.
  std::optional<WireProblem> cut =
      FindWireProblem(*IngestRequest::descriptor(), bytes.substr(0, bytes.size() - 3));
  ASSERT_TRUE(cut.has_value());
  EXPECT_EQ(cut->path, "events[4]");
  EXPECT_THAT(cut->problem, HasSubstr("truncated"));

  const std::string bad_wire_type = bytes + std::string("\x0F", 1);  // Field 1, wire type 7.
  std::optional<WireProblem> wire = FindWireProblem(*IngestRequest::descriptor(), bad_wire_type);
  ASSERT_TRUE(wire.has_value());
  EXPECT_EQ(wire->ToString(), "events[5]: invalid wire type 7");

  const std::string zero = bytes + std::string("\x00\x01", 2);
  EXPECT_EQ(FindWireProblem(*IngestRequest::descriptor(), zero)->problem,
            "invalid tag (field number 0)");

  const std::string endless_varint = bytes + std::string("\x18\xFF\xFF\xFF", 4);  // Field 3.
  std::optional<WireProblem> varint = FindWireProblem(*IngestRequest::descriptor(), endless_varint);
  ASSERT_TRUE(varint.has_value());
  EXPECT_EQ(varint->ToString(), "omit_accepted_results: truncated varint");

  const std::string unknown = bytes + std::string("\xFA\x01\x05zz", 5);  // #31, 5 bytes, 2 left.
  EXPECT_EQ(FindWireProblem(*IngestRequest::descriptor(), unknown)->path, "#31");

  const std::string open_group = bytes + std::string("\xFB\x01", 2);  // #31 start group.
  EXPECT_EQ(FindWireProblem(*IngestRequest::descriptor(), open_group)->ToString(),
            "#31: group not closed (no end-group tag)");
}

TEST(WireCheckTest, UnknownFieldsAndMismatchedWireTypesAreNotProblems) {
  std::string bytes = Request().SerializeAsString();
  bytes += std::string("\xF8\x01\x05", 3);                   // #31 varint 5.
  bytes += std::string("\xFB\x01\xFC\x01", 4);               // #31 empty group.
  bytes += std::string("\x19", 1) + std::string(8, '\x01');  // Field 3 (a bool) as fixed64.
  IngestRequest parsed;
  ASSERT_TRUE(parsed.ParseFromString(bytes));
  EXPECT_EQ(FindWireProblem(*IngestRequest::descriptor(), bytes), std::nullopt);
}

// Whatever bytes protobuf refuses, the walk finds a problem in (it models every failure that
// can happen below the 2 GiB limit).
TEST(WireCheckTest, FindsAProblemWheneverProtobufRefuses) {
  const std::string valid = Request().SerializeAsString();
  std::mt19937 rng(12);
  int refused = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string bytes = valid;
    const int edits = 1 + static_cast<int>(rng() % 3);
    for (int e = 0; e < edits; ++e) {
      const size_t at = rng() % bytes.size();
      switch (rng() % 3) {
        case 0:
          bytes[at] = static_cast<char>(rng());
          break;
        case 1:
          bytes.erase(at, 1 + rng() % 4);
          break;
        default:
          bytes.insert(at, 1, static_cast<char>(rng()));
          break;
      }
      if (bytes.empty()) bytes = valid;
    }
    IngestRequest parsed;
    const bool parses = parsed.ParseFromString(bytes);
    std::optional<WireProblem> problem = FindWireProblem(*IngestRequest::descriptor(), bytes);
    if (!parses) {
      ++refused;
      EXPECT_TRUE(problem.has_value()) << ::testing::PrintToString(bytes);
    } else {
      EXPECT_FALSE(problem.has_value()) << problem->ToString();
    }
  }
  EXPECT_GT(refused, 1000);
}

}  // namespace
}  // namespace clientele::proto_check
