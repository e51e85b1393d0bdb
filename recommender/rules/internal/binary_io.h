// Little helpers for the versioned binary forms of recommender/rules and recommender/content
// (Serialize/Deserialize). Not a public API.
//
// Writer appends to a string; Reader consumes a string_view and turns every malformed or
// truncated read into a sticky failure (ok() == false) instead of reading out of bounds.
#ifndef CLIENTELE_RECOMMENDER_RULES_INTERNAL_BINARY_IO_H_
#define CLIENTELE_RECOMMENDER_RULES_INTERNAL_BINARY_IO_H_

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace clientele::recommender::internal {

class Writer {
 public:
  explicit Writer(std::string* out) : out_(out) {}

  void Varint(uint64_t v) {
    while (v >= 0x80) {
      out_->push_back(static_cast<char>((v & 0x7f) | 0x80));
      v >>= 7;
    }
    out_->push_back(static_cast<char>(v));
  }
  // Zig-zag signed varint.
  void Signed(int64_t v) {
    Varint((static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63));
  }
  void Double(double v) { Raw(&v, sizeof(v)); }
  void Float(float v) { Raw(&v, sizeof(v)); }
  void Floats(const float* data, size_t n) { Raw(data, n * sizeof(float)); }
  void Bytes(absl::string_view s) {
    Varint(s.size());
    out_->append(s.data(), s.size());
  }

 private:
  void Raw(const void* p, size_t n) { out_->append(static_cast<const char*>(p), n); }
  std::string* out_;
};

class Reader {
 public:
  explicit Reader(absl::string_view in) : in_(in) {}

  bool ok() const { return ok_; }
  bool done() const { return ok_ && in_.empty(); }
  size_t remaining() const { return in_.size(); }

  uint64_t Varint() {
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (in_.empty()) return Fail();
      const uint8_t b = static_cast<uint8_t>(in_[0]);
      in_.remove_prefix(1);
      v |= static_cast<uint64_t>(b & 0x7f) << shift;
      if ((b & 0x80) == 0) return v;
    }
    return Fail();
  }
  int64_t Signed() {
    const uint64_t v = Varint();
    return static_cast<int64_t>((v >> 1) ^ (~(v & 1) + 1));
  }
  // An unsigned varint that must be <= hi; fails (and returns 0) otherwise.
  uint64_t Bounded(uint64_t hi) {
    const uint64_t v = Varint();
    if (v > hi) return Fail();
    return v;
  }
  double Double() {
    double v = 0;
    Raw(&v, sizeof(v));
    return v;
  }
  float Float() {
    float v = 0;
    Raw(&v, sizeof(v));
    return v;
  }
  // Reads n floats into `out` (resized); fails without allocating when too few bytes remain.
  void Floats(size_t n, std::vector<float>* out) {
    if (!ok_ || n > in_.size() / sizeof(float)) {
      Fail();
      return;
    }
    out->resize(n);
    Raw(out->data(), n * sizeof(float));
  }
  std::string Bytes() {
    const uint64_t n = Varint();
    if (!ok_ || n > in_.size()) {
      Fail();
      return {};
    }
    std::string s(in_.substr(0, n));
    in_.remove_prefix(n);
    return s;
  }

 private:
  void Raw(void* p, size_t n) {
    if (!ok_ || in_.size() < n) {
      Fail();
      std::memset(p, 0, n);
      return;
    }
    std::memcpy(p, in_.data(), n);
    in_.remove_prefix(n);
  }
  uint64_t Fail() {
    ok_ = false;
    in_ = absl::string_view();
    return 0;
  }

  absl::string_view in_;
  bool ok_ = true;
};

}  // namespace clientele::recommender::internal

#endif  // CLIENTELE_RECOMMENDER_RULES_INTERNAL_BINARY_IO_H_
