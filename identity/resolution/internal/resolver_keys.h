// Key and time helpers shared by the Resolver's source files. Internal to identity/resolution.
#ifndef CLIENTELE_IDENTITY_RESOLUTION_INTERNAL_RESOLVER_KEYS_H_
#define CLIENTELE_IDENTITY_RESOLUTION_INTERNAL_RESOLVER_KEYS_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/time/time.h"
#include "common/storage/key_encoding.h"
#include "common/time/proto_time.h"

namespace clientele::identity::resolution_internal {

inline absl::Time TimeOf(const google::protobuf::Timestamp& t) { return FromProtoTimestamp(t); }

// Identity stores times to the microsecond (golden-record lineage compares micros).
inline void SetTimestamp(absl::Time t, google::protobuf::Timestamp* out) {
  ToProtoTimestamp(absl::FromUnixMicros(absl::ToUnixMicros(t)), out);
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
