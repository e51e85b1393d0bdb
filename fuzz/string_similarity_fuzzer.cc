// Fuzzes identity/similarity: every measure is symmetric and its similarities lie in [0, 1].
// The input is split at its first 0 byte into the two strings (the whole input and "" if
// there is none); token sets are the space-separated words of each.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz/fuzz_check.h"
#include "identity/similarity/string_similarity.h"

namespace {

bool InUnitInterval(double x) { return x >= 0.0 && x <= 1.0; }

std::vector<std::string> Words(std::string_view s) {
  std::vector<std::string> words;
  size_t pos = 0;
  while (pos <= s.size()) {
    const size_t end = std::min(s.find(' ', pos), s.size());
    words.emplace_back(s.substr(pos, end - pos));
    pos = end + 1;
  }
  return words;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace clientele::identity;  // NOLINT: the measures under test.
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const size_t split = std::min(input.find('\0'), input.size());
  const std::string_view a = input.substr(0, split);
  const std::string_view b = split < input.size() ? input.substr(split + 1) : std::string_view();

  const double jaro = Jaro(a, b);
  FUZZ_CHECK(InUnitInterval(jaro) && jaro == Jaro(b, a));
  const double jw = JaroWinkler(a, b);
  FUZZ_CHECK(InUnitInterval(jw) && jw == JaroWinkler(b, a));
  FUZZ_CHECK(jw >= jaro);
  const int distance = DamerauLevenshtein(a, b);
  FUZZ_CHECK(distance >= 0 && distance == DamerauLevenshtein(b, a));
  const double dl = NormalizedDamerauLevenshteinSimilarity(a, b);
  FUZZ_CHECK(InUnitInterval(dl) && dl == NormalizedDamerauLevenshteinSimilarity(b, a));
  if (a == b) FUZZ_CHECK(jaro == 1.0 && jw == 1.0 && distance == 0 && dl == 1.0);
  const auto words_a = Words(a);
  const auto words_b = Words(b);
  const double tokens = TokenSetSimilarity(words_a, words_b);
  FUZZ_CHECK(InUnitInterval(tokens) && tokens == TokenSetSimilarity(words_b, words_a));
  return 0;
}
