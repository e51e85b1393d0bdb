// The API key form: generation, parsing, hashing and constant-time comparison.
#include "gateway/auth/api_key.h"

#include <set>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace clientele::gateway {
namespace {

using ::testing::MatchesRegex;

TEST(ApiKeyTest, GeneratedKeysHaveTheDocumentedFormAndParseBack) {
  absl::StatusOr<ApiKey> key = GenerateApiKey();
  ASSERT_TRUE(key.ok()) << key.status();
  EXPECT_THAT(key->key_id, MatchesRegex("key-[0-9a-f]{16}"));
  EXPECT_THAT(key->secret, MatchesRegex("[0-9a-f]{64}"));
  EXPECT_EQ(key->Text(), "clt_" + key->key_id + "_" + key->secret);
  std::optional<ApiKey> parsed = ParseApiKey(key->Text());
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->key_id, key->key_id);
  EXPECT_EQ(parsed->secret, key->secret);
}

TEST(ApiKeyTest, GeneratedKeysDiffer) {
  std::set<std::string> ids;
  std::set<std::string> secrets;
  for (int i = 0; i < 100; ++i) {
    absl::StatusOr<ApiKey> key = GenerateApiKey();
    ASSERT_TRUE(key.ok());
    ids.insert(key->key_id);
    secrets.insert(key->secret);
  }
  EXPECT_EQ(ids.size(), 100u);
  EXPECT_EQ(secrets.size(), 100u);
}

TEST(ApiKeyTest, MalformedKeysDoNotParse) {
  const std::string id = "key-0123456789abcdef";
  const std::string secret(64, 'a');
  ASSERT_TRUE(ParseApiKey("clt_" + id + "_" + secret).has_value());
  for (const std::string& bad : {
           std::string(""), std::string("clt_"),
           "xyz_" + id + "_" + secret,                      // Wrong prefix.
           "CLT_" + id + "_" + secret,                      // Prefix is case-sensitive.
           "clt_" + id + secret,                            // No separator.
           "clt_" + id + "_" + secret.substr(1),            // Secret too short.
           "clt_" + id + "_" + secret + "a",                // Secret too long.
           "clt_" + id + "_" + std::string(63, 'a') + "G",  // Not hex.
           "clt_" + id + "_" + std::string(63, 'a') + "A",  // Upper-case hex.
           "clt_key-0123_" + secret,                        // Key id too short.
           "clt_kex-0123456789abcdef_" + secret,            // Key id prefix.
           "clt_" + id + "_" + secret + "\n",               // Trailing garbage.
       }) {
    EXPECT_FALSE(ParseApiKey(bad).has_value()) << bad;
  }
}

TEST(ApiKeyTest, HashIsSha256) {
  // SHA-256("abc"), FIPS 180-2 appendix B.1.
  const std::string expected(
      "\xba\x78\x16\xbf\x8f\x01\xcf\xea\x41\x41\x40\xde\x5d\xae\x22\x23"
      "\xb0\x03\x61\xa3\x96\x17\x7a\x9c\xb4\x10\xff\x61\xf2\x00\x15\xad",
      kSha256Bytes);
  EXPECT_EQ(HashSecret("abc"), expected);
  EXPECT_EQ(HashSecret("").size(), kSha256Bytes);
}

TEST(ApiKeyTest, ConstantTimeEqualsComparesBytes) {
  EXPECT_TRUE(ConstantTimeEquals("abc", "abc"));
  EXPECT_TRUE(ConstantTimeEquals("", ""));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abd"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "ab"));
  EXPECT_FALSE(ConstantTimeEquals(std::string("a\0b", 3), std::string("a\0c", 3)));
}

}  // namespace
}  // namespace clientele::gateway
