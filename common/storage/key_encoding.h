// Order-preserving key encoding: fixed-width big-endian integers, so that RocksDB's
// bytewise order equals numeric order. Keys are built as "prefix + fields".
//
//   std::string key;
//   AppendUint32(key, partition);
//   AppendUint64(key, sequence);
//   uint64_t seq = DecodeUint64(std::string_view(key).substr(4));
#ifndef CLIENTELE_COMMON_STORAGE_KEY_ENCODING_H_
#define CLIENTELE_COMMON_STORAGE_KEY_ENCODING_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace clientele::storage {

inline void AppendUint32(std::string& out, uint32_t v) {
  char buf[4] = {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8),
                 static_cast<char>(v)};
  out.append(buf, 4);
}

inline void AppendUint64(std::string& out, uint64_t v) {
  AppendUint32(out, static_cast<uint32_t>(v >> 32));
  AppendUint32(out, static_cast<uint32_t>(v));
}

// REQUIRES: in.size() >= 4.
inline uint32_t DecodeUint32(std::string_view in) {
  const auto* p = reinterpret_cast<const unsigned char*>(in.data());
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | uint32_t{p[3]};
}

// REQUIRES: in.size() >= 8.
inline uint64_t DecodeUint64(std::string_view in) {
  return (uint64_t{DecodeUint32(in)} << 32) | DecodeUint32(in.substr(4));
}

inline std::string EncodeUint64(uint64_t v) {
  std::string out;
  AppendUint64(out, v);
  return out;
}

// The smallest key greater than every key starting with `prefix` ("" if none exists).
inline std::string PrefixSuccessor(std::string_view prefix) {
  std::string out(prefix);
  while (!out.empty()) {
    auto& last = reinterpret_cast<unsigned char&>(out.back());
    if (last != 0xff) {
      ++last;
      return out;
    }
    out.pop_back();
  }
  return out;
}

}  // namespace clientele::storage

#endif  // CLIENTELE_COMMON_STORAGE_KEY_ENCODING_H_
