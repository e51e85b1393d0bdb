#include "common/server/scheduler_slice.h"

#include <sched.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <string>

#include "absl/strings/str_cat.h"

namespace clientele::server {
namespace {

// The kernel's struct sched_attr (include/uapi/linux/sched/types.h); glibc 2.36 has neither the
// struct nor wrappers for sched_getattr/sched_setattr.
struct SchedAttr {
  uint32_t size;
  uint32_t sched_policy;
  uint64_t sched_flags;
  int32_t sched_nice;
  uint32_t sched_priority;
  uint64_t sched_runtime;  // SCHED_DEADLINE's runtime; the fair scheduler's slice (6.12+).
  uint64_t sched_deadline;
  uint64_t sched_period;
  uint32_t sched_util_min;
  uint32_t sched_util_max;
};

absl::Status ErrnoStatus(const char* call, int error) {
  return absl::Status(absl::ErrnoToStatusCode(error),
                      absl::StrCat(call, ": ", std::strerror(error)));
}

absl::StatusOr<SchedAttr> GetAttr() {
  SchedAttr attr;
  std::memset(&attr, 0, sizeof(attr));
  if (syscall(SYS_sched_getattr, 0, &attr, sizeof(attr), 0) != 0) {
    return ErrnoStatus("sched_getattr", errno);
  }
  return attr;
}

bool IsFairPolicy(uint32_t policy) {
  return policy == SCHED_OTHER || policy == SCHED_BATCH || policy == SCHED_IDLE;
}

}  // namespace

absl::Status SetSchedulerSlice(absl::Duration slice) {
  if (slice < kMinSchedulerSlice || slice > kMaxSchedulerSlice) {
    return absl::InvalidArgumentError(absl::StrCat(
        "scheduler slice: must be between ", absl::FormatDuration(kMinSchedulerSlice), " and ",
        absl::FormatDuration(kMaxSchedulerSlice), ", got ", absl::FormatDuration(slice)));
  }
  absl::StatusOr<SchedAttr> attr = GetAttr();
  if (!attr.ok()) return attr.status();
  if (!IsFairPolicy(attr->sched_policy)) {
    return absl::FailedPreconditionError(
        "scheduler slice: the thread runs under a real-time policy, which has no fair slice");
  }
  const uint64_t nanos = static_cast<uint64_t>(absl::ToInt64Nanoseconds(slice));
  attr->size = sizeof(SchedAttr);
  attr->sched_flags = 0;
  attr->sched_runtime = nanos;
  if (syscall(SYS_sched_setattr, 0, &*attr, 0) != 0) return ErrnoStatus("sched_setattr", errno);
  absl::StatusOr<SchedAttr> now = GetAttr();
  if (!now.ok()) return now.status();
  if (now->sched_runtime != nanos) {
    return absl::FailedPreconditionError(
        "scheduler slice: this kernel keeps no per-thread slice (custom slices need Linux 6.12 "
        "or later)");
  }
  return absl::OkStatus();
}

absl::StatusOr<absl::Duration> SchedulerSlice() {
  absl::StatusOr<SchedAttr> attr = GetAttr();
  if (!attr.ok()) return attr.status();
  return absl::Nanoseconds(static_cast<int64_t>(attr->sched_runtime));
}

}  // namespace clientele::server
