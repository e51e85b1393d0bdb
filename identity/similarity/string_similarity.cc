#include "identity/similarity/string_similarity.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <set>
#include <utility>

namespace clientele::identity {
namespace {

constexpr char32_t kReplacement = 0xFFFD;

inline bool IsContinuation(unsigned char c) { return (c & 0xC0) == 0x80; }

}  // namespace

std::u32string DecodeUtf8(std::string_view s) {
  std::u32string out;
  out.reserve(s.size());
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const size_t n = s.size();
  size_t i = 0;
  while (i < n) {
    const unsigned char c = p[i];
    if (c < 0x80) {
      out.push_back(c);
      ++i;
      continue;
    }
    int len = 0;
    char32_t cp = 0;
    char32_t min = 0;
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
      cp = c & 0x1F;
      min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      cp = c & 0x0F;
      min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      cp = c & 0x07;
      min = 0x10000;
    }
    bool ok = len > 0 && i + len <= n;
    for (int k = 1; ok && k < len; ++k) {
      if (!IsContinuation(p[i + k])) {
        ok = false;
      } else {
        cp = (cp << 6) | (p[i + k] & 0x3F);
      }
    }
    if (ok && (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))) ok = false;
    if (ok) {
      out.push_back(cp);
      i += len;
    } else {
      out.push_back(kReplacement);
      ++i;
    }
  }
  return out;
}

namespace {

double JaroCodePoints(const std::u32string& a, const std::u32string& b) {
  if (a.empty() && b.empty()) return 1.0;
  if (a.empty() || b.empty()) return 0.0;
  const size_t la = a.size();
  const size_t lb = b.size();
  const size_t longest = std::max(la, lb);
  const size_t window = longest / 2 > 0 ? longest / 2 - 1 : 0;

  std::vector<bool> a_matched(la, false);
  std::vector<bool> b_matched(lb, false);
  size_t matches = 0;
  for (size_t i = 0; i < la; ++i) {
    const size_t lo = i > window ? i - window : 0;
    const size_t hi = std::min(i + window + 1, lb);
    for (size_t j = lo; j < hi; ++j) {
      if (b_matched[j] || a[i] != b[j]) continue;
      a_matched[i] = true;
      b_matched[j] = true;
      ++matches;
      break;
    }
  }
  if (matches == 0) return 0.0;

  // Half the number of matched characters that appear in a different order.
  size_t out_of_order = 0;
  size_t j = 0;
  for (size_t i = 0; i < la; ++i) {
    if (!a_matched[i]) continue;
    while (!b_matched[j]) ++j;
    if (a[i] != b[j]) ++out_of_order;
    ++j;
  }
  const double m = static_cast<double>(matches);
  const double t = static_cast<double>(out_of_order) / 2.0;
  return (m / la + m / lb + (m - t) / m) / 3.0;
}

}  // namespace

double Jaro(std::string_view a, std::string_view b) {
  return JaroCodePoints(DecodeUtf8(a), DecodeUtf8(b));
}

double JaroWinkler(std::string_view a, std::string_view b, double prefix_scale) {
  const std::u32string ca = DecodeUtf8(a);
  const std::u32string cb = DecodeUtf8(b);
  const double jaro = JaroCodePoints(ca, cb);
  // !(x >= 0) also catches NaN.
  const double p = !(prefix_scale >= 0.0) ? 0.0 : std::min(prefix_scale, 0.25);
  const size_t max_prefix = std::min<size_t>({4, ca.size(), cb.size()});
  size_t prefix = 0;
  while (prefix < max_prefix && ca[prefix] == cb[prefix]) ++prefix;
  return jaro + static_cast<double>(prefix) * p * (1.0 - jaro);
}

namespace {

int OsaCodePoints(const std::u32string& a, const std::u32string& b) {
  const size_t la = a.size();
  const size_t lb = b.size();
  if (la == 0) return static_cast<int>(lb);
  if (lb == 0) return static_cast<int>(la);
  // Rows i-2, i-1 and i of the (la+1) x (lb+1) distance matrix.
  std::vector<int> two_back(lb + 1);
  std::vector<int> prev(lb + 1);
  std::vector<int> cur(lb + 1);
  for (size_t j = 0; j <= lb; ++j) prev[j] = static_cast<int>(j);
  for (size_t i = 1; i <= la; ++i) {
    cur[0] = static_cast<int>(i);
    for (size_t j = 1; j <= lb; ++j) {
      const int cost = a[i - 1] == b[j - 1] ? 0 : 1;
      int best = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        best = std::min(best, two_back[j - 2] + 1);
      }
      cur[j] = best;
    }
    std::swap(two_back, prev);  // two_back <- row i-1
    std::swap(prev, cur);       // prev <- row i; cur is scratch
  }
  return prev[lb];
}

}  // namespace

int DamerauLevenshtein(std::string_view a, std::string_view b) {
  return OsaCodePoints(DecodeUtf8(a), DecodeUtf8(b));
}

double NormalizedDamerauLevenshteinSimilarity(std::string_view a, std::string_view b) {
  const std::u32string ca = DecodeUtf8(a);
  const std::u32string cb = DecodeUtf8(b);
  const size_t longest = std::max(ca.size(), cb.size());
  if (longest == 0) return 1.0;
  return 1.0 - static_cast<double>(OsaCodePoints(ca, cb)) / static_cast<double>(longest);
}

double TokenSetSimilarity(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  const std::set<std::string_view> sa(a.begin(), a.end());
  const std::set<std::string_view> sb(b.begin(), b.end());
  if (sa.empty() && sb.empty()) return 1.0;
  size_t common = 0;
  for (std::string_view token : sa) common += sb.count(token);
  const size_t all = sa.size() + sb.size() - common;
  return static_cast<double>(common) / static_cast<double>(all);
}

}  // namespace clientele::identity
