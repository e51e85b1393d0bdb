#include "identity/matching/internal/fast_similarity.h"

#include <algorithm>
#include <cstdlib>
#include <utility>

#include "identity/similarity/string_similarity.h"

namespace clientele::identity::matching_internal {
namespace {

bool IsShortAscii(std::string_view s) {
  if (s.size() > kMaxFastLength) return false;
  for (char c : s) {
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  }
  return true;
}

// For different ASCII strings whose lengths differ by at most 1: one substitution, insertion,
// deletion or adjacent transposition apart? Linear time.
bool WithinOneEdit(std::string_view a, std::string_view b) {
  if (a.size() > b.size()) std::swap(a, b);
  size_t i = 0;
  while (i < a.size() && a[i] == b[i]) ++i;
  if (a.size() < b.size()) return a.substr(i) == b.substr(i + 1);  // one insertion
  if (a.substr(i + 1) == b.substr(i + 1)) return true;             // one substitution
  return i + 1 < a.size() && a[i] == b[i + 1] && a[i + 1] == b[i] &&
         a.substr(i + 2) == b.substr(i + 2);  // one transposition
}

}  // namespace

double FastJaroWinkler(std::string_view a, std::string_view b) {
  if (!IsShortAscii(a) || !IsShortAscii(b)) return JaroWinkler(a, b);
  if (a == b) return 1.0;
  const size_t la = a.size();
  const size_t lb = b.size();
  if (la == 0 || lb == 0) return 0.0;
  const size_t longest = std::max(la, lb);
  const size_t window = longest / 2 > 0 ? longest / 2 - 1 : 0;
  bool a_matched[kMaxFastLength];
  bool b_matched[kMaxFastLength];
  std::fill_n(a_matched, la, false);
  std::fill_n(b_matched, lb, false);
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
  const double jaro = (m / la + m / lb + (m - t) / m) / 3.0;
  const size_t max_prefix = std::min<size_t>({4, la, lb});
  size_t prefix = 0;
  while (prefix < max_prefix && a[prefix] == b[prefix]) ++prefix;
  return jaro + static_cast<double>(prefix) * 0.1 * (1.0 - jaro);
}

bool MayReachJaroWinkler(std::string_view a, std::string_view b, double threshold) {
  if (!IsShortAscii(a) || !IsShortAscii(b)) return true;
  if (a.empty() || b.empty()) return a.empty() && b.empty();
  // At best every character of the shorter string matches in order, and the prefix bonus is
  // the full 4 characters.
  const double la = static_cast<double>(a.size());
  const double lb = static_cast<double>(b.size());
  const double shorter = std::min(la, lb);
  const double jaro = (shorter / la + shorter / lb + 1.0) / 3.0;
  return jaro + 0.4 * (1.0 - jaro) >= threshold;
}

int BoundedDamerauLevenshtein(std::string_view a, std::string_view b, int limit) {
  if (a == b) return 0;
  if (!IsShortAscii(a) || !IsShortAscii(b)) {
    return std::min(DamerauLevenshtein(a, b), limit + 1);
  }
  const int la = static_cast<int>(a.size());
  const int lb = static_cast<int>(b.size());
  if (std::abs(la - lb) > limit) return limit + 1;
  if (limit == 1) return WithinOneEdit(a, b) ? 1 : 2;
  // Lower bound: a substitution changes the character histogram's L1 distance by at most 2,
  // an insertion or deletion by 1, a transposition not at all. Buckets by the low 6 bits
  // (merging characters only lowers the distance, so the bound stays valid).
  int histogram[64] = {};
  for (char c : a) ++histogram[c & 63];
  for (char c : b) --histogram[c & 63];
  int l1 = 0;
  for (int h : histogram) l1 += h < 0 ? -h : h;
  if ((l1 + 1) / 2 > limit) return limit + 1;
  if (la == 0 || lb == 0) return std::min(std::max(la, lb), limit + 1);
  int rows[3][kMaxFastLength + 1];
  int* two_back = rows[0];
  int* prev = rows[1];
  int* cur = rows[2];
  for (int j = 0; j <= lb; ++j) prev[j] = j;
  // A transposition jumps from row i-2 to row i, so every alignment passes through row i-1 or
  // row i: when both rows exceed the limit, so does the distance.
  int prev_min = 0;
  for (int i = 1; i <= la; ++i) {
    cur[0] = i;
    int row_min = cur[0];
    for (int j = 1; j <= lb; ++j) {
      const int cost = a[i - 1] == b[j - 1] ? 0 : 1;
      int best = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        best = std::min(best, two_back[j - 2] + 1);
      }
      cur[j] = best;
      row_min = std::min(row_min, best);
    }
    if (row_min > limit && prev_min > limit) return limit + 1;
    prev_min = row_min;
    int* t = two_back;
    two_back = prev;
    prev = cur;
    cur = t;
  }
  return std::min(prev[lb], limit + 1);
}

}  // namespace clientele::identity::matching_internal
