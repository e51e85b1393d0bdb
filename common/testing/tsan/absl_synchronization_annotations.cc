// ThreadSanitizer annotations for Debian's uninstrumented abseil synchronization library.
//
// Linked into every test of a TSan build (CLIENTELE_SANITIZE=thread, see
// cmake/ClienteleSanitizers.cmake). libabsl_synchronization.so is not built with TSan, so TSan
// sees neither absl::Mutex's lock and unlock nor absl::Notification's notify and wait: every
// access our code makes under an absl::Mutex would be reported as a race. This file interposes
// the library's exported entry points (the executable's definitions win over the shared
// library's, also for the library's own calls through its PLT), tells TSan about the
// happens-before edge each one creates (__tsan_release before giving a lock or a notification
// away, __tsan_acquire after taking it) and calls the library's definition (dlsym RTLD_NEXT).
//
// Contract: lock and unlock of the same absl::Mutex, wait and signal of an absl::CondVar, and
// notify and wait of the same absl::Notification order memory for TSan as they do for the
// hardware. Conditions (absl::Condition) are evaluated inside the library by whichever thread
// holds the mutex (the waiter, or an unlocking thread for its waiters): Condition::Eval acquires
// the mutex of the call it is in before and releases it after. TSan's deadlock detection does
// not cover absl::Mutex.
#include <dlfcn.h>
#include <sanitizer/tsan_interface.h>

#include <cstdio>
#include <cstdlib>

#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"

namespace {

// The library's definition of the interposed function with mangled name `name`.
template <typename Fn>
Fn Real(const char* name) {
  void* f = dlsym(RTLD_NEXT, name);
  if (f == nullptr) {
    std::fprintf(stderr, "tsan absl annotations: %s not found: %s\n", name, dlerror());
    std::abort();
  }
  return reinterpret_cast<Fn>(f);
}

void Release(const void* addr) { __tsan_release(const_cast<void*>(addr)); }
void Acquire(const void* addr) { __tsan_acquire(const_cast<void*>(addr)); }

// The mutex whose library call this thread is in: conditions evaluated inside that call (by the
// waiter, or by an unlocking thread for its waiters) read state the mutex guards, after the
// call's release, so Condition::Eval acquires the mutex before and releases it after.
thread_local const void* t_mutex = nullptr;
// For conditions evaluated outside a call of this file (none known).
char unknown_mutex;

// Sets t_mutex for the duration of one library call.
class InMutexCall {
 public:
  explicit InMutexCall(const void* mu) : saved_(t_mutex) { t_mutex = mu; }
  ~InMutexCall() { t_mutex = saved_; }

 private:
  const void* saved_;
};

}  // namespace

#define CLT_REAL(type, mangled) static const auto real = Real<type>(mangled);

