// Arbitrary bytes must never crash a normalizer (run under ASan/UBSan to make this meaningful).
#include <cstdint>
#include <random>
#include <string>

#include "gtest/gtest.h"
#include "identity/normalize/address.h"
#include "identity/normalize/email.h"
#include "identity/normalize/name.h"
#include "identity/normalize/phone.h"

namespace clientele::identity {
namespace {

// Random strings biased towards interesting bytes: ASCII, UTF-8 lead and continuation bytes,
// invalid bytes, '@', '+', '.', digits and separators.
std::string RandomInput(std::mt19937& rng) {
  static constexpr unsigned char kAlphabet[] = {
      'a',  'I',  'i',  'Z',  '0',  '5',  '9',  '@',  '+',  '.',  '-',  '\'', ' ',
      '\t', ',',  '(',  0x00, 0x01, 0x7F, 0x80, 0xBF, 0xC0, 0xC3, 0xC4, 0xC5, 0xB0,
      0xB1, 0x9F, 0xE2, 0x80, 0x99, 0xED, 0xA0, 0xF0, 0xF4, 0x90, 0xFF, 0xCC, 0x87};
  std::uniform_int_distribution<size_t> length(0, 24);
  std::uniform_int_distribution<size_t> pick(0, sizeof(kAlphabet) - 1);
  std::string s(length(rng), '\0');
  for (char& c : s) c = static_cast<char>(kAlphabet[pick(rng)]);
  return s;
}

TEST(NormalizeRobustnessTest, RandomBytesDoNotCrash) {
  std::mt19937 rng(20260101);
  for (int i = 0; i < 3000; ++i) {
    const std::string input = RandomInput(rng);
    (void)NormalizeEmail(input);
    (void)NormalizePhoneE164(input);
    (void)NormalizePhoneE164(input, input);
    const std::string name = NormalizeName(input);
    const std::string key = NameComparisonKey(input);
    // Normalized output is stable under renormalization.
    EXPECT_EQ(NormalizeName(name), name);
    EXPECT_EQ(NameComparisonKey(key), key);
    (void)NameTokens(input);
    (void)NormalizePostalCode(input);
    (void)AddressTokens(input);
  }
}

}  // namespace
}  // namespace clientele::identity
