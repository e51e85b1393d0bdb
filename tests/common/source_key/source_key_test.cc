#include "common/source_key/source_key.h"

#include "common/testing/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace clientele {
namespace {

using ::clientele::testing::IsOk;
using ::clientele::testing::StatusIs;
using ::testing::HasSubstr;

common::v1::SourceKey Key(const std::string& system, const std::string& id) {
  common::v1::SourceKey key;
  key.set_system(system);
  key.set_id(id);
  return key;
}

TEST(SourceKeyTest, FormatsAsSystemSlashId) {
  EXPECT_EQ(FormatSourceKey(Key("web_shop", "c-17")), "web_shop/c-17");
  EXPECT_EQ(FormatSourceKey("pos", "a/b:c"), "pos/a/b:c");
}

TEST(SourceKeyTest, ParseSplitsAtTheFirstSlashAndRoundTrips) {
  absl::StatusOr<common::v1::SourceKey> key = ParseSourceKey("online_retail/12/34:5", "--source");
  ASSERT_THAT(key, IsOk());
  EXPECT_EQ(key->system(), "online_retail");
  EXPECT_EQ(key->id(), "12/34:5");
  EXPECT_EQ(FormatSourceKey(*key), "online_retail/12/34:5");
}

TEST(SourceKeyTest, ParseRefusesOtherSpellingsNamingTheField) {
  EXPECT_THAT(ParseSourceKey("web:c1", "--source"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("--source: expected system/id, got 'web:c1'")));
  EXPECT_THAT(ParseSourceKey("/c1", "source"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("source: expected")));
  EXPECT_THAT(ParseSourceKey("web/", "source"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("source: expected")));
  EXPECT_THAT(ParseSourceKey("", "source"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("source: expected")));
}

TEST(SourceKeyTest, ParseRefusesASystemOutsideItsAlphabet) {
  EXPECT_THAT(ParseSourceKey("Web Shop/c1", "--records"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("--records: expected system/id, got 'Web Shop/c1' (a system")));
  // The pre-'/' spelling "system:id" has ':' inside the would-be system.
  EXPECT_THAT(ParseSourceKey("web:c1/x", "--source"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("a system holds only")));
}

TEST(SourceKeyTest, StorageKeysRoundTripAndSortBySystemThenId) {
  const std::string a = EncodeSourceKey(Key("pos", "b"));
  const std::string b = EncodeSourceKey(Key("pos.eu", "a"));
  const std::string c = EncodeSourceKey(Key("web", "a"));
  EXPECT_LT(a, b);
  EXPECT_LT(b, c);
  absl::StatusOr<common::v1::SourceKey> decoded = DecodeSourceKey(a, "analytics");
  ASSERT_THAT(decoded, IsOk());
  EXPECT_EQ(decoded->system(), "pos");
  EXPECT_EQ(decoded->id(), "b");
}

TEST(SourceKeyTest, DecodeOfAKeyWithoutSeparatorIsDataLossNamingTheStore) {
  EXPECT_THAT(DecodeSourceKey("no-separator", "recommender"),
              StatusIs(absl::StatusCode::kDataLoss,
                       HasSubstr("recommender store: malformed source key 'no-separator'")));
}

}  // namespace
}  // namespace clientele
