// Polls a condition with a deadline instead of sleeping a fixed time in tests.
#ifndef CLIENTELE_COMMON_TESTING_POLL_H_
#define CLIENTELE_COMMON_TESTING_POLL_H_

#include <functional>

#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace clientele::testing {

// True as soon as `condition` holds; false if it still does not at the deadline.
inline bool PollUntil(const std::function<bool()>& condition,
                      absl::Duration timeout = absl::Seconds(30)) {
  const absl::Time deadline = absl::Now() + timeout;
  absl::Duration step = absl::Milliseconds(1);
  while (true) {
    if (condition()) return true;
    if (absl::Now() >= deadline) return false;
    absl::SleepFor(step);
    if (step < absl::Milliseconds(50)) step *= 2;
  }
}

}  // namespace clientele::testing

#endif  // CLIENTELE_COMMON_TESTING_POLL_H_
