#include "gateway/customer360/customer360_assembler.h"

#include "common/testing/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace clientele::gateway {
namespace {

using ::clientele::testing::IsOk;
using ::clientele::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::Not;

v1::GetCustomer360Request ByEmail(const std::string& email) {
  v1::GetCustomer360Request request;
  request.set_email(email);
  return request;
}

common::v1::SourceKey Key(const std::string& system, const std::string& id) {
  common::v1::SourceKey key;
  key.set_system(system);
  key.set_id(id);
  return key;
}

identity::v1::GetProfileResponse Profile(const std::string& id, int members) {
  identity::v1::GetProfileResponse response;
  response.mutable_profile()->set_profile_id(id);
  response.mutable_profile()->mutable_golden()->mutable_record()->set_email("ada@example.com");
  for (int i = 0; i < members; ++i) {
    *response.mutable_profile()->add_members() = Key("shop", "c" + std::to_string(i));
  }
  return response;
}

Customer360Assembler Started(const v1::GetCustomer360Request& request) {
  absl::StatusOr<Customer360Assembler> assembler = Customer360Assembler::Start(request);
  EXPECT_THAT(assembler, IsOk());
  return *std::move(assembler);
}

TEST(Customer360AssemblerTest, RefusesRequestsNamingTheField) {
  EXPECT_THAT(Customer360Assembler::Start(v1::GetCustomer360Request()),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("lookup")));
  v1::GetCustomer360Request request;
  request.set_source_key("no-slash");
  EXPECT_THAT(Customer360Assembler::Start(request),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("source_key")));
  request = ByEmail("");
  EXPECT_THAT(Customer360Assembler::Start(request),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("email")));
  request = ByEmail("a@example.com");
  request.set_orders_limit(101);
  EXPECT_THAT(Customer360Assembler::Start(request),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("orders_limit")));
  request.set_orders_limit(0);
  request.set_recommendations_limit(-1);
  EXPECT_THAT(Customer360Assembler::Start(request),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("recommendations_limit")));
}

TEST(Customer360AssemblerTest, ParsesTheSourceKeyLookup) {
  v1::GetCustomer360Request request;
  request.set_source_key("pos/17/a");
  Customer360Assembler assembler = Started(request);
  EXPECT_EQ(assembler.profile_request().lookup().source().system(), "pos");
  EXPECT_EQ(assembler.profile_request().lookup().source().id(), "17/a");
}

TEST(Customer360AssemblerTest, AProfileAsksEveryPartByItsIdAndMembers) {
  v1::GetCustomer360Request request = ByEmail("ada@example.com");
  request.set_orders_limit(3);
  Customer360Assembler assembler = Started(request);
  EXPECT_EQ(assembler.profile_request().lookup().email(), "ada@example.com");
  ASSERT_THAT(assembler.SetProfile(Profile("P1", 2)), IsOk());
  ASSERT_TRUE(assembler.consents_request().has_value());
  EXPECT_EQ(assembler.consents_request()->lookup().profile_id(), "P1");
  ASSERT_TRUE(assembler.analytics_request().has_value());
  EXPECT_EQ(assembler.analytics_request()->profile_id(), "P1");
  ASSERT_TRUE(assembler.orders_request().has_value());
  EXPECT_EQ(assembler.orders_request()->source_keys_size(), 2);
  EXPECT_EQ(assembler.orders_request()->limit(), 3);
  ASSERT_TRUE(assembler.recommend_request().has_value());
  EXPECT_EQ(assembler.recommend_request()->profile_id(), "P1");
  EXPECT_EQ(assembler.recommend_request()->k(), kDefaultCustomer360Items);
  EXPECT_TRUE(assembler.recommend_request()->respect_consent());
}

