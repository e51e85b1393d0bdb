#include "gateway/ratelimit/rate_limiter.h"

#include <algorithm>
#include <utility>

#include "absl/hash/hash.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gateway/ratelimit/retry_delay.h"

namespace clientele::gateway {

namespace {

// Debian's abseil has its own string_view type: std::string_view converts explicitly.
absl::string_view Sv(std::string_view text) { return absl::string_view(text.data(), text.size()); }

}  // namespace

RateLimiter::RateLimiter(RateLimiterOptions options)
    : default_rps_(options.default_rps),
      burst_seconds_(options.burst_seconds),
      now_(options.now ? std::move(options.now) : [] { return absl::Now(); }) {}

RateLimiter::Shard& RateLimiter::ShardOf(std::string_view key_id) {
  return shards_[absl::Hash<absl::string_view>{}(Sv(key_id)) % kShards];
}

absl::Status RateLimiter::Charge(std::string_view key_id, double key_rps) {
  const double rate = key_rps > 0 ? key_rps : default_rps_;
  if (rate <= 0) return absl::OkStatus();
  const double burst = std::max(1.0, rate * burst_seconds_);
  const absl::Time now = now_();
  Shard& shard = ShardOf(key_id);
  double missing;
  {
    absl::MutexLock lock(&shard.mu);
    auto it = shard.buckets.find(Sv(key_id));
    const bool inserted = it == shard.buckets.end();
    if (inserted) it = shard.buckets.emplace(std::string(key_id), Bucket()).first;
    Bucket& bucket = it->second;
    if (inserted || bucket.rate != rate) {
      // A new key, or a key whose rate changed: start full.
      bucket.tokens = burst;
      bucket.rate = rate;
    } else {
      const double elapsed = std::max(0.0, absl::ToDoubleSeconds(now - bucket.refilled));
      bucket.tokens = std::min(burst, bucket.tokens + elapsed * rate);
    }
    bucket.refilled = now;
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return absl::OkStatus();
    }
    missing = 1 - bucket.tokens;
  }
  return ResourceExhaustedWithRetryDelay(
      absl::StrCat("rate limit of ", Sv(key_id), " (", rate, " calls/s)"),
      absl::Ceil(absl::Seconds(missing / rate), absl::Milliseconds(1)));
}

void RateLimiter::Forget(std::string_view key_id) {
  Shard& shard = ShardOf(key_id);
  absl::MutexLock lock(&shard.mu);
  shard.buckets.erase(Sv(key_id));
}

}  // namespace clientele::gateway
