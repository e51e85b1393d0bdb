#include "common/server/termination_signals.h"

#include <pthread.h>
#include <signal.h>

#include <algorithm>
#include <mutex>
#include <vector>

#include "common/status/status_macros.h"

namespace clientele::server {
namespace {

sigset_t TerminationSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  return set;
}

struct WaitState {
  std::mutex mu;
  std::vector<pthread_t> waiters;  // Threads inside WaitForTerminationSignal.
  bool requested = false;          // RequestTermination found no waiter.
};

WaitState& State() {
  static auto* state = new WaitState;  // Never destroyed: usable during exit.
  return *state;
}

}  // namespace

void BlockTerminationSignals() {
  const sigset_t set = TerminationSignals();
  CLT_CHECK(pthread_sigmask(SIG_BLOCK, &set, nullptr) == 0);
}

int WaitForTerminationSignal() {
  BlockTerminationSignals();
  WaitState& state = State();
  const pthread_t self = pthread_self();
  {
    std::lock_guard<std::mutex> lock(state.mu);
    if (state.requested) {
      state.requested = false;
      return SIGTERM;
    }
    state.waiters.push_back(self);
  }
  // A RequestTermination between the unlock and sigwait leaves SIGTERM pending on this
  // thread (it is blocked here), so sigwait still returns at once.
  const sigset_t set = TerminationSignals();
  int signal = 0;
  const int rc = sigwait(&set, &signal);
  {
    std::lock_guard<std::mutex> lock(state.mu);
    auto it = std::find_if(state.waiters.begin(), state.waiters.end(),
                           [self](pthread_t t) { return pthread_equal(t, self); });
    if (it != state.waiters.end()) state.waiters.erase(it);
  }
  CLT_CHECK(rc == 0);
  return signal;
}

void RequestTermination() {
  WaitState& state = State();
  std::lock_guard<std::mutex> lock(state.mu);
  if (state.waiters.empty()) {
    state.requested = true;
    return;
  }
  for (pthread_t waiter : state.waiters) CLT_CHECK(pthread_kill(waiter, SIGTERM) == 0);
  state.waiters.clear();  // Each waiter is signalled once.
}

}  // namespace clientele::server
