// Event-level rules (event_id, occurred_at, channel, source, origin, payload), the small
// payloads (consent_change, product_upsert, interaction) and CustomerKeyOf.
#include "ingest/validation/event_validator.h"

#include <cmath>
#include <string>
#include <vector>

#include "common/log/partitioning.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/ingest/validation/test_events.h"

namespace clientele::ingest {
namespace {

using common::v1::Event;
using ::testing::HasSubstr;
using ::testing::ValuesIn;
using testing_events::ExpectRejected;
using testing_events::kNow;
using testing_events::Mutation;
using testing_events::MutationName;
using testing_events::SetTime;

TEST(EventValidatorTest, AcceptsEveryValidBaseEvent) {
  for (const Event& event :
       {testing_events::ValidOrderEvent(), testing_events::ValidCustomerUpsertEvent(),
        testing_events::ValidConsentChangeEvent(), testing_events::ValidProductUpsertEvent(),
        testing_events::ValidInteractionEvent()}) {
    EXPECT_EQ(ValidateEvent(event, kNow), std::nullopt) << event.DebugString();
  }
}

TEST(EventValidatorTest, AcceptsEventIdOfExactlyMaxBytes) {
  Event event = testing_events::ValidOrderEvent();
  event.set_event_id(std::string(128, 'e'));
  EXPECT_EQ(ValidateEvent(event, kNow), std::nullopt);
}

TEST(EventValidatorTest, AcceptsOccurredAtExactlyMaxFutureAhead) {
  Event event = testing_events::ValidOrderEvent();
  SetTime(event, kNow + absl::Hours(24));
  EXPECT_EQ(ValidateEvent(event, kNow), std::nullopt);
}

TEST(EventValidatorTest, RejectsOccurredAtOneSecondPastMaxFuture) {
  Event event = testing_events::ValidOrderEvent();
  SetTime(event, kNow + absl::Hours(24) + absl::Seconds(1));
  const std::optional<Rejection> r = ValidateEvent(event, kNow);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->field, "occurred_at");
  EXPECT_EQ(r->code, "out_of_range");
  EXPECT_EQ(r->reason,
            "occurred_at is 2026-01-16T12:00:01+00:00, more than 24h after now "
            "(2026-01-15T12:00:00+00:00)");
}

TEST(EventValidatorTest, HonoursCustomMaxFuture) {
  Event event = testing_events::ValidOrderEvent();
  SetTime(event, kNow + absl::Minutes(6));
  ValidationLimits limits;
  limits.max_future = absl::Minutes(5);
  EXPECT_EQ(ValidateEvent(event, kNow, limits)->field, "occurred_at");
  limits.max_future = absl::Minutes(6);
  EXPECT_EQ(ValidateEvent(event, kNow, limits), std::nullopt);
}

TEST(EventValidatorTest, AcceptsUnixEpoch) {
  Event event = testing_events::ValidOrderEvent();
  SetTime(event, absl::UnixEpoch());
  EXPECT_EQ(ValidateEvent(event, kNow), std::nullopt);
}

TEST(EventValidatorTest, ReportsFirstProblemInDocumentedOrder) {
  Event event = testing_events::ValidOrderEvent();
  event.clear_payload();
  event.set_channel(static_cast<common::v1::Channel>(99));
  event.clear_occurred_at();
  EXPECT_EQ(ValidateEvent(event, kNow)->field, "occurred_at");
  SetTime(event, kNow);
  EXPECT_EQ(ValidateEvent(event, kNow)->field, "channel");
  event.set_channel(common::v1::CHANNEL_STORE_POS);
  EXPECT_EQ(ValidateEvent(event, kNow)->field, "payload");
}

void SetOrigin(Event& e, const std::string& name, int64_t row) {
  e.mutable_origin()->set_source_name(name);
  e.mutable_origin()->set_row(row);
}

std::vector<Mutation> EventMutations() {
  return {
      {"EventIdMissing", [](Event& e) { e.clear_event_id(); }, "event_id", "required"},
      {"EventIdTooLong", [](Event& e) { e.set_event_id(std::string(129, 'e')); }, "event_id",
       "too_long"},
      {"EventIdWithSpace", [](Event& e) { e.set_event_id("evt 1"); }, "event_id", "invalid_format"},
      {"EventIdNonAscii", [](Event& e) { e.set_event_id("evt-ş"); }, "event_id", "invalid_format"},
      {"EventIdWithDel", [](Event& e) { e.set_event_id("evt\x7f"); }, "event_id", "invalid_format"},
      {"OccurredAtMissing", [](Event& e) { e.clear_occurred_at(); }, "occurred_at", "required"},
      {"OccurredAtIn1969", [](Event& e) { SetTime(e, absl::UnixEpoch() - absl::Seconds(1)); },
       "occurred_at", "out_of_range"},
      {"OccurredAtNegativeNanos", [](Event& e) { e.mutable_occurred_at()->set_nanos(-1); },
       "occurred_at.nanos", "out_of_range"},
      {"OccurredAtNanosOneSecond",
       [](Event& e) { e.mutable_occurred_at()->set_nanos(1'000'000'000); }, "occurred_at.nanos",
       "out_of_range"},
      {"OccurredAtPastMaxFuture",
       [](Event& e) { SetTime(e, kNow + absl::Hours(24) + absl::Seconds(1)); }, "occurred_at",
       "out_of_range"},
      {"OccurredAtOneNanosecondPastMaxFuture",
       [](Event& e) { SetTime(e, kNow + absl::Hours(24) + absl::Nanoseconds(1)); }, "occurred_at",
       "out_of_range"},
      {"OccurredAtYear10000", [](Event& e) { e.mutable_occurred_at()->set_seconds(253402300800); },
       "occurred_at", "out_of_range"},
      {"ChannelUnspecified", [](Event& e) { e.set_channel(common::v1::CHANNEL_UNSPECIFIED); },
       "channel", "required"},
      {"ChannelUnknownValue99",
       [](Event& e) { e.set_channel(static_cast<common::v1::Channel>(99)); }, "channel",
       "invalid_enum"},
      {"ChannelNegative", [](Event& e) { e.set_channel(static_cast<common::v1::Channel>(-1)); },
       "channel", "invalid_enum"},
      {"SourceSystemMissing", [](Event& e) { e.mutable_source()->clear_system(); }, "source.system",
       "required"},
      {"SourceSystemUppercase", [](Event& e) { e.mutable_source()->set_system("Web_Shop"); },
       "source.system", "invalid_format"},
      {"SourceSystemWithSpace", [](Event& e) { e.mutable_source()->set_system("web shop"); },
       "source.system", "invalid_format"},
      {"SourceSystemTooLong",
       [](Event& e) { e.mutable_source()->set_system(std::string(65, 's')); }, "source.system",
       "too_long"},
      {"SourceIdMissing", [](Event& e) { e.mutable_source()->clear_id(); }, "source.id",
       "required"},
      {"SourceIdTooLong", [](Event& e) { e.mutable_source()->set_id(std::string(129, 'i')); },
       "source.id", "too_long"},
      {"SourceIdInvalidUtf8", [](Event& e) { e.mutable_source()->set_id("C-\xc3\x28"); },
       "source.id", "invalid_utf8"},
      {"SourceIdWithNewline", [](Event& e) { e.mutable_source()->set_id("C-42\n"); }, "source.id",
       "invalid_format"},
      {"OriginNegativeRow", [](Event& e) { SetOrigin(e, "orders.csv", -1); }, "origin.row",
       "out_of_range"},
      {"OriginNameInvalidUtf8", [](Event& e) { SetOrigin(e, "orders\xff.csv", 1); },
       "origin.source_name", "invalid_utf8"},
      {"OriginNameTooLong", [](Event& e) { SetOrigin(e, std::string(1025, 'f'), 1); },
       "origin.source_name", "too_long"},
      {"PayloadMissing", [](Event& e) { e.clear_payload(); }, "payload", "required"},
  };
}

class EventMutationTest : public ::testing::TestWithParam<Mutation> {};

TEST_P(EventMutationTest, RejectsOrderEventOnFieldWithCode) {
  ExpectRejected(testing_events::ValidOrderEvent(), GetParam());
}

INSTANTIATE_TEST_SUITE_P(EventValidatorTest, EventMutationTest, ValuesIn(EventMutations()),
                         MutationName);

std::vector<Mutation> ConsentChangeMutations() {
  auto consent = [](Event& e) { return e.mutable_consent_change(); };
  return {
      {"SourceMissing", [](Event& e) { e.clear_source(); }, "source", "required"},
      {"PurposeUnspecified",
       [=](Event& e) { consent(e)->set_purpose(common::v1::CONSENT_PURPOSE_UNSPECIFIED); },
       "consent_change.purpose", "required"},
      {"PurposeUnknownValue99",
       [=](Event& e) { consent(e)->set_purpose(static_cast<common::v1::ConsentPurpose>(99)); },
       "consent_change.purpose", "invalid_enum"},
      {"StatusUnspecified",
       [=](Event& e) { consent(e)->set_status(common::v1::CONSENT_STATUS_UNSPECIFIED); },
       "consent_change.status", "required"},
      {"StatusUnknownValue99",
       [=](Event& e) { consent(e)->set_status(static_cast<common::v1::ConsentStatus>(99)); },
       "consent_change.status", "invalid_enum"},
      {"ChannelUnknownValue99",
       [=](Event& e) { consent(e)->set_channel(static_cast<common::v1::Channel>(99)); },
       "consent_change.channel", "invalid_enum"},
      {"EvidenceTooLong", [=](Event& e) { consent(e)->set_evidence(std::string(1025, 'x')); },
       "consent_change.evidence", "too_long"},
      {"EvidenceWithControlChar", [=](Event& e) { consent(e)->set_evidence("form\x1b[0m"); },
       "consent_change.evidence", "invalid_format"},
  };
}

class ConsentChangeMutationTest : public ::testing::TestWithParam<Mutation> {};

TEST_P(ConsentChangeMutationTest, RejectsOnFieldWithCode) {
  ExpectRejected(testing_events::ValidConsentChangeEvent(), GetParam());
}

INSTANTIATE_TEST_SUITE_P(EventValidatorTest, ConsentChangeMutationTest,
                         ValuesIn(ConsentChangeMutations()), MutationName);

std::vector<Mutation> ProductUpsertMutations() {
  auto product = [](Event& e) { return e.mutable_product_upsert(); };
  return {
      {"SkuMissing", [=](Event& e) { product(e)->clear_sku(); }, "product_upsert.sku", "required"},
      {"NameInvalidUtf8", [=](Event& e) { product(e)->set_name("Kupa \xed\xa0\x80"); },
       "product_upsert.name", "invalid_utf8"},
      {"DescriptionTooLong", [=](Event& e) { product(e)->set_description(std::string(1025, 'd')); },
       "product_upsert.description", "too_long"},
      {"PriceNegative", [=](Event& e) { product(e)->mutable_price()->set_minor_units(-1); },
       "product_upsert.price.minor_units", "out_of_range"},
      {"PriceUnknownCurrency",
       [=](Event& e) { product(e)->mutable_price()->set_currency_code("TRL"); },
       "product_upsert.price.currency_code", "invalid_currency"},
      {"PriceWithoutCurrency",
       [=](Event& e) { product(e)->mutable_price()->clear_currency_code(); },
       "product_upsert.price.currency_code", "required"},
      {"SourceSystemInvalid", [](Event& e) { e.mutable_source()->set_system("Web"); },
       "source.system", "invalid_format"},
  };
}

class ProductUpsertMutationTest : public ::testing::TestWithParam<Mutation> {};

TEST_P(ProductUpsertMutationTest, RejectsOnFieldWithCode) {
  ExpectRejected(testing_events::ValidProductUpsertEvent(), GetParam());
}

INSTANTIATE_TEST_SUITE_P(EventValidatorTest, ProductUpsertMutationTest,
                         ValuesIn(ProductUpsertMutations()), MutationName);

TEST(EventValidatorTest, AcceptsProductWithoutPriceOrSource) {
  Event event = testing_events::ValidProductUpsertEvent();
  event.mutable_product_upsert()->clear_price();
  event.clear_source();
  EXPECT_EQ(ValidateEvent(event, kNow), std::nullopt);
}

std::vector<Mutation> InteractionMutations() {
  auto interaction = [](Event& e) { return e.mutable_interaction(); };
  return {
      {"SourceMissing", [](Event& e) { e.clear_source(); }, "source", "required"},
      {"TypeUnspecified",
       [=](Event& e) { interaction(e)->set_type(common::v1::INTERACTION_TYPE_UNSPECIFIED); },
       "interaction.type", "required"},
      {"TypeUnknownValue99",
       [=](Event& e) { interaction(e)->set_type(static_cast<common::v1::InteractionType>(99)); },
       "interaction.type", "invalid_enum"},
      {"SkuMissing", [=](Event& e) { interaction(e)->clear_sku(); }, "interaction.sku", "required"},
      {"SessionIdWithTab", [=](Event& e) { interaction(e)->set_session_id("s\t1"); },
       "interaction.session_id", "invalid_format"},
      {"RatingOnAView", [=](Event& e) { interaction(e)->set_rating(4); }, "interaction.rating",
       "invalid_argument"},
      {"RatingZero",
       [=](Event& e) { interaction(e)->set_type(common::v1::INTERACTION_TYPE_RATING); },
       "interaction.rating", "out_of_range"},
      {"RatingNaN",
       [=](Event& e) {
         interaction(e)->set_type(common::v1::INTERACTION_TYPE_RATING);
         interaction(e)->set_rating(std::nan(""));
       },
       "interaction.rating", "out_of_range"},
  };
}

class InteractionMutationTest : public ::testing::TestWithParam<Mutation> {};

TEST_P(InteractionMutationTest, RejectsOnFieldWithCode) {
  ExpectRejected(testing_events::ValidInteractionEvent(), GetParam());
}

TEST(InteractionValidationTest, AcceptsRatingInteraction) {
  Event event = testing_events::ValidInteractionEvent();
  event.mutable_interaction()->set_type(common::v1::INTERACTION_TYPE_RATING);
  event.mutable_interaction()->set_rating(4.5);
  EXPECT_EQ(ValidateEvent(event, kNow), std::nullopt);
}

INSTANTIATE_TEST_SUITE_P(EventValidatorTest, InteractionMutationTest,
                         ValuesIn(InteractionMutations()), MutationName);

TEST(EventValidatorTest, ReasonOfUnknownEnumNamesTheValue) {
  Event event = testing_events::ValidInteractionEvent();
  event.mutable_interaction()->set_type(static_cast<common::v1::InteractionType>(99));
  EXPECT_EQ(ValidateEvent(event, kNow)->reason, "interaction.type has the undefined value 99");
}

// The routing key lives in common/log/partitioning.h; checked here on the same valid events.
using ::clientele::log::CustomerKeyOf;

TEST(CustomerKeyOfTest, OrderUsesOrderCustomer) {
  const Event event = testing_events::ValidOrderEvent();
  EXPECT_EQ(CustomerKeyOf(event), &event.order().customer());
}

TEST(CustomerKeyOfTest, GuestOrderHasNoCustomerKey) {
  Event event = testing_events::ValidOrderEvent();
  event.mutable_order()->clear_customer();
  EXPECT_EQ(CustomerKeyOf(event), nullptr);
}

TEST(CustomerKeyOfTest, CustomerPayloadsUseEventSource) {
  for (const Event& event :
       {testing_events::ValidCustomerUpsertEvent(), testing_events::ValidConsentChangeEvent(),
        testing_events::ValidInteractionEvent()}) {
    EXPECT_EQ(CustomerKeyOf(event), &event.source()) << event.DebugString();
  }
}

TEST(CustomerKeyOfTest, ProductAndEmptyEventsHaveNoCustomerKey) {
  EXPECT_EQ(CustomerKeyOf(testing_events::ValidProductUpsertEvent()), nullptr);
  EXPECT_EQ(CustomerKeyOf(Event()), nullptr);
  Event no_source = testing_events::ValidInteractionEvent();
  no_source.clear_source();
  EXPECT_EQ(CustomerKeyOf(no_source), nullptr);
}

}  // namespace
}  // namespace clientele::ingest
