// Lets long domain work stop when nobody waits for its result any more: a gRPC call whose
// deadline passed or whose client went away (common/status/grpc_status.h adapts a
// grpc::ServerContext), or any caller with a deadline. Domain libraries take a
// `const Interrupt&` and never link gRPC.
//
//   for (...; ++scanned) {
//     if (scanned % kInterruptCheckEvery == 0) CLT_RETURN_IF_ERROR(interrupt.Check());
//     ...
//   }
#ifndef CLIENTELE_COMMON_STATUS_INTERRUPT_H_
#define CLIENTELE_COMMON_STATUS_INTERRUPT_H_

#include "absl/status/status.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace clientele {

// How many items of a loop to process between two Check calls: a Check reads the clock and
// may ask gRPC about the call, which costs far more than one step of a scan.
inline constexpr int kInterruptCheckEvery = 256;

class Interrupt {
 public:
  virtual ~Interrupt() = default;
  // OK while the work should go on; else the status to stop with (DeadlineExceeded or
  // Cancelled, naming why). Thread-safe.
  virtual absl::Status Check() const = 0;
};

// Never interrupts.
const Interrupt& NoInterrupt();

// Interrupts once `deadline` has passed (absl::InfiniteFuture(): never).
class DeadlineInterrupt final : public Interrupt {
 public:
  explicit DeadlineInterrupt(absl::Time deadline) : deadline_(deadline) {}
  absl::Status Check() const override;

 private:
  const absl::Time deadline_;
};

}  // namespace clientele

#endif  // CLIENTELE_COMMON_STATUS_INTERRUPT_H_
