#include "identity/matching/person_record.h"

#include <string>

#include "common/testing/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace clientele::identity {
namespace {

using ::clientele::testing::IsOk;
using ::clientele::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Pair;

common::v1::CustomerUpsert FullUpsert() {
  common::v1::CustomerUpsert u;
  u.set_email(" Ayse.Yilmaz+promo@GoogleMail.com ");
  u.set_phone("0532 123 45 67");
  u.set_loyalty_id(" L-1 ");
  u.set_national_id_hash("abc123");
  u.set_given_name("Ayşe Nur");
  u.set_family_name("YILMAZ");
  u.mutable_birth_date()->set_year(1990);
  u.mutable_birth_date()->set_month(5);
  u.mutable_birth_date()->set_day(17);
  u.set_gender(common::v1::GENDER_FEMALE);
  u.mutable_address()->add_lines("12 Bağdat Cad.");
  u.mutable_address()->add_lines("Kadıköy");
  u.mutable_address()->set_city("İstanbul");
  u.mutable_address()->set_region("Marmara");
  u.mutable_address()->set_postal_code(" 34 710 ");
  (*u.mutable_attributes())["soc_sec_id"].set_string_value("12-345 67");
  (*u.mutable_attributes())["income"].set_int_value(5);
  return u;
}

TEST(PersonRecordTest, NormalizesEveryField) {
  const PersonRecord r = FromCustomerUpsert("web/1", FullUpsert());
  EXPECT_EQ(r.source_key, "web/1");
  EXPECT_EQ(r.email, "ayseyilmaz@gmail.com");
  EXPECT_EQ(r.phone, "+905321234567");
  EXPECT_EQ(r.loyalty_id, "L-1");
  EXPECT_EQ(r.national_id_hash, "abc123");
  EXPECT_EQ(r.given_name, "ayse nur");
  EXPECT_EQ(r.family_name, "yilmaz");
  EXPECT_THAT(r.name_tokens, ElementsAre("ayse", "nur", "yilmaz"));
  EXPECT_EQ(r.birth_year, 1990);
  EXPECT_EQ(r.birth_month, 5);
  EXPECT_EQ(r.birth_day, 17);
  EXPECT_EQ(r.gender, common::v1::GENDER_FEMALE);
  EXPECT_EQ(r.postal_code, "34710");
  EXPECT_EQ(r.street_number, "12");
  EXPECT_THAT(r.address_tokens, ElementsAre("bagdat", "caddesi", "kadikoy"));
  EXPECT_EQ(r.city, "istanbul");
  EXPECT_EQ(r.region, "marmara");
  // Only the configured attributes are identifiers; "income" is not.
  EXPECT_THAT(r.secondary_ids, ElementsAre(Pair("soc_sec_id", "1234567")));
}

TEST(PersonRecordTest, UnusableValuesBecomeUnknown) {
  common::v1::CustomerUpsert u;
  u.set_email("not an email");
  u.set_phone("call me");
  u.mutable_birth_date()->set_year(1937);
  u.mutable_birth_date()->set_month(12);
  u.mutable_birth_date()->set_day(33);  // FEBRL-style invalid date
  const PersonRecord r = FromCustomerUpsert("s/1", u);
  EXPECT_EQ(r.email, "");
  EXPECT_EQ(r.phone, "");
  EXPECT_FALSE(r.has_birth_date());
  EXPECT_EQ(r.birth_month, 0);
  EXPECT_THAT(r.secondary_ids, IsEmpty());
}

TEST(PersonRecordTest, SplitsFullNameOnlyWhenPartsAreAbsent) {
  common::v1::CustomerUpsert u;
  u.set_full_name("Mehmet Ali Şahin");
  PersonRecord r = FromCustomerUpsert("s/1", u);
  EXPECT_EQ(r.given_name, "mehmet ali");
  EXPECT_EQ(r.family_name, "sahin");
  u.set_given_name("Ali");
  r = FromCustomerUpsert("s/1", u);
  EXPECT_EQ(r.given_name, "ali");
  EXPECT_EQ(r.family_name, "");
}

TEST(PersonRecordTest, IntegerSecondaryIdsAndCustomKeys) {
  common::v1::CustomerUpsert u;
  (*u.mutable_attributes())["member_no"].set_int_value(987654);
  (*u.mutable_attributes())["soc_sec_id"].set_string_value("ab-12");
  NormalizationOptions options;
  options.secondary_id_attributes = {"soc_sec_id", "member_no"};
  const PersonRecord r = FromCustomerUpsert("s/1", u, options);
  EXPECT_THAT(r.secondary_ids,
              ElementsAre(Pair("member_no", "987654"), Pair("soc_sec_id", "AB12")));
}

TEST(PersonRecordTest, PhoneRegionComesFromTheRecordsCountry) {
  common::v1::CustomerUpsert u;
  u.set_phone("07866 571717");
  u.mutable_address()->set_country_code("GB");
  EXPECT_EQ(FromCustomerUpsert("s/1", u).phone, "+447866571717");
  u.clear_address();
  EXPECT_NE(FromCustomerUpsert("s/1", u).phone, "+447866571717");  // read as Turkish
}

TEST(PersonRecordTest, PhoneRegionIsConfigurable) {
  common::v1::CustomerUpsert u;
  u.set_phone("020 7946 0958");
  NormalizationOptions options;
  options.default_phone_region = "GB";
  EXPECT_EQ(FromCustomerUpsert("s/1", u, options).phone, "+442079460958");
}

TEST(PersonRecordTest, MergeNewerKeepsWhatTheNewerLeavesUnknown) {
  const PersonRecord old_record = FromCustomerUpsert("web/1", FullUpsert());
  common::v1::CustomerUpsert update;
  update.set_email("new@example.com");
  update.set_family_name("Demir");
  update.mutable_address()->set_city("Ankara");
  (*update.mutable_attributes())["soc_sec_id"].set_string_value("999");
  const PersonRecord merged = MergeNewer(old_record, FromCustomerUpsert("web/1", update));
  EXPECT_EQ(merged.email, "new@example.com");
  EXPECT_EQ(merged.family_name, "demir");
  EXPECT_EQ(merged.given_name, "ayse nur");
  EXPECT_THAT(merged.name_tokens, ElementsAre("ayse", "demir", "nur"));
  EXPECT_EQ(merged.phone, "+905321234567");
  EXPECT_EQ(merged.birth_year, 1990);
  EXPECT_EQ(merged.city, "ankara");
  EXPECT_EQ(merged.postal_code, "34710");
  EXPECT_EQ(merged.street_number, "12");
  EXPECT_THAT(merged.secondary_ids, ElementsAre(Pair("soc_sec_id", "999")));
  EXPECT_EQ(merged.source_key, "web/1");
}

TEST(PersonRecordTest, EncodeDecodeRoundTrip) {
  const PersonRecord r = FromCustomerUpsert("web/1", FullUpsert());
  absl::StatusOr<PersonRecord> back = DecodePersonRecord(EncodePersonRecord(r));
  ASSERT_THAT(back, IsOk());
  EXPECT_EQ(*back, r);
  const PersonRecord empty;
  absl::StatusOr<PersonRecord> empty_back = DecodePersonRecord(EncodePersonRecord(empty));
  ASSERT_THAT(empty_back, IsOk());
  EXPECT_EQ(*empty_back, empty);
}

TEST(PersonRecordTest, EncodingIsCompact) {
  const PersonRecord r = FromCustomerUpsert("web/1", FullUpsert());
  // The values themselves, plus one tag byte and one length byte per field and a version byte.
  size_t payload = r.source_key.size() + r.email.size() + r.phone.size() + r.loyalty_id.size() +
                   r.national_id_hash.size() + r.given_name.size() + r.family_name.size() +
                   r.postal_code.size() + r.street_number.size() + r.city.size() + r.region.size();
  for (const std::string& t : r.name_tokens) payload += t.size();
  for (const std::string& t : r.address_tokens) payload += t.size();
  for (const auto& [key, value] : r.secondary_ids) payload += 1 + key.size() + value.size();
  payload += 2 + 1 + 1;  // 1990, 5, 17 as varints
  payload += 1;          // gender
  const size_t fields =
      11 + r.name_tokens.size() + r.address_tokens.size() + r.secondary_ids.size() + 2;
  EXPECT_EQ(EncodePersonRecord(r).size(), 1 + 2 * fields + payload);
}

TEST(PersonRecordTest, CorruptInputIsDataLossNotACrash) {
  const std::string bytes = EncodePersonRecord(FromCustomerUpsert("web/1", FullUpsert()));
  EXPECT_THAT(DecodePersonRecord(""), StatusIs(absl::StatusCode::kDataLoss, HasSubstr("empty")));
  std::string wrong_version = bytes;
  wrong_version[0] = 9;
  EXPECT_THAT(DecodePersonRecord(wrong_version),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("version")));
  // Every truncation either fails cleanly or (at a field boundary) decodes a prefix.
  int failures = 0;
  for (size_t n = 1; n < bytes.size(); ++n) {
    absl::StatusOr<PersonRecord> r = DecodePersonRecord(bytes.substr(0, n));
    if (!r.ok()) {
      EXPECT_EQ(r.status().code(), absl::StatusCode::kDataLoss);
      ++failures;
    }
  }
  EXPECT_GT(failures, 0);
  // Flipped bytes never crash.
  for (size_t i = 1; i < bytes.size(); ++i) {
    std::string flipped = bytes;
    flipped[i] = static_cast<char>(flipped[i] ^ 0xFF);
    (void)DecodePersonRecord(flipped);
  }
  // A field longer than the rest of the record.
  EXPECT_THAT(DecodePersonRecord(std::string("\x01\x02\x7F"
                                             "abc",
                                             6)),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("longer")));
}

TEST(PersonRecordTest, UnknownFieldsOfALaterVersionAreSkipped) {
  std::string bytes = EncodePersonRecord(FromCustomerUpsert("web/1", FullUpsert()));
  bytes += std::string("\x63\x03xyz", 5);  // tag 99, 3 bytes
  absl::StatusOr<PersonRecord> r = DecodePersonRecord(bytes);
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->email, "ayseyilmaz@gmail.com");
}

}  // namespace
}  // namespace clientele::identity
