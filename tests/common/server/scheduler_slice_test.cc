#include "common/server/scheduler_slice.h"

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <functional>
#include <thread>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace clientele::server {
namespace {

using ::testing::HasSubstr;

// Runs `body` on a thread of its own, so that the test process's own threads keep their slice.
void OnOwnThread(const std::function<void()>& body) { std::thread(body).join(); }

// Whether this kernel keeps per-thread slices (Linux 6.12+), learned on a throwaway thread.
bool KernelKeepsSlices() {
  bool keeps = false;
  OnOwnThread([&] { keeps = SetSchedulerSlice(absl::Microseconds(300)).ok(); });
  return keeps;
}

TEST(SchedulerSliceTest, SlicesOutsideTheKernelsRangeAreRejected) {
  for (absl::Duration slice : {absl::ZeroDuration(), absl::Microseconds(99),
                               absl::Milliseconds(101), -absl::Microseconds(200)}) {
    OnOwnThread([&] {
      absl::Status status = SetSchedulerSlice(slice);
      EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << slice;
      EXPECT_THAT(status.message(), HasSubstr("between 100us and 100ms"));
    });
  }
}

TEST(SchedulerSliceTest, TheSliceIsSetAndInheritedByThreadsStartedAfterIt) {
  if (!KernelKeepsSlices()) GTEST_SKIP() << "this kernel keeps no per-thread slice (before 6.12)";
  absl::Duration own, inherited;
  OnOwnThread([&] {
    ASSERT_TRUE(SetSchedulerSlice(absl::Microseconds(250)).ok());
    own = SchedulerSlice().value();
    std::thread([&] { inherited = SchedulerSlice().value(); }).join();
  });
  EXPECT_EQ(own, absl::Microseconds(250));
  EXPECT_EQ(inherited, absl::Microseconds(250));
}

TEST(SchedulerSliceTest, TheNiceValueIsKept) {
  if (!KernelKeepsSlices()) GTEST_SKIP() << "this kernel keeps no per-thread slice (before 6.12)";
  OnOwnThread([] {
    const auto tid = static_cast<id_t>(syscall(SYS_gettid));
    ASSERT_EQ(setpriority(PRIO_PROCESS, tid, 7), 0);
    ASSERT_TRUE(SetSchedulerSlice(absl::Milliseconds(2)).ok());
    errno = 0;
    EXPECT_EQ(getpriority(PRIO_PROCESS, tid), 7);
    EXPECT_EQ(SchedulerSlice().value(), absl::Milliseconds(2));
  });
}

TEST(SchedulerSliceTest, AThreadKeepsTheDefaultSliceUntilSet) {
  if (!KernelKeepsSlices()) GTEST_SKIP() << "this kernel keeps no per-thread slice (before 6.12)";
  absl::Duration before;
  OnOwnThread([&] { before = SchedulerSlice().value(); });
  // The kernel's default, whatever it is here, is not the slice the tests set.
  EXPECT_GT(before, absl::ZeroDuration());
  EXPECT_NE(before, absl::Microseconds(250));
}

}  // namespace
}  // namespace clientele::server
