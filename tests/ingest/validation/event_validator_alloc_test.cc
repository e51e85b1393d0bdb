// ValidateEvent must not allocate on the success path: this binary counts every global
// operator new and validates each valid base event with the counter armed.
#include <atomic>
#include <cstdlib>
#include <new>

#include "gtest/gtest.h"
#include "ingest/validation/event_validator.h"
#include "tests/ingest/validation/test_events.h"

namespace {
std::atomic<long> g_allocations{0};
}  // namespace

void* operator new(std::size_t size) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t size) { return operator new(size); }
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  return std::malloc(size == 0 ? 1 : size);
}
void* operator new[](std::size_t size, const std::nothrow_t& tag) noexcept {
  return operator new(size, tag);
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }

namespace clientele::ingest {
namespace {

using common::v1::Event;
using testing_events::kNow;

long AllocationsOf(const Event& event, std::optional<Rejection>* result) {
  const long before = g_allocations.load();
  *result = ValidateEvent(event, kNow);
  return g_allocations.load() - before;
}

TEST(EventValidatorAllocTest, ValidEventsAllocateNothing) {
  for (const Event& event :
       {testing_events::ValidOrderEvent(), testing_events::ValidCustomerUpsertEvent(),
        testing_events::ValidConsentChangeEvent(), testing_events::ValidProductUpsertEvent(),
        testing_events::ValidInteractionEvent()}) {
    std::optional<Rejection> result;
    AllocationsOf(event, &result);  // Warms money::CurrencyExponent's per-thread cache.
    ASSERT_EQ(result, std::nullopt) << event.DebugString();
    EXPECT_EQ(AllocationsOf(event, &result), 0) << event.DebugString();
  }
}

TEST(EventValidatorAllocTest, CounterSeesRejections) {
  Event event = testing_events::ValidOrderEvent();
  event.clear_event_id();
  std::optional<Rejection> result;
  EXPECT_GT(AllocationsOf(event, &result), 0);  // Proves the counter is wired in.
  ASSERT_TRUE(result.has_value());
}

}  // namespace
}  // namespace clientele::ingest
