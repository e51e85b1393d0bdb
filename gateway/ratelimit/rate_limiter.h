// Per-key rate limits: one token bucket per API key. A bucket holds at most `burst` tokens
// (one second's worth of the rate, at least 1), refills continuously at the key's rate, and
// each call takes one token; a call that finds less than one token is refused with
// RESOURCE_EXHAUSTED carrying the time until the next token (retry_delay.h).
//
//   RateLimiter limiter({.default_rps = 100});
//   CLT_RETURN_IF_ERROR(limiter.Charge(caller.key_id, key_rps));
#ifndef CLIENTELE_GATEWAY_RATELIMIT_RATE_LIMITER_H_
#define CLIENTELE_GATEWAY_RATELIMIT_RATE_LIMITER_H_

#include <array>
#include <functional>
#include <string>
#include <string_view>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace clientele::gateway {

struct RateLimiterOptions {
  // The rate of keys created without one (--rate_limit_rps), calls per second; 0: unlimited.
  double default_rps = 0;
  // A bucket holds max(1, rate * burst_seconds) tokens: a key may spend that many calls at
  // once after a pause.
  double burst_seconds = 1;
  // Monotonic time source. Default: absl::Now.
  std::function<absl::Time()> now;
};

// Thread-safe and cheap: keys are spread over shards, each with its own mutex, held for a few
// arithmetic operations.
class RateLimiter {
 public:
  explicit RateLimiter(RateLimiterOptions options);

  // Takes one token from the bucket of `key_id`, whose rate is `key_rps` (0: the default
  // rate). OK, or RESOURCE_EXHAUSTED "rate limit of <key_id> (<rate> calls/s) exceeded;
  // retry after <delay>" with the delay as RetryInfo payload. A rate of 0 never refuses.
  absl::Status Charge(std::string_view key_id, double key_rps);

  // Drops the bucket of `key_id` (a revoked key), so memory follows the live keys.
  void Forget(std::string_view key_id);

 private:
  struct Bucket {
    double tokens = 0;
    double rate = 0;
    absl::Time refilled;
  };
  struct Shard {
    absl::Mutex mu;
    absl::flat_hash_map<std::string, Bucket> buckets ABSL_GUARDED_BY(mu);
  };
  static constexpr size_t kShards = 16;
  Shard& ShardOf(std::string_view key_id);

  const double default_rps_;
  const double burst_seconds_;
  const std::function<absl::Time()> now_;
  std::array<Shard, kShards> shards_;
};

}  // namespace clientele::gateway

#endif  // CLIENTELE_GATEWAY_RATELIMIT_RATE_LIMITER_H_