TEST(Customer360AssemblerTest, MergesEveryPartWithItsStatus) {
  Customer360Assembler assembler = Started(ByEmail("ada@example.com"));
  ASSERT_THAT(assembler.SetProfile(Profile("P1", 1)), IsOk());
  identity::v1::GetConsentsResponse consents;
  consents.add_current()->set_purpose(common::v1::CONSENT_PURPOSE_MARKETING_EMAIL);
  consents.add_history();  // Not part of the answer.
  assembler.SetConsents(consents);
  analytics::v1::GetCustomerAnalyticsResponse analytics;
  analytics.mutable_rfm()->set_segment("Champions");
  analytics.mutable_rfm()->set_r(5);
  analytics.set_rfm_model_version(3);
  analytics.set_strategy("reward them");
  analytics.set_cluster(2);
  analytics.set_cluster_model_version(4);
  assembler.SetAnalytics(analytics);
  analytics::v1::ListCustomerOrdersResponse orders;
  orders.add_orders()->set_order_id("o1");
  assembler.SetOrders(orders);
  recommender::v1::RecommendResponse recommend;
  recommend.add_items()->set_sku("sku-1");
  recommend.set_personalized(true);
  assembler.SetRecommendations(recommend);

  const v1::GetCustomer360Response response = std::move(assembler).Finish();
  EXPECT_EQ(response.profile().profile_id(), "P1");
  EXPECT_EQ(response.profile().golden().record().email(), "ada@example.com");
  ASSERT_EQ(response.consents_size(), 1);
  EXPECT_EQ(response.rfm().segment(), "Champions");
  EXPECT_EQ(response.rfm().r(), 5);
  EXPECT_EQ(response.rfm().strategy(), "reward them");
  EXPECT_EQ(response.rfm().cluster(), 2);
  EXPECT_EQ(response.rfm().cluster_model_version(), 4u);
  ASSERT_EQ(response.orders_size(), 1);
  ASSERT_EQ(response.recommendations_size(), 1);
  const v1::Customer360Status& status = response.status();
  for (const v1::PartStatus* part : {&status.profile(), &status.consents(), &status.rfm(),
                                     &status.orders(), &status.recommendations()}) {
    EXPECT_EQ(part->code(), v1::PartStatus::OK) << part->message();
  }
}

TEST(Customer360AssemblerTest, AFailedPartIsEmptyWithTheBackendsError) {
  Customer360Assembler assembler = Started(ByEmail("ada@example.com"));
  ASSERT_THAT(assembler.SetProfile(Profile("P1", 1)), IsOk());
  assembler.SetConsents(identity::v1::GetConsentsResponse());
  assembler.SetAnalytics(absl::FailedPreconditionError("no model yet"));
  assembler.SetOrders(analytics::v1::ListCustomerOrdersResponse());
  assembler.SetRecommendations(absl::UnavailableError("failed to connect to all addresses"));
  const v1::GetCustomer360Response response = std::move(assembler).Finish();
  EXPECT_FALSE(response.has_rfm());
  EXPECT_EQ(response.status().rfm().code(), v1::PartStatus::FAILED_PRECONDITION);
  EXPECT_EQ(response.status().rfm().message(), "analytics: no model yet");
  EXPECT_EQ(response.recommendations_size(), 0);
  EXPECT_EQ(response.status().recommendations().code(), v1::PartStatus::UNAVAILABLE);
  EXPECT_THAT(response.status().recommendations().message(), HasSubstr("recommender: "));
  EXPECT_EQ(response.status().profile().code(), v1::PartStatus::OK);
  EXPECT_EQ(response.status().orders().code(), v1::PartStatus::OK);
}

TEST(Customer360AssemblerTest, AnUnknownCustomerFailsTheCallWithoutItsPersonalData) {
  Customer360Assembler assembler = Started(ByEmail("ada@example.com"));
  absl::Status status =
      assembler.SetProfile(absl::NotFoundError("lookup: no profile with email ada@example.com"));
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kNotFound, HasSubstr("email")));
  EXPECT_THAT(std::string(status.message()), Not(HasSubstr("ada")));
}

TEST(Customer360AssemblerTest, WithoutIdentityAProfileIdLookupStillAsksAnalyticsAndTheRecommender) {
  v1::GetCustomer360Request request;
  request.set_profile_id("P7");
  Customer360Assembler assembler = Started(request);
  ASSERT_THAT(assembler.SetProfile(absl::UnavailableError("identity down")), IsOk());
  EXPECT_FALSE(assembler.consents_request().has_value());
  EXPECT_FALSE(assembler.orders_request().has_value());
  ASSERT_TRUE(assembler.analytics_request().has_value());
  EXPECT_EQ(assembler.analytics_request()->profile_id(), "P7");
  ASSERT_TRUE(assembler.recommend_request().has_value());
  EXPECT_EQ(assembler.recommend_request()->profile_id(), "P7");
  assembler.SetAnalytics(analytics::v1::GetCustomerAnalyticsResponse());
  assembler.SetRecommendations(recommender::v1::RecommendResponse());
  const v1::GetCustomer360Response response = std::move(assembler).Finish();
  EXPECT_EQ(response.status().profile().code(), v1::PartStatus::UNAVAILABLE);
  EXPECT_EQ(response.status().consents().code(), v1::PartStatus::UNAVAILABLE);
  EXPECT_EQ(response.status().orders().code(), v1::PartStatus::UNAVAILABLE);
  EXPECT_EQ(response.status().rfm().code(), v1::PartStatus::OK);
  EXPECT_EQ(response.status().recommendations().code(), v1::PartStatus::OK);
  EXPECT_THAT(response.status().recommendations().message(), HasSubstr("not personalized"));
}

