// CustomerUpsert payload rules: contact data, birth date, gender, address and attributes.
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ingest/validation/event_validator.h"
#include "tests/ingest/validation/test_events.h"

namespace clientele::ingest {
namespace {

using common::v1::AttributeValue;
using common::v1::CustomerUpsert;
using common::v1::Event;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::ValuesIn;
using testing_events::ExpectRejected;
using testing_events::kNow;
using testing_events::Mutation;
using testing_events::MutationName;

CustomerUpsert* Customer(Event& e) { return e.mutable_customer_upsert(); }

AttributeValue& Attribute(Event& e, const std::string& key) {
  return (*Customer(e)->mutable_attributes())[key];
}

void SetBirthDate(Event& e, int year, int month, int day) {
  Customer(e)->mutable_birth_date()->set_year(year);
  Customer(e)->mutable_birth_date()->set_month(month);
  Customer(e)->mutable_birth_date()->set_day(day);
}

std::vector<Mutation> CustomerMutations() {
  return {
      {"SourceMissing", [](Event& e) { e.clear_source(); }, "source", "required"},
      {"EmailWithoutAt", [](Event& e) { Customer(e)->set_email("sukru.example.com"); },
       "customer_upsert.email", "invalid_format"},
      {"EmailWithTwoAts", [](Event& e) { Customer(e)->set_email("a@b@example.com"); },
       "customer_upsert.email", "invalid_format"},
      {"EmailWithoutLocalPart", [](Event& e) { Customer(e)->set_email("@example.com"); },
       "customer_upsert.email", "invalid_format"},
      {"EmailWithoutDomain", [](Event& e) { Customer(e)->set_email("sukru@"); },
       "customer_upsert.email", "invalid_format"},
      {"EmailTooLong",
       [](Event& e) { Customer(e)->set_email(std::string(243, 'a') + "@example.com"); },
       "customer_upsert.email", "too_long"},
      {"EmailInvalidUtf8", [](Event& e) { Customer(e)->set_email("\xe7@example.com"); },
       "customer_upsert.email", "invalid_utf8"},
      {"EmailWithNewline", [](Event& e) { Customer(e)->set_email("a@example.com\n"); },
       "customer_upsert.email", "invalid_format"},
      // Issue 12, defect 10: spaces, bidi overrides and zero-width characters were accepted.
      {"EmailWithSpace", [](Event& e) { Customer(e)->set_email("sukru @example.com"); },
       "customer_upsert.email", "invalid_format"},
      {"EmailWithNoBreakSpace",
       [](Event& e) { Customer(e)->set_email("sukru\xC2\xA0@example.com"); },
       "customer_upsert.email", "invalid_format"},
      {"EmailWithZeroWidthSpace",
       [](Event& e) { Customer(e)->set_email("su\xE2\x80\x8Bkru@example.com"); },
       "customer_upsert.email", "invalid_format"},
      {"EmailWithZeroWidthJoiner",
       [](Event& e) { Customer(e)->set_email("su\xE2\x80\x8Dkru@example.com"); },
       "customer_upsert.email", "invalid_format"},
      {"EmailWithRightToLeftOverride",
       [](Event& e) { Customer(e)->set_email("\xE2\x80\xAEmoc.elpmaxe@urkus"); },
       "customer_upsert.email", "invalid_format"},
      {"GivenNameWithRightToLeftOverride",
       [](Event& e) { Customer(e)->set_given_name("\xE2\x80\xAE\xC5\x9Eükrü"); },
       "customer_upsert.given_name", "invalid_format"},
      {"FamilyNameWithFirstStrongIsolate",
       [](Event& e) { Customer(e)->set_family_name("Y\xE2\x81\xA8ilmaz"); },
       "customer_upsert.family_name", "invalid_format"},
      {"FullNameWithZeroWidthSpace",
       [](Event& e) {
         Customer(e)->set_full_name(
             "Ay\xE2\x80\x8B\xC5\x9F"
             "e");
       },
       "customer_upsert.full_name", "invalid_format"},
      {"FullNameWithWordJoiner",
       [](Event& e) {
         Customer(e)->set_full_name(
             "Ay\xE2\x81\xA0\xC5\x9F"
             "e");
       },
       "customer_upsert.full_name", "invalid_format"},
      {"FullNameWithByteOrderMark",
       [](Event& e) {
         Customer(e)->set_full_name(
             "\xEF\xBB\xBF"
             "Ay\xC5\x9F"
             "e");
       },
       "customer_upsert.full_name", "invalid_format"},
      {"AddressLineWithLeftToRightEmbedding",
       [](Event& e) {
         Customer(e)->mutable_address()->add_lines(
             "\xE2\x80\xAA"
             "Cad. 5");
       },
       "customer_upsert.address.lines[2]", "invalid_format"},
      {"LoyaltyIdWithZeroWidthNonJoiner",
       [](Event& e) { Customer(e)->set_loyalty_id("L-1\xE2\x80\x8C"); },
       "customer_upsert.loyalty_id", "invalid_format"},
      {"SourceIdWithPopDirectionalIsolate",
       [](Event& e) { e.mutable_source()->set_id("C-42\xE2\x81\xA9"); }, "source.id",
       "invalid_format"},
      {"PhoneTooFewDigits", [](Event& e) { Customer(e)->set_phone("+90 123"); },
       "customer_upsert.phone", "invalid_format"},
      {"PhoneTooManyDigits", [](Event& e) { Customer(e)->set_phone("+90 5321234567 12345"); },
       "customer_upsert.phone", "invalid_format"},
      {"PhoneWithLetters", [](Event& e) { Customer(e)->set_phone("+90 532 CALL ME"); },
       "customer_upsert.phone", "invalid_format"},
      {"PhoneTooLong",
       [](Event& e) { Customer(e)->set_phone("+90 (532) 123 - 45 - 67 . . . . . "); },
       "customer_upsert.phone", "too_long"},
      {"LoyaltyIdTooLong", [](Event& e) { Customer(e)->set_loyalty_id(std::string(129, 'l')); },
       "customer_upsert.loyalty_id", "too_long"},
      {"NationalIdHashWithSpaceControl",
       [](Event& e) { Customer(e)->set_national_id_hash("abc\x1f"); },
       "customer_upsert.national_id_hash", "invalid_format"},
      {"GivenNameInvalidUtf8", [](Event& e) { Customer(e)->set_given_name("\xc5\x9e\xfc"); },
       "customer_upsert.given_name", "invalid_utf8"},
      {"FamilyNameTooLong", [](Event& e) { Customer(e)->set_family_name(std::string(1025, 'f')); },
       "customer_upsert.family_name", "too_long"},
      {"FullNameOverlong", [](Event& e) { Customer(e)->set_full_name("\xe0\x80\xaf"); },
       "customer_upsert.full_name", "invalid_utf8"},
      {"BirthYear1899", [](Event& e) { SetBirthDate(e, 1899, 12, 31); },
       "customer_upsert.birth_date.year", "out_of_range"},
      {"BirthDateFeb29InNonLeapYear", [](Event& e) { SetBirthDate(e, 1983, 2, 29); },
       "customer_upsert.birth_date.day", "invalid_format"},
      {"BirthMonth13", [](Event& e) { SetBirthDate(e, 1983, 13, 1); },
       "customer_upsert.birth_date.month", "invalid_format"},
      {"BirthDayZero", [](Event& e) { SetBirthDate(e, 1983, 4, 0); },
       "customer_upsert.birth_date.day", "invalid_format"},
      {"BirthDateAllZero", [](Event& e) { SetBirthDate(e, 0, 0, 0); },
       "customer_upsert.birth_date.year", "out_of_range"},
      // kNow is 2026-01-15T12:00Z: 2026-01-16 has begun in UTC+14, 2026-01-17 nowhere.
      {"BirthDateInFuture", [](Event& e) { SetBirthDate(e, 2026, 1, 17); },
       "customer_upsert.birth_date", "out_of_range"},
      {"GenderUnknownValue99",
       [](Event& e) { Customer(e)->set_gender(static_cast<common::v1::Gender>(99)); },
       "customer_upsert.gender", "invalid_enum"},
      {"AddressLineInvalidUtf8",
       [](Event& e) { Customer(e)->mutable_address()->set_lines(1, "Daire \xf4\x90\x80\x80"); },
       "customer_upsert.address.lines[1]", "invalid_utf8"},
      {"AddressCityTooLong",
       [](Event& e) { Customer(e)->mutable_address()->set_city(std::string(1025, 'c')); },
       "customer_upsert.address.city", "too_long"},
      {"AddressCountryCodeLowercase",
       [](Event& e) { Customer(e)->mutable_address()->set_country_code("tr"); },
       "customer_upsert.address.country_code", "invalid_format"},
      {"AddressCountryCodeAlpha3",
       [](Event& e) { Customer(e)->mutable_address()->set_country_code("TUR"); },
       "customer_upsert.address.country_code", "invalid_format"},
      {"AttributeKeyUppercase", [](Event& e) { Attribute(e, "Income").set_int_value(1); },
       "customer_upsert.attributes[\"Income\"]", "invalid_format"},
      {"AttributeKeyWithDash", [](Event& e) { Attribute(e, "last-order").set_int_value(1); },
       "customer_upsert.attributes[\"last-order\"]", "invalid_format"},
      {"AttributeKeyEmpty", [](Event& e) { Attribute(e, "").set_int_value(1); },
       "customer_upsert.attributes[\"\"]", "invalid_format"},
      {"AttributeKeyTooLong", [](Event& e) { Attribute(e, std::string(65, 'k')).set_int_value(1); },
       "customer_upsert.attributes[\"" + std::string(64, 'k') + "...\"]", "too_long"},
      {"AttributeKeyQuotedInPath", [](Event& e) { Attribute(e, "a\"b").set_int_value(1); },
       "customer_upsert.attributes[\"a\\\"b\"]", "invalid_format"},
      {"AttributeWithoutValue", [](Event& e) { Attribute(e, "empty"); },
       "customer_upsert.attributes[\"empty\"]", "required"},
      {"AttributeStringInvalidUtf8",
       [](Event& e) { Attribute(e, "segment").set_string_value("alt\xc4"); },
       "customer_upsert.attributes[\"segment\"].string_value", "invalid_utf8"},
      {"AttributeDoubleNan",
       [](Event& e) {
         Attribute(e, "score").set_double_value(std::numeric_limits<double>::quiet_NaN());
       },
       "customer_upsert.attributes[\"score\"].double_value", "out_of_range"},
      {"AttributeDoubleInfinite",
       [](Event& e) { Attribute(e, "score").set_double_value(HUGE_VAL); },
       "customer_upsert.attributes[\"score\"].double_value", "out_of_range"},
      {"AttributeTimeBadNanos",
       [](Event& e) { Attribute(e, "last_seen").mutable_time_value()->set_nanos(-1); },
       "customer_upsert.attributes[\"last_seen\"].time_value.nanos", "out_of_range"},
      {"AttributeDateBadMonth",
       [](Event& e) { Attribute(e, "signup_day").mutable_date_value()->set_month(0); },
       "customer_upsert.attributes[\"signup_day\"].date_value.month", "invalid_format"},
      {"AttributeMoneyNegative",
       [](Event& e) { Attribute(e, "income").mutable_money_value()->set_minor_units(-1); },
       "customer_upsert.attributes[\"income\"].money_value.minor_units", "out_of_range"},
      {"AttributeMoneyUnknownCurrency",
       [](Event& e) { Attribute(e, "income").mutable_money_value()->set_currency_code("XYZ"); },
       "customer_upsert.attributes[\"income\"].money_value.currency_code", "invalid_currency"},
      {"TooManyAttributes",
       [](Event& e) {
         for (int i = 0; Customer(e)->attributes_size() <= 200; ++i) {
           Attribute(e, "extra_" + std::to_string(i)).set_bool_value(true);
         }
       },
       "customer_upsert.attributes", "too_many"},
  };
}

TEST(CustomerValidationTest, JoinersAreTextButNotIdentifiers) {
  // ZWNJ inside a Persian name ("Mohammadreza" written with a non-joiner) and a ZWJ emoji
  // sequence are ordinary text.
  Event event = testing_events::ValidCustomerUpsertEvent();
  Customer(event)->set_given_name(
      "\xD9\x85\xD8\xAD\xD9\x85\xD8\xAF\xE2\x80\x8C"
      "\xD8\xB1\xD8\xB6\xD8\xA7");
  Customer(event)->set_full_name("\xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x92\xBB");
  EXPECT_EQ(ValidateEvent(event, kNow), std::nullopt);
}

TEST(CustomerValidationTest, HiddenCharacterReasonNamesTheCodePointNotTheValue) {
  Event event = testing_events::ValidCustomerUpsertEvent();
  Customer(event)->set_given_name(
      "\xE2\x80\xAE"
      "ecila");
  std::optional<Rejection> r = ValidateEvent(event, kNow);
  ASSERT_TRUE(r.has_value());
  EXPECT_THAT(r->reason, HasSubstr("U+202E (a bidi control)"));
  EXPECT_THAT(r->reason, Not(HasSubstr("ecila")));
}

class CustomerMutationTest : public ::testing::TestWithParam<Mutation> {};

TEST_P(CustomerMutationTest, RejectsOnFieldWithCode) {
  ExpectRejected(testing_events::ValidCustomerUpsertEvent(), GetParam());
}

INSTANTIATE_TEST_SUITE_P(CustomerValidationTest, CustomerMutationTest,
                         ValuesIn(CustomerMutations()), MutationName);

TEST(CustomerValidationTest, AcceptsSourceOnly) {
  Event event = testing_events::ValidCustomerUpsertEvent();
  event.mutable_customer_upsert()->Clear();
  EXPECT_EQ(ValidateEvent(event, kNow), std::nullopt);
}

TEST(CustomerValidationTest, AcceptsBirthDateThatHasBegunInUtcPlus14) {
  Event event = testing_events::ValidCustomerUpsertEvent();
  SetBirthDate(event, 2026, 1, 16);
  EXPECT_EQ(ValidateEvent(event, kNow), std::nullopt);
  SetBirthDate(event, 1900, 1, 1);
  EXPECT_EQ(ValidateEvent(event, kNow), std::nullopt);
  SetBirthDate(event, 2000, 2, 29);
  EXPECT_EQ(ValidateEvent(event, kNow), std::nullopt);
}

TEST(CustomerValidationTest, AcceptsExactlyMaxAttributes) {
  Event event = testing_events::ValidCustomerUpsertEvent();
  for (int i = 0; Customer(event)->attributes_size() < 200; ++i) {
    Attribute(event, "extra_" + std::to_string(i)).set_bool_value(true);
  }
  EXPECT_EQ(ValidateEvent(event, kNow), std::nullopt);
}

TEST(CustomerValidationTest, AcceptsAttributeKeyOfExactly64Bytes) {
  Event event = testing_events::ValidCustomerUpsertEvent();
  Attribute(event, std::string(64, 'k')).set_int_value(1);
  EXPECT_EQ(ValidateEvent(event, kNow), std::nullopt);
}

TEST(CustomerValidationTest, ReportsSmallestBadAttributeKey) {
  Event event = testing_events::ValidCustomerUpsertEvent();
  Attribute(event, "zeta");  // No value.
  Attribute(event, "Beta").set_int_value(1);
  Attribute(event, "income").mutable_money_value()->set_minor_units(-1);
  for (int i = 0; i < 20; ++i) {
    EXPECT_EQ(ValidateEvent(event, kNow)->field, "customer_upsert.attributes[\"Beta\"]");
  }
}

TEST(CustomerValidationTest, ReasonsDoNotShowPersonalData) {
  const std::string secret = "Zeynep";
  Event event = testing_events::ValidCustomerUpsertEvent();
  Customer(event)->set_email(secret + "@@example.com");
  EXPECT_THAT(ValidateEvent(event, kNow)->reason, Not(HasSubstr(secret)));

  event = testing_events::ValidCustomerUpsertEvent();
  Customer(event)->set_phone("0532 " + secret);
  EXPECT_THAT(ValidateEvent(event, kNow)->reason, Not(HasSubstr(secret)));

  event = testing_events::ValidCustomerUpsertEvent();
  SetBirthDate(event, 1871, 3, 12);
  EXPECT_THAT(ValidateEvent(event, kNow)->reason, Not(HasSubstr("1871")));

  event = testing_events::ValidCustomerUpsertEvent();
  Attribute(event, "income").mutable_money_value()->set_minor_units(-987654);
  EXPECT_THAT(ValidateEvent(event, kNow)->reason, Not(HasSubstr("987654")));
}

}  // namespace
}  // namespace clientele::ingest
