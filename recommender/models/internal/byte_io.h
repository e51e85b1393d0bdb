// Little helpers to write and read model bytes: fixed-width little-endian scalars (the host
// order of every platform we build for), length-prefixed strings and vectors of scalars.
// Readers consume from the front of a string_view and return false on truncation.
#ifndef CLIENTELE_RECOMMENDER_MODELS_INTERNAL_BYTE_IO_H_
#define CLIENTELE_RECOMMENDER_MODELS_INTERNAL_BYTE_IO_H_

#include <cstdint>
#include <cstring>
#include <string>
#include <type_traits>
#include <vector>

#include "absl/strings/string_view.h"

namespace clientele::recommender::internal {

template <typename T>
void Put(std::string* out, T value) {
  static_assert(std::is_trivially_copyable_v<T>);
  out->append(reinterpret_cast<const char*>(&value), sizeof(T));
}

inline void PutString(std::string* out, absl::string_view s) {
  Put<uint64_t>(out, s.size());
  out->append(s.data(), s.size());
}

template <typename T>
void PutVector(std::string* out, const std::vector<T>& v) {
  static_assert(std::is_trivially_copyable_v<T>);
  Put<uint64_t>(out, v.size());
  out->append(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(T));
}

template <typename T>
bool Get(absl::string_view* in, T* value) {
  static_assert(std::is_trivially_copyable_v<T>);
  if (in->size() < sizeof(T)) return false;
  std::memcpy(value, in->data(), sizeof(T));
  in->remove_prefix(sizeof(T));
  return true;
}

inline bool GetString(absl::string_view* in, std::string* s) {
  uint64_t n;
  if (!Get(in, &n) || in->size() < n) return false;
  s->assign(in->data(), n);
  in->remove_prefix(n);
  return true;
}

template <typename T>
bool GetVector(absl::string_view* in, std::vector<T>* v) {
  uint64_t n;
  if (!Get(in, &n) || n > in->size() / sizeof(T)) return false;
  v->resize(n);
  if (n > 0) std::memcpy(v->data(), in->data(), n * sizeof(T));  // data() may be null at 0.
  in->remove_prefix(n * sizeof(T));
  return true;
}

}  // namespace clientele::recommender::internal

#endif  // CLIENTELE_RECOMMENDER_MODELS_INTERNAL_BYTE_IO_H_
