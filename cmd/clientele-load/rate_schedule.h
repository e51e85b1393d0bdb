// The timetable of an open-loop run: call i (0-based) is due at floor(i * 1e9 / rate) ns after
// the start, whatever happened to the calls before it. Computing each time from i (instead of
// adding a rounded period again and again) keeps the schedule free of drift: after one second
// at any rate, exactly `rate` calls (rounded up) have been due.
//
//   RateSchedule schedule(5000);             // 5,000 calls/s: one every 200 us
//   schedule.OffsetNanos(3);                 // 600000
//   schedule.CallsBefore(absl::Seconds(1));  // 5000
//
// Immutable and thread-safe.
#ifndef CLIENTELE_CMD_CLIENTELE_LOAD_RATE_SCHEDULE_H_
#define CLIENTELE_CMD_CLIENTELE_LOAD_RATE_SCHEDULE_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace clientele::load {

class RateSchedule {
 public:
  // `calls_per_second` must be finite and in (0, 1e9].
  static absl::StatusOr<RateSchedule> Create(double calls_per_second);

  double rate() const { return rate_; }

  // When call `index` (>= 0) is due, in nanoseconds after the start.
  int64_t OffsetNanos(int64_t index) const;

  // The number of calls due strictly before `elapsed` (>= 0) after the start; the calls due in a
  // run of that length. CallsBefore(d) == min{i : OffsetNanos(i) >= d}.
  int64_t CallsBefore(absl::Duration elapsed) const;

 private:
  explicit RateSchedule(double rate) : rate_(rate) {}

  double rate_;
};

}  // namespace clientele::load

#endif  // CLIENTELE_CMD_CLIENTELE_LOAD_RATE_SCHEDULE_H_
