#include "common/status/interrupt.h"

#include "absl/time/clock.h"
#include "gtest/gtest.h"

namespace clientele {
namespace {

TEST(InterruptTest, NoInterruptNeverStops) { EXPECT_TRUE(NoInterrupt().Check().ok()); }

TEST(InterruptTest, DeadlineInterruptGoesOnBeforeItsDeadline) {
  EXPECT_TRUE(DeadlineInterrupt(absl::Now() + absl::Hours(1)).Check().ok());
  EXPECT_TRUE(DeadlineInterrupt(absl::InfiniteFuture()).Check().ok());
}

TEST(InterruptTest, DeadlineInterruptStopsWithDeadlineExceededAfterItsDeadline) {
  const absl::Status stop = DeadlineInterrupt(absl::Now() - absl::Milliseconds(1)).Check();
  EXPECT_TRUE(absl::IsDeadlineExceeded(stop)) << stop;
}

}  // namespace
}  // namespace clientele
