#include "common/status/interrupt.h"

namespace clientele {
namespace {

class Never final : public Interrupt {
 public:
  absl::Status Check() const override { return absl::OkStatus(); }
};

}  // namespace

const Interrupt& NoInterrupt() {
  static const Never* const never = new Never();
  return *never;
}

absl::Status DeadlineInterrupt::Check() const {
  if (absl::Now() < deadline_) return absl::OkStatus();
  return absl::DeadlineExceededError("the caller's deadline passed before the work was done");
}

}  // namespace clientele
