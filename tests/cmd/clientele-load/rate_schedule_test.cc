#include "cmd/clientele-load/rate_schedule.h"

#include <limits>

#include "absl/time/time.h"
#include "gtest/gtest.h"

namespace clientele::load {
namespace {

TEST(RateScheduleTest, FiveThousandPerSecondIsOneCallEvery200Microseconds) {
  RateSchedule s = RateSchedule::Create(5000).value();
  EXPECT_EQ(s.OffsetNanos(0), 0);
  EXPECT_EQ(s.OffsetNanos(1), 200000);
  EXPECT_EQ(s.OffsetNanos(3), 600000);
  EXPECT_EQ(s.OffsetNanos(5000), 1000000000);
  EXPECT_EQ(s.CallsBefore(absl::Seconds(1)), 5000);
  EXPECT_EQ(s.CallsBefore(absl::Seconds(20)), 100000);
  EXPECT_EQ(s.CallsBefore(absl::Nanoseconds(200000)), 1);  // Call 1 is due at, not before.
  EXPECT_EQ(s.CallsBefore(absl::Nanoseconds(200001)), 2);
  EXPECT_EQ(s.CallsBefore(absl::ZeroDuration()), 0);
}

TEST(RateScheduleTest, UnevenPeriodDoesNotDrift) {
  // 3 calls/s: periods of 333333333.33 ns. Adding a rounded period would lose 1 ns per call;
  // the schedule lands on whole seconds exactly every 3 calls.
  RateSchedule s = RateSchedule::Create(3).value();
  EXPECT_EQ(s.OffsetNanos(1), 333333333);
  EXPECT_EQ(s.OffsetNanos(2), 666666666);
  EXPECT_EQ(s.OffsetNanos(3), 1000000000);
  EXPECT_EQ(s.OffsetNanos(3000000), int64_t{1000000} * 1000000000);
  EXPECT_EQ(s.CallsBefore(absl::Seconds(1)), 3);
  EXPECT_EQ(s.CallsBefore(absl::Seconds(1) + absl::Nanoseconds(1)), 4);
}

TEST(RateScheduleTest, FractionalRate) {
  RateSchedule s = RateSchedule::Create(0.5).value();
  EXPECT_EQ(s.OffsetNanos(1), 2000000000);
  EXPECT_EQ(s.CallsBefore(absl::Seconds(10)), 5);
}

TEST(RateScheduleTest, CallsBeforeAgreesWithOffsets) {
  for (double rate : {1.0, 7.0, 999.0, 5000.0, 12345.6, 1e6}) {
    RateSchedule s = RateSchedule::Create(rate).value();
    for (int64_t i = 0; i < 2000; ++i) {
      const int64_t due = s.OffsetNanos(i);
      ASSERT_EQ(s.CallsBefore(absl::Nanoseconds(due)), i) << rate << " " << i;
      ASSERT_EQ(s.CallsBefore(absl::Nanoseconds(due + 1)), i + 1) << rate << " " << i;
      ASSERT_GT(s.OffsetNanos(i + 1), due) << rate << " " << i;
    }
  }
}

TEST(RateScheduleTest, RejectsBadRates) {
  for (double rate : {0.0, -1.0, 2e9, std::numeric_limits<double>::infinity(),
                      std::numeric_limits<double>::quiet_NaN()}) {
    absl::StatusOr<RateSchedule> s = RateSchedule::Create(rate);
    EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument) << rate;
    EXPECT_NE(s.status().message().find("rate"), absl::string_view::npos);
  }
}

}  // namespace
}  // namespace clientele::load
