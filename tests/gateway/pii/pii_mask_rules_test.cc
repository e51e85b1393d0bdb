#include "gateway/pii/pii_mask_rules.h"

#include <string>
#include <vector>

#include "clientele/common/v1/event.pb.h"
#include "clientele/identity/v1/identity.pb.h"
#include "clientele/ingest/v1/ingest.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace clientele::gateway {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

const google::protobuf::FieldDescriptor& Field(const google::protobuf::Descriptor* type,
                                               const std::string& name) {
  const google::protobuf::FieldDescriptor* field = type->FindFieldByName(name);
  EXPECT_NE(field, nullptr) << type->full_name() << "." << name;
  return *field;
}

TEST(PiiKindOfTest, DecidesByWhatTheFieldHolds) {
  const auto* upsert = common::v1::CustomerUpsert::descriptor();
  EXPECT_EQ(PiiKindOf(Field(upsert, "email")), PiiKind::kEmail);
  EXPECT_EQ(PiiKindOf(Field(upsert, "phone")), PiiKind::kPhone);
  EXPECT_EQ(PiiKindOf(Field(upsert, "given_name")), PiiKind::kName);
  EXPECT_EQ(PiiKindOf(Field(upsert, "family_name")), PiiKind::kName);
  EXPECT_EQ(PiiKindOf(Field(upsert, "full_name")), PiiKind::kName);
  // Identifiers, dates, enums and free text are removed.
  EXPECT_EQ(PiiKindOf(Field(upsert, "loyalty_id")), PiiKind::kClear);
  EXPECT_EQ(PiiKindOf(Field(upsert, "national_id_hash")), PiiKind::kClear);
  EXPECT_EQ(PiiKindOf(Field(upsert, "birth_date")), PiiKind::kClear);
  EXPECT_EQ(PiiKindOf(Field(upsert, "gender")), PiiKind::kClear);
  EXPECT_EQ(PiiKindOf(Field(common::v1::Address::descriptor(), "lines")), PiiKind::kClear);
  EXPECT_EQ(PiiKindOf(Field(common::v1::Address::descriptor(), "postal_code")), PiiKind::kClear);
  EXPECT_EQ(PiiKindOf(Field(identity::v1::FieldComparison::descriptor(), "value_a")),
            PiiKind::kClear);
  EXPECT_EQ(PiiKindOf(Field(ingest::v1::DeadLetter::descriptor(), "raw")), PiiKind::kClear);
  EXPECT_EQ(PiiKindOf(Field(identity::v1::ProfileLookup::descriptor(), "email")), PiiKind::kEmail);
}

TEST(MaskPiiValueTest, EmailKeepsFirstLetterAndDomain) {
  EXPECT_EQ(MaskPiiValue(PiiKind::kEmail, "can.yilmaz@example.com"), "c***@example.com");
  EXPECT_EQ(MaskPiiValue(PiiKind::kEmail, "şule@örnek.com.tr"), "ş***@örnek.com.tr");
  EXPECT_EQ(MaskPiiValue(PiiKind::kEmail, "a@b.co"), "a***@b.co");
  // The domain is what follows the last '@'.
  EXPECT_EQ(MaskPiiValue(PiiKind::kEmail, "\"x@y\"@example.com"), "\"***@example.com");
  // Not an e-mail: nothing of it is shown.
  EXPECT_EQ(MaskPiiValue(PiiKind::kEmail, "not-an-email"), "***");
  EXPECT_EQ(MaskPiiValue(PiiKind::kEmail, "@example.com"), "***");
}

TEST(MaskPiiValueTest, PhoneKeepsTheLastTwoDigits) {
  EXPECT_EQ(MaskPiiValue(PiiKind::kPhone, "+905321234501"), "***********01");
  EXPECT_EQ(MaskPiiValue(PiiKind::kPhone, "0532 123 45 67"), "************67");
  EXPECT_EQ(MaskPiiValue(PiiKind::kPhone, "12345"), "***45");
  // Too short to show two digits of it.
  EXPECT_EQ(MaskPiiValue(PiiKind::kPhone, "1234"), "****");
  EXPECT_EQ(MaskPiiValue(PiiKind::kPhone, "12"), "**");
  // One star per code point, not per byte.
  EXPECT_EQ(MaskPiiValue(PiiKind::kPhone, "tél 0612"), "******12");
}

TEST(MaskPiiValueTest, NameBecomesItsFirstLetter) {
  EXPECT_EQ(MaskPiiValue(PiiKind::kName, "Şule"), "Ş***");
  EXPECT_EQ(MaskPiiValue(PiiKind::kName, "İsmail Çelik"), "İ***");
  EXPECT_EQ(MaskPiiValue(PiiKind::kName, "Ölmez"), "Ö***");
  EXPECT_EQ(MaskPiiValue(PiiKind::kName, "  Ali"), "A***");
  // A one-letter name would be shown whole by its first letter.
  EXPECT_EQ(MaskPiiValue(PiiKind::kName, "J"), "*");
  EXPECT_EQ(MaskPiiValue(PiiKind::kName, "Ğ"), "*");
}

TEST(MaskPiiValueTest, ClearRemovesEverything) {
  EXPECT_EQ(MaskPiiValue(PiiKind::kClear, "Bağdat Caddesi No: 5"), "");
}

TEST(MaskPiiValueTest, InvalidUtf8IsMaskedByteByByte) {
  const std::string bad =
      "\xC5\x41\xFF\xFE"
      "bc";  // A truncated sequence, then stray bytes.
  EXPECT_EQ(MaskPiiValue(PiiKind::kName, bad), "\xC5***");
  EXPECT_EQ(MaskPiiValue(PiiKind::kPhone, bad + "123"), "*******23");
}

TEST(MaskPiiValueTest, NeverContainsTheOriginalAndIsIdempotent) {
  const std::vector<std::pair<PiiKind, std::vector<std::string>>> cases = {
      {PiiKind::kEmail,
       {"can.yilmaz@example.com", "a@b.co", "ş@x.tr", "x", "@", "a@", "ab@@c", "İ@örnek.com"}},
      {PiiKind::kPhone, {"+905321234501", "1", "12", "123", "1234", "12345", "+90 (532) 1", "ab"}},
      {PiiKind::kName, {"Şule", "J", "Jo", "Ğü", "İsmail Çelik", " x", "ab", "Ali"}},
  };
  for (const auto& [kind, values] : cases) {
    for (const std::string& value : values) {
      const std::string masked = MaskPiiValue(kind, value);
      EXPECT_THAT(masked, Not(HasSubstr(value))) << "kind " << static_cast<int>(kind);
      EXPECT_EQ(MaskPiiValue(kind, masked), masked) << value;
    }
  }
}

}  // namespace
}  // namespace clientele::gateway
