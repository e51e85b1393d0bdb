#include "common/time/proto_time.h"

#include "common/testing/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace clientele {
namespace {

using ::clientele::testing::IsOk;
using ::clientele::testing::StatusIs;
using ::testing::HasSubstr;

google::protobuf::Timestamp Ts(int64_t seconds, int32_t nanos) {
  google::protobuf::Timestamp ts;
  ts.set_seconds(seconds);
  ts.set_nanos(nanos);
  return ts;
}

TEST(ProtoTimeTest, TimestampRoundTripsToTheNanosecond) {
  const absl::Time t = absl::FromUnixSeconds(1704067200) + absl::Nanoseconds(123456789);
  const google::protobuf::Timestamp ts = ToProtoTimestamp(t);
  EXPECT_EQ(ts.seconds(), 1704067200);
  EXPECT_EQ(ts.nanos(), 123456789);
  EXPECT_EQ(FromProtoTimestamp(ts), t);
}

TEST(ProtoTimeTest, TimesBeforeTheEpochKeepNanosPositive) {
  const absl::Time t = absl::FromUnixSeconds(-1) + absl::Milliseconds(500);  // -0.5 s.
  const google::protobuf::Timestamp ts = ToProtoTimestamp(t);
  EXPECT_EQ(ts.seconds(), -1);
  EXPECT_EQ(ts.nanos(), 500000000);
  EXPECT_TRUE(IsValidProtoTimestamp(ts));
  EXPECT_EQ(FromProtoTimestamp(ts), t);
}

TEST(ProtoTimeTest, InfiniteTimesRoundTrip) {
  EXPECT_EQ(FromProtoTimestamp(ToProtoTimestamp(absl::InfiniteFuture())), absl::InfiniteFuture());
  EXPECT_EQ(FromProtoTimestamp(ToProtoTimestamp(absl::InfinitePast())), absl::InfinitePast());
  EXPECT_FALSE(IsValidProtoTimestamp(ToProtoTimestamp(absl::InfiniteFuture())));
}

TEST(ProtoTimeTest, ValidityFollowsTheDocumentedRange) {
  EXPECT_TRUE(IsValidProtoTimestamp(Ts(kMinTimestampSeconds, 0)));
  EXPECT_TRUE(IsValidProtoTimestamp(Ts(kMaxTimestampSeconds, 999999999)));
  EXPECT_FALSE(IsValidProtoTimestamp(Ts(kMinTimestampSeconds - 1, 0)));
  EXPECT_FALSE(IsValidProtoTimestamp(Ts(kMaxTimestampSeconds + 1, 0)));
  EXPECT_FALSE(IsValidProtoTimestamp(Ts(0, -1)));
  EXPECT_FALSE(IsValidProtoTimestamp(Ts(0, 1000000000)));
}

TEST(ProtoTimeTest, ParseNamesTheFieldOfAnInvalidTimestamp) {
  EXPECT_THAT(ParseProtoTimestamp(Ts(0, 2000000000), "reference_date"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("reference_date: nanos 2000000000 is outside")));
  EXPECT_THAT(ParseProtoTimestamp(Ts(kMaxTimestampSeconds + 1, 0), "occurred_at"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("occurred_at: seconds")));
  absl::StatusOr<absl::Time> ok = ParseProtoTimestamp(Ts(60, 5), "occurred_at");
  ASSERT_THAT(ok, IsOk());
  EXPECT_EQ(*ok, absl::FromUnixSeconds(60) + absl::Nanoseconds(5));
}

TEST(ProtoTimeTest, DurationsKeepOneSign) {
  const google::protobuf::Duration positive = ToProtoDuration(absl::Milliseconds(1500));
  EXPECT_EQ(positive.seconds(), 1);
  EXPECT_EQ(positive.nanos(), 500000000);
  const google::protobuf::Duration negative = ToProtoDuration(-absl::Milliseconds(1500));
  EXPECT_EQ(negative.seconds(), -1);
  EXPECT_EQ(negative.nanos(), -500000000);
  EXPECT_EQ(FromProtoDuration(negative), -absl::Milliseconds(1500));
  EXPECT_EQ(FromProtoDuration(ToProtoDuration(absl::Nanoseconds(7))), absl::Nanoseconds(7));
}

}  // namespace
}  // namespace clientele
