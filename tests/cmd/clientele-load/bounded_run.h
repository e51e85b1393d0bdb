// LoadOptions of a test run that only a number of calls ends (no duration, a generous deadline
// per call), so that a test knows exactly how many calls were made.
#ifndef CLIENTELE_TESTS_CMD_CLIENTELE_LOAD_BOUNDED_RUN_H_
#define CLIENTELE_TESTS_CMD_CLIENTELE_LOAD_BOUNDED_RUN_H_

#include <cstdint>

#include "absl/time/time.h"
#include "cmd/clientele-load/load_runner.h"

namespace clientele::load {

// `calls` measured calls, `concurrency` in flight (the cap in the open loop), closed loop when
// `rate` is 0, on `threads` completion-queue threads.
inline LoadOptions BoundedRun(int64_t calls, int concurrency, double rate = 0, int threads = 1) {
  LoadOptions options;
  options.max_calls = calls;
  options.concurrency = concurrency;
  options.rate = rate;
  options.threads = threads;
  options.duration = absl::ZeroDuration();
  options.call_timeout = absl::Seconds(30);
  return options;
}

}  // namespace clientele::load

#endif  // CLIENTELE_TESTS_CMD_CLIENTELE_LOAD_BOUNDED_RUN_H_
