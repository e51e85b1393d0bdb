// Token buckets on a fake clock: burst, refill, per-key rates, the default rate, the retry
// delay, and many threads charging one key.
#include "gateway/ratelimit/rate_limiter.h"

#include <atomic>
#include <thread>
#include <vector>

#include "common/testing/status_matchers.h"
#include "gateway/ratelimit/retry_delay.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace clientele::gateway {
namespace {

using ::clientele::testing::IsOk;
using ::clientele::testing::StatusIs;
using ::testing::HasSubstr;

class RateLimiterTest : public ::testing::Test {
 protected:
  RateLimiter Make(double default_rps) {
    RateLimiterOptions options;
    options.default_rps = default_rps;
    options.now = [this] { return now_.load(); };
    return RateLimiter(options);
  }
  // Charges until refused; returns how many were admitted (at most `limit`).
  int Admitted(RateLimiter& limiter, const std::string& key, double rps, int limit = 10000) {
    int admitted = 0;
    while (admitted < limit && limiter.Charge(key, rps).ok()) ++admitted;
    return admitted;
  }

  std::atomic<absl::Time> now_{absl::FromUnixSeconds(1'800'000'000)};
};

TEST_F(RateLimiterTest, ABucketHoldsOneSecondOfCallsAndRefillsAtTheRate) {
  RateLimiter limiter = Make(0);
  EXPECT_EQ(Admitted(limiter, "key-a", 10), 10);
  absl::Status refused = limiter.Charge("key-a", 10);
  EXPECT_THAT(refused,
              StatusIs(absl::StatusCode::kResourceExhausted,
                       HasSubstr("rate limit of key-a (10 calls/s) exceeded; retry after")));
  ASSERT_TRUE(RetryDelay(refused).has_value());
  EXPECT_EQ(*RetryDelay(refused), absl::Milliseconds(100));  // One token at 10/s.

  now_ = now_.load() + absl::Milliseconds(250);  // 2.5 tokens.
  EXPECT_EQ(Admitted(limiter, "key-a", 10), 2);
  refused = limiter.Charge("key-a", 10);
  EXPECT_EQ(*RetryDelay(refused), absl::Milliseconds(50));  // Half a token left.

  now_ = now_.load() + absl::Hours(1);  // Refills to the burst, not beyond.
  EXPECT_EQ(Admitted(limiter, "key-a", 10), 10);
}

TEST_F(RateLimiterTest, KeysHaveTheirOwnBuckets) {
  RateLimiter limiter = Make(0);
  EXPECT_EQ(Admitted(limiter, "key-a", 3), 3);
  EXPECT_EQ(Admitted(limiter, "key-b", 5), 5);
  EXPECT_FALSE(limiter.Charge("key-a", 3).ok());
}

TEST_F(RateLimiterTest, KeysWithoutARateGetTheDefaultAndZeroMeansUnlimited) {
  RateLimiter limited = Make(4);
  EXPECT_EQ(Admitted(limited, "key-a", 0), 4);
  RateLimiter unlimited = Make(0);
  EXPECT_EQ(Admitted(unlimited, "key-a", 0, 5000), 5000);
}

TEST_F(RateLimiterTest, SlowRatesStillAllowOneCall) {
  RateLimiter limiter = Make(0);
  EXPECT_EQ(Admitted(limiter, "key-a", 0.5), 1);
  EXPECT_EQ(*RetryDelay(limiter.Charge("key-a", 0.5)), absl::Seconds(2));
}

TEST_F(RateLimiterTest, AChangedRateStartsAFullBucketAndForgetResetsOne) {
  RateLimiter limiter = Make(0);
  EXPECT_EQ(Admitted(limiter, "key-a", 2), 2);
  EXPECT_EQ(Admitted(limiter, "key-a", 3), 3);
  limiter.Forget("key-a");
  EXPECT_EQ(Admitted(limiter, "key-a", 3), 3);
}

TEST_F(RateLimiterTest, ConcurrentCallersShareOneBucketExactly) {
  RateLimiter limiter = Make(0);
  std::atomic<int> admitted{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 500; ++i) {
        if (limiter.Charge("key-a", 1000).ok()) admitted.fetch_add(1);
        limiter.Charge("key-other-" + std::to_string(i % 7), 1000).IgnoreError();
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(admitted.load(), 1000);  // The clock stands still: exactly the burst.
}

TEST(RetryDelayTest, TheDelayTravelsAsARetryInfoPayload) {
  absl::Status status = ResourceExhaustedWithRetryDelay("rate limit of k", absl::Milliseconds(80));
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kResourceExhausted,
                               HasSubstr("rate limit of k exceeded; retry after 80ms")));
  EXPECT_TRUE(status.GetPayload("type.googleapis.com/google.rpc.RetryInfo").has_value());
  EXPECT_EQ(RetryDelay(status), absl::Milliseconds(80));
  EXPECT_EQ(RetryDelay(ResourceExhaustedWithRetryDelay("x", -absl::Seconds(1))),
            absl::ZeroDuration());
  EXPECT_FALSE(RetryDelay(absl::ResourceExhaustedError("no delay")).has_value());
  absl::Status other = absl::UnavailableError("down");
  SetRetryDelay(other, absl::Seconds(3));
  EXPECT_EQ(RetryDelay(other), absl::Seconds(3));
}

}  // namespace
}  // namespace clientele::gateway
