// The time slice Linux's fair scheduler (EEVDF) gives a thread of this process. A thread woken
// by the network (a gRPC poller with a request or an answer to read) waits, on a busy core,
// until the thread running there has used its slice, unless its own slice is shorter: a thread
// with a short slice gets an earlier virtual deadline and preempts at once. On a host where
// other processes keep the cores busy, the kernel's default slice (1.4 ms on a 2-core machine;
// it grows with the number of CPUs) therefore shows in the tail latency of every call; a short
// slice (100-200 us) shortens that wait to about the slice, at the price of more preemption.
// Custom slices need Linux 6.12 or later; older kernels ignore them (FailedPrecondition below).
// No gRPC; thread-compatible (each call changes the calling thread only).
#ifndef CLIENTELE_COMMON_SERVER_SCHEDULER_SLICE_H_
#define CLIENTELE_COMMON_SERVER_SCHEDULER_SLICE_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace clientele::server {

// The range the kernel accepts for a custom slice.
inline constexpr absl::Duration kMinSchedulerSlice = absl::Microseconds(100);
inline constexpr absl::Duration kMaxSchedulerSlice = absl::Milliseconds(100);

// Sets the calling thread's slice to `slice`, keeping its policy and nice value. Threads it
// creates afterwards inherit the slice: a main calls it before it starts any other thread.
// Errors: InvalidArgument for a slice outside [kMinSchedulerSlice, kMaxSchedulerSlice];
// FailedPrecondition when the thread is not under the fair scheduler (a real-time policy) or
// the kernel keeps no slice of its own (before Linux 6.12); the system call's errno otherwise.
absl::Status SetSchedulerSlice(absl::Duration slice);

// The calling thread's slice as the kernel reports it; zero on kernels that report none.
absl::StatusOr<absl::Duration> SchedulerSlice();

}  // namespace clientele::server

#endif  // CLIENTELE_COMMON_SERVER_SCHEDULER_SLICE_H_