TEST(Customer360AssemblerTest, WithoutIdentityASourceKeyLookupListsThatRecordsOrders) {
  v1::GetCustomer360Request request;
  request.set_source_key("shop/c9");
  Customer360Assembler assembler = Started(request);
  ASSERT_THAT(assembler.SetProfile(absl::DeadlineExceededError("slow")), IsOk());
  ASSERT_TRUE(assembler.orders_request().has_value());
  ASSERT_EQ(assembler.orders_request()->source_keys_size(), 1);
  EXPECT_EQ(assembler.orders_request()->source_keys(0).id(), "c9");
  EXPECT_EQ(assembler.analytics_request()->source_key().id(), "c9");
  EXPECT_EQ(assembler.recommend_request()->source_key().id(), "c9");
}

TEST(Customer360AssemblerTest, WithoutIdentityAnEmailLookupAnswersEveryPartWithTheError) {
  Customer360Assembler assembler = Started(ByEmail("ada@example.com"));
  ASSERT_THAT(assembler.SetProfile(absl::UnavailableError("identity down")), IsOk());
  EXPECT_FALSE(assembler.consents_request() || assembler.analytics_request() ||
               assembler.orders_request() || assembler.recommend_request());
  const v1::GetCustomer360Response response = std::move(assembler).Finish();
  const v1::Customer360Status& status = response.status();
  for (const v1::PartStatus* part : {&status.profile(), &status.consents(), &status.rfm(),
                                     &status.orders(), &status.recommendations()}) {
    EXPECT_EQ(part->code(), v1::PartStatus::UNAVAILABLE);
    EXPECT_THAT(part->message(), HasSubstr("identity: identity down"));
  }
}

TEST(Customer360AssemblerTest, ManyMembersListTheFirstOnesAndSaySo) {
  Customer360Assembler assembler = Started(ByEmail("ada@example.com"));
  ASSERT_THAT(assembler.SetProfile(Profile("P1", kMaxOrderSourceKeys + 5)), IsOk());
  EXPECT_EQ(assembler.orders_request()->source_keys_size(), kMaxOrderSourceKeys);
  assembler.SetOrders(analytics::v1::ListCustomerOrdersResponse());
  const v1::GetCustomer360Response response = std::move(assembler).Finish();
  EXPECT_THAT(response.status().orders().message(), HasSubstr("first 100 of 105"));
}

TEST(Customer360AssemblerTest, APartWhoseResultNeverCameIsInternal) {
  Customer360Assembler assembler = Started(ByEmail("ada@example.com"));
  ASSERT_THAT(assembler.SetProfile(Profile("P1", 1)), IsOk());
  const v1::GetCustomer360Response response = std::move(assembler).Finish();
  EXPECT_EQ(response.status().consents().code(), v1::PartStatus::INTERNAL);
  EXPECT_EQ(response.status().profile().code(), v1::PartStatus::OK);
}

TEST(Customer360AssemblerTest, OtherProfilesSharingTheEmailAreNamed) {
  Customer360Assembler assembler = Started(ByEmail("ada@example.com"));
  identity::v1::GetProfileResponse profile = Profile("P1", 1);
  profile.add_other_profile_ids("P9");
  ASSERT_THAT(assembler.SetProfile(profile), IsOk());
  const v1::GetCustomer360Response response = std::move(assembler).Finish();
  EXPECT_EQ(response.status().profile().code(), v1::PartStatus::OK);
  EXPECT_THAT(response.status().profile().message(), HasSubstr("P9"));
}

}  // namespace
}  // namespace clientele::gateway
