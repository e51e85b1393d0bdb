// phone_normalize_bench [N]: microseconds per NormalizePhoneE164 call on N random Turkish
// mobile numbers (default 100,000), spelt "+90XXXXXXXXXX" (what CanonicalPhoneInput makes of
// Turkish numbers: the path without libphonenumber's parse) and "+90 XXXXXXXXXX" (the same
// numbers through the parse). Median of 5 rounds each, interleaved.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "identity/normalize/phone.h"

namespace {

double MicrosPerCall(const std::vector<std::string>& numbers, int* valid) {
  const auto start = std::chrono::steady_clock::now();
  int n = 0;
  for (const std::string& raw : numbers) {
    n += clientele::identity::NormalizePhoneE164(raw, "TR").has_value();
  }
  const auto end = std::chrono::steady_clock::now();
  *valid = n;
  return std::chrono::duration<double, std::micro>(end - start).count() /
         static_cast<double>(numbers.size());
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  const int n = argc > 1 ? std::atoi(argv[1]) : 100000;
  if (n <= 0) {
    std::fprintf(stderr, "N: must be a positive count\n");
    return 2;
  }
  std::mt19937_64 rng(42);
  std::vector<std::string> compact, spaced;
  for (int i = 0; i < n; ++i) {
    std::string nsn = "5";
    while (nsn.size() < 10) nsn.push_back(static_cast<char>('0' + rng() % 10));
    compact.push_back("+90" + nsn);
    spaced.push_back("+90 " + nsn);
  }
  std::vector<double> fast, parsed;
  int valid_fast = 0, valid_parsed = 0;
  for (int round = 0; round < 5; ++round) {
    fast.push_back(MicrosPerCall(compact, &valid_fast));
    parsed.push_back(MicrosPerCall(spaced, &valid_parsed));
  }
  std::printf(
      "%d numbers (%d valid): +90XXXXXXXXXX %.2f us/call, +90 XXXXXXXXXX (parsed) %.2f us/call\n",
      n, valid_fast, Median(fast), Median(parsed));
  return valid_fast == valid_parsed ? 0 : 1;
}