namespace absl {
ABSL_NAMESPACE_BEGIN

Mutex::~Mutex() {
  CLT_REAL(void (*)(Mutex*), "_ZN4absl7debian35MutexD2Ev");
  __tsan_mutex_destroy(this, 0);
  real(this);
}

void Mutex::Lock() {
  CLT_REAL(void (*)(Mutex*), "_ZN4absl7debian35Mutex4LockEv");
  InMutexCall in(this);
  real(this);
  Acquire(this);
}

void Mutex::ReaderLock() {
  CLT_REAL(void (*)(Mutex*), "_ZN4absl7debian35Mutex10ReaderLockEv");
  InMutexCall in(this);
  real(this);
  Acquire(this);
}

bool Mutex::TryLock() {
  CLT_REAL(bool (*)(Mutex*), "_ZN4absl7debian35Mutex7TryLockEv");
  InMutexCall in(this);
  bool locked = real(this);
  if (locked) Acquire(this);
  return locked;
}

bool Mutex::ReaderTryLock() {
  CLT_REAL(bool (*)(Mutex*), "_ZN4absl7debian35Mutex13ReaderTryLockEv");
  InMutexCall in(this);
  bool locked = real(this);
  if (locked) Acquire(this);
  return locked;
}

void Mutex::Unlock() {
  CLT_REAL(void (*)(Mutex*), "_ZN4absl7debian35Mutex6UnlockEv");
  InMutexCall in(this);
  Release(this);
  real(this);
}

void Mutex::ReaderUnlock() {
  CLT_REAL(void (*)(Mutex*), "_ZN4absl7debian35Mutex12ReaderUnlockEv");
  InMutexCall in(this);
  Release(this);
  real(this);
}

void Mutex::LockWhen(const Condition& cond) {
  CLT_REAL(void (*)(Mutex*, const Condition&), "_ZN4absl7debian35Mutex8LockWhenERKNS0_9ConditionE");
  InMutexCall in(this);
  real(this, cond);
  Acquire(this);
}

void Mutex::ReaderLockWhen(const Condition& cond) {
  CLT_REAL(void (*)(Mutex*, const Condition&),
           "_ZN4absl7debian35Mutex14ReaderLockWhenERKNS0_9ConditionE");
  InMutexCall in(this);
  real(this, cond);
  Acquire(this);
}

bool Mutex::LockWhenWithTimeout(const Condition& cond, absl::Duration timeout) {
  CLT_REAL(bool (*)(Mutex*, const Condition&, absl::Duration),
           "_ZN4absl7debian35Mutex19LockWhenWithTimeoutERKNS0_9ConditionENS0_8DurationE");
  InMutexCall in(this);
  bool result = real(this, cond, timeout);
  Acquire(this);  // Held whatever the result.
  return result;
}

bool Mutex::LockWhenWithDeadline(const Condition& cond, absl::Time deadline) {
  CLT_REAL(bool (*)(Mutex*, const Condition&, absl::Time),
           "_ZN4absl7debian35Mutex20LockWhenWithDeadlineERKNS0_9ConditionENS0_4TimeE");
  InMutexCall in(this);
  bool result = real(this, cond, deadline);
  Acquire(this);
  return result;
}

bool Mutex::ReaderLockWhenWithTimeout(const Condition& cond, absl::Duration timeout) {
  CLT_REAL(bool (*)(Mutex*, const Condition&, absl::Duration),
           "_ZN4absl7debian35Mutex25ReaderLockWhenWithTimeoutERKNS0_9ConditionENS0_8DurationE");
  InMutexCall in(this);
  bool result = real(this, cond, timeout);
  Acquire(this);
  return result;
}

bool Mutex::ReaderLockWhenWithDeadline(const Condition& cond, absl::Time deadline) {
  CLT_REAL(bool (*)(Mutex*, const Condition&, absl::Time),
           "_ZN4absl7debian35Mutex26ReaderLockWhenWithDeadlineERKNS0_9ConditionENS0_4TimeE");
  InMutexCall in(this);
  bool result = real(this, cond, deadline);
  Acquire(this);
  return result;
}

// Await releases the mutex while it waits and holds it again when it returns.
void Mutex::Await(const Condition& cond) {
  CLT_REAL(void (*)(Mutex*, const Condition&), "_ZN4absl7debian35Mutex5AwaitERKNS0_9ConditionE");
  InMutexCall in(this);
  Release(this);
  real(this, cond);
  Acquire(this);
}

bool Mutex::AwaitWithTimeout(const Condition& cond, absl::Duration timeout) {
  CLT_REAL(bool (*)(Mutex*, const Condition&, absl::Duration),
           "_ZN4absl7debian35Mutex16AwaitWithTimeoutERKNS0_9ConditionENS0_8DurationE");
  InMutexCall in(this);
  Release(this);
  bool result = real(this, cond, timeout);
  Acquire(this);
  return result;
}

bool Mutex::AwaitWithDeadline(const Condition& cond, absl::Time deadline) {
  CLT_REAL(bool (*)(Mutex*, const Condition&, absl::Time),
           "_ZN4absl7debian35Mutex17AwaitWithDeadlineERKNS0_9ConditionENS0_4TimeE");
  InMutexCall in(this);
  Release(this);
  bool result = real(this, cond, deadline);
  Acquire(this);
  return result;
}

bool Condition::Eval() const {
  CLT_REAL(bool (*)(const Condition*), "_ZNK4absl7debian39Condition4EvalEv");
  const void* mu = t_mutex != nullptr ? t_mutex : &unknown_mutex;
  Acquire(mu);
  bool result = real(this);
  Release(mu);
  return result;
}

void CondVar::Wait(Mutex* mu) {
  CLT_REAL(void (*)(CondVar*, Mutex*), "_ZN4absl7debian37CondVar4WaitEPNS0_5MutexE");
  InMutexCall in(mu);
  Release(mu);
  real(this, mu);
  Acquire(mu);
}

bool CondVar::WaitWithTimeout(Mutex* mu, absl::Duration timeout) {
  CLT_REAL(bool (*)(CondVar*, Mutex*, absl::Duration),
           "_ZN4absl7debian37CondVar15WaitWithTimeoutEPNS0_5MutexENS0_8DurationE");
  InMutexCall in(mu);
  Release(mu);
  bool result = real(this, mu, timeout);
  Acquire(mu);
  return result;
}

bool CondVar::WaitWithDeadline(Mutex* mu, absl::Time deadline) {
  CLT_REAL(bool (*)(CondVar*, Mutex*, absl::Time),
           "_ZN4absl7debian37CondVar16WaitWithDeadlineEPNS0_5MutexENS0_4TimeE");
  InMutexCall in(mu);
  Release(mu);
  bool result = real(this, mu, deadline);
  Acquire(mu);
  return result;
}

void CondVar::Signal() {
  CLT_REAL(void (*)(CondVar*), "_ZN4absl7debian37CondVar6SignalEv");
  __tsan_release(this);
  real(this);
}

void CondVar::SignalAll() {
  CLT_REAL(void (*)(CondVar*), "_ZN4absl7debian37CondVar9SignalAllEv");
  __tsan_release(this);
  real(this);
}

void Notification::Notify() {
  CLT_REAL(void (*)(Notification*), "_ZN4absl7debian312Notification6NotifyEv");
  Release(this);
  real(this);
}

void Notification::WaitForNotification() const {
  CLT_REAL(void (*)(const Notification*), "_ZNK4absl7debian312Notification19WaitForNotificationEv");
  real(this);
  Acquire(this);
}

bool Notification::WaitForNotificationWithTimeout(absl::Duration timeout) const {
  CLT_REAL(bool (*)(const Notification*, absl::Duration),
           "_ZNK4absl7debian312Notification30WaitForNotificationWithTimeoutENS0_8DurationE");
  bool notified = real(this, timeout);
  if (notified) Acquire(this);
  return notified;
}

bool Notification::WaitForNotificationWithDeadline(absl::Time deadline) const {
  CLT_REAL(bool (*)(const Notification*, absl::Time),
           "_ZNK4absl7debian312Notification31WaitForNotificationWithDeadlineENS0_4TimeE");
  bool notified = real(this, deadline);
  if (notified) Acquire(this);
  return notified;
}

ABSL_NAMESPACE_END
}  // namespace absl
