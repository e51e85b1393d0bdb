#include "common/server/termination_signals.h"

#include <signal.h>
#include <unistd.h>

#include <thread>

#include "gtest/gtest.h"

namespace clientele::server {
namespace {

TEST(TerminationSignalsTest, RequestTerminationWakesAWaitingThread) {
  int received = 0;
  std::thread waiter([&received] { received = WaitForTerminationSignal(); });
  // Works whether or not the waiter has reached sigwait yet.
  RequestTermination();
  waiter.join();
  EXPECT_EQ(received, SIGTERM);
}

TEST(TerminationSignalsTest, RequestBeforeWaitReturnsAtOnce) {
  RequestTermination();
  EXPECT_EQ(WaitForTerminationSignal(), SIGTERM);
}

TEST(TerminationSignalsTest, ReturnsASignalSentToTheProcess) {
  // Single-threaded here (the threads of earlier tests are joined), so once this thread
  // blocks the signals no thread can take the default action.
  BlockTerminationSignals();
  ASSERT_EQ(kill(getpid(), SIGINT), 0);
  EXPECT_EQ(WaitForTerminationSignal(), SIGINT);
}

TEST(TerminationSignalsTest, BlockedSignalsAreInheritedByNewThreads) {
  BlockTerminationSignals();
  bool blocked_in_thread = false;
  std::thread thread([&blocked_in_thread] {
    sigset_t mask;
    pthread_sigmask(SIG_BLOCK, nullptr, &mask);
    blocked_in_thread = sigismember(&mask, SIGTERM) == 1 && sigismember(&mask, SIGINT) == 1;
  });
  thread.join();
  EXPECT_TRUE(blocked_in_thread);
}

}  // namespace
}  // namespace clientele::server
