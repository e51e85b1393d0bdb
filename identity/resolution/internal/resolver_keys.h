// Key and time helpers shared by the Resolver's source files. Internal to identity/resolution.
#ifndef CLIENTELE_IDENTITY_RESOLUTION_INTERNAL_RESOLVER_KEYS_H_
#define CLIENTELE_IDENTITY_RESOLUTION_INTERNAL_RESOLVER_KEYS_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/time/time.h"
#include "common/storage/key_encoding.h"
#include "google/protobuf/timestamp.pb.h"

namespace clientele::identity::resolution_internal {

inline absl::Time TimeOf(const google::protobuf::Timestamp& t) {
  return absl::FromUnixSeconds(t.seconds()) + absl::Nanoseconds(t.nanos());
}

inline void SetTimestamp(absl::Time t, google::protobuf::Timestamp* out) {
  const int64_t micros = absl::ToUnixMicros(t);
  int64_t seconds = micros / 1000000, rest = micros % 1000000;
  if (rest < 0) {
    rest += 1000000;
    --seconds;
  }
  out->set_seconds(seconds);
  out->set_nanos(static_cast<int32_t>(rest * 1000));
}

inline std::string ProfileKey(uint64_t profile) { return storage::EncodeUint64(profile); }

// A model snapshot in the model family: "em/" + [u32 version].
inline constexpr std::string_view kModelVersionPrefix = "em/";
inline std::string ModelVersionKey(uint32_t version) {
  std::string key(kModelVersionPrefix);
  storage::AppendUint32(key, version);
  return key;
}

inline std::string PairKey(const std::string& a, const std::string& b) {
  std::string key = a < b ? a : b;
  key.push_back('\0');
  key += a < b ? b : a;
  return key;
}

}  // namespace clientele::identity::resolution_internal

#endif  // CLIENTELE_IDENTITY_RESOLUTION_INTERNAL_RESOLVER_KEYS_H_
