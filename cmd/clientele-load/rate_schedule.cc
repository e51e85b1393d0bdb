#include "cmd/clientele-load/rate_schedule.h"

#include <cmath>
#include <string>

#include "absl/status/status.h"

namespace clientele::load {

absl::StatusOr<RateSchedule> RateSchedule::Create(double calls_per_second) {
  if (!std::isfinite(calls_per_second) || calls_per_second <= 0 || calls_per_second > 1e9) {
    return absl::InvalidArgumentError(
        "rate: must be a number of calls per second in (0, 1e9], got " +
        std::to_string(calls_per_second));
  }
  return RateSchedule(calls_per_second);
}

int64_t RateSchedule::OffsetNanos(int64_t index) const {
  // long double holds every int64 index exactly, so the product is rounded once.
  return static_cast<int64_t>(std::floor(static_cast<long double>(index) * 1e9L / rate_));
}

int64_t RateSchedule::CallsBefore(absl::Duration elapsed) const {
  const int64_t nanos = absl::ToInt64Nanoseconds(elapsed);
  if (nanos <= 0) return 0;
  // First estimate from the inverse, then settle the rounding against OffsetNanos itself, so
  // the two can never disagree.
  int64_t calls = static_cast<int64_t>(std::ceil(static_cast<long double>(nanos) * rate_ / 1e9L));
  while (calls > 0 && OffsetNanos(calls - 1) >= nanos) --calls;
  while (OffsetNanos(calls) < nanos) ++calls;
  return calls;
}

}  // namespace clientele::load
