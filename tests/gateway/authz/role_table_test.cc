// The role table, table-driven: every method of every service in the protos has an entry, and
// every role gets, for every method, the decision written below. A new RPC without an entry
// (in the table and here) fails EveryMethodOfEveryServiceHasAnEntry.
#include "gateway/authz/role_table.h"

#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "clientele/analytics/v1/analytics.pb.h"
#include "clientele/common/v1/jobs.pb.h"
#include "clientele/gateway/v1/audit.pb.h"
#include "clientele/gateway/v1/customer.pb.h"
#include "clientele/gateway/v1/keys.pb.h"
#include "clientele/identity/v1/identity.pb.h"
#include "clientele/identity/v1/replication.pb.h"
#include "clientele/ingest/v1/ingest.pb.h"
#include "clientele/privacy/v1/privacy.pb.h"
#include "clientele/recommender/v1/recommender.pb.h"
#include "clientele/recommender/v1/recommender_replication.pb.h"
#include "common/testing/status_matchers.h"
#include "gmock/gmock.h"
#include "grpc/health/v1/health.pb.h"
#include "gtest/gtest.h"

namespace clientele::gateway {
namespace {

using ::clientele::testing::IsOk;
using ::clientele::testing::StatusIs;
using ::testing::HasSubstr;

// Every proto file whose services the gateway serves, through one message of each (which
// also links the file into the generated pool).
std::vector<const google::protobuf::FileDescriptor*> ServedProtoFiles() {
  return {
      ingest::v1::IngestRequest::descriptor()->file(),
      identity::v1::GetProfileRequest::descriptor()->file(),
      identity::v1::StreamChangesRequest::descriptor()->file(),
      analytics::v1::ListSegmentsRequest::descriptor()->file(),
      recommender::v1::RecommendRequest::descriptor()->file(),
      recommender::v1::WatchModelRequest::descriptor()->file(),
      common::v1::StartJobRequest::descriptor()->file(),
      gateway::v1::CreateKeyRequest::descriptor()->file(),
      gateway::v1::ListPiiAuditRequest::descriptor()->file(),
      gateway::v1::GetCustomer360Request::descriptor()->file(),
      privacy::v1::EraseSubjectRequest::descriptor()->file(),
      ::grpc::health::v1::HealthCheckRequest::descriptor()->file(),
  };
}

// Methods of services whose protos are not in this tree yet (or not linked here), by name.
const std::vector<std::string>& MethodsByName() {
  static const auto* methods = new std::vector<std::string>{
      "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo",
  };
  return *methods;
}

std::vector<std::string> EveryServedMethod() {
  std::vector<std::string> methods = MethodsByName();
  for (const google::protobuf::FileDescriptor* file : ServedProtoFiles()) {
    for (int s = 0; s < file->service_count(); ++s) {
      const google::protobuf::ServiceDescriptor* service = file->service(s);
      for (int m = 0; m < service->method_count(); ++m) {
        methods.push_back("/" + service->full_name() + "/" + service->method(m)->name());
      }
    }
  }
  return methods;
}

const std::vector<std::string> kKeyRoles = {"admin",  "steward",   "marketer",          "analyst",
                                            "ingest", "scheduler", "recommender-client"};

// The decisions: for each method, the roles that may call it besides admin and component
// (which may call every method). "*": every role; "public": anyone, without credentials.
const std::map<std::string, std::set<std::string>>& Expected() {
  static const auto* expected = new std::map<std::string, std::set<std::string>>{
      {"/grpc.health.v1.Health/Check", {"public"}},
      {"/grpc.health.v1.Health/Watch", {"public"}},
      {"/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo", {"*"}},

      {"/clientele.ingest.v1.IngestService/Ingest", {"ingest"}},
      {"/clientele.ingest.v1.IngestService/IngestStream", {"ingest"}},
      {"/clientele.ingest.v1.IngestService/Subscribe", {}},
      {"/clientele.ingest.v1.IngestService/GetLogInfo", {}},
      {"/clientele.ingest.v1.IngestService/ListRejected", {}},
      {"/clientele.ingest.v1.IngestService/CommitProgress", {}},
      {"/clientele.ingest.v1.IngestService/RemoveConsumer", {}},

      {"/clientele.identity.v1.IdentityService/Resolve", {"steward"}},
      {"/clientele.identity.v1.IdentityService/GetProfile", {"steward", "marketer"}},
      {"/clientele.identity.v1.IdentityService/ListProfiles", {"steward", "marketer"}},
      {"/clientele.identity.v1.IdentityService/ListMembers", {"steward", "marketer"}},
      {"/clientele.identity.v1.IdentityService/MergeProfiles", {"steward"}},
      {"/clientele.identity.v1.IdentityService/SplitProfile", {"steward"}},
      {"/clientele.identity.v1.IdentityService/GetAudit", {"steward"}},
      {"/clientele.identity.v1.IdentityService/ExplainMatch", {"steward"}},
      {"/clientele.identity.v1.IdentityService/GetProfileMap", {}},
      {"/clientele.identity.v1.IdentityService/GetConsents", {"steward", "marketer"}},
      {"/clientele.identity.v1.IdentityService/ListByConsent", {"steward", "marketer"}},
      {"/clientele.identity.v1.IdentityReplication/StreamChanges", {}},
      {"/clientele.identity.v1.IdentityReplication/StreamSnapshot", {}},
      {"/clientele.identity.v1.IdentityReplication/GetChangePosition", {}},

      {"/clientele.analytics.v1.AnalyticsService/GetCustomerAnalytics", {"analyst", "marketer"}},
      {"/clientele.analytics.v1.AnalyticsService/ListSegments", {"analyst", "marketer"}},
      {"/clientele.analytics.v1.AnalyticsService/ListCustomersInSegment", {"analyst", "marketer"}},
      {"/clientele.analytics.v1.AnalyticsService/GetModel", {"analyst"}},
      {"/clientele.analytics.v1.AnalyticsService/PredictCluster", {"analyst"}},
      {"/clientele.analytics.v1.AnalyticsService/ListRfm", {"analyst", "marketer"}},
      {"/clientele.analytics.v1.AnalyticsService/ListCustomerOrders", {"analyst", "marketer"}},

      {"/clientele.recommender.v1.RecommenderService/Recommend",
       {"recommender-client", "marketer"}},
      {"/clientele.recommender.v1.RecommenderService/SimilarItems",
       {"recommender-client", "marketer"}},
      {"/clientele.recommender.v1.RecommenderService/CompleteBasket",
       {"recommender-client", "marketer"}},
      {"/clientele.recommender.v1.RecommenderService/ListRules", {"analyst"}},
      {"/clientele.recommender.v1.RecommenderService/GetModelInfo", {"analyst"}},
      {"/clientele.recommender.v1.RecommenderService/PutItemVectors", {}},
      {"/clientele.recommender.v1.RecommenderReplication/WatchModel", {}},
      {"/clientele.recommender.v1.RecommenderReplication/AckModel", {}},
      {"/clientele.recommender.v1.RecommenderReplication/KnowsCustomer", {}},

      {"/clientele.common.v1.JobService/StartJob", {"scheduler"}},
      {"/clientele.common.v1.JobService/GetJob", {"scheduler"}},
      {"/clientele.common.v1.JobService/ListJobs", {"scheduler"}},
      {"/clientele.common.v1.JobService/CancelJob", {"scheduler"}},
      {"/clientele.common.v1.JobService/WatchJob", {"scheduler"}},
      {"/clientele.common.v1.JobService/WaitJob", {"scheduler"}},

      {"/clientele.gateway.v1.KeyService/CreateKey", {}},
      {"/clientele.gateway.v1.KeyService/ListKeys", {}},
      {"/clientele.gateway.v1.KeyService/RevokeKey", {}},
      {"/clientele.gateway.v1.AuditService/ListPiiAudit", {"steward"}},
      {"/clientele.gateway.v1.CustomerService/GetCustomer360", {"steward", "marketer"}},

      {"/clientele.privacy.v1.PrivacyService/EraseSubject", {"steward"}},
      {"/clientele.privacy.v1.PrivacyService/GetPrivacyRequest", {"steward"}},
      {"/clientele.privacy.v1.PrivacyService/ListPrivacyRequests", {"steward"}},
      {"/clientele.privacy.v1.PrivacyService/ExportSubject", {"steward"}},
      {"/clientele.privacy.v1.PrivacyService/ListSuppressions", {"steward"}},
      {"/clientele.privacy.v1.PrivacyService/LiftSuppression", {}},
      {"/clientele.privacy.v1.IngestPrivacy/EraseSubjectData", {}},
      {"/clientele.privacy.v1.IngestPrivacy/ListSuppressions", {}},
      {"/clientele.privacy.v1.IngestPrivacy/LiftSuppression", {}},
      {"/clientele.privacy.v1.IngestPrivacy/GetSubjectKeys", {}},
      {"/clientele.privacy.v1.IdentityPrivacy/ResolveSubject", {}},
      {"/clientele.privacy.v1.IdentityPrivacy/EraseSubjectData", {}},
      {"/clientele.privacy.v1.IdentityPrivacy/ExportSubjectData", {}},
      {"/clientele.privacy.v1.AnalyticsPrivacy/EraseSubjectData", {}},
      {"/clientele.privacy.v1.AnalyticsPrivacy/ExportSubjectData", {}},
      {"/clientele.privacy.v1.RecommenderPrivacy/EraseSubjectData", {}},
      {"/clientele.privacy.v1.RecommenderPrivacy/ExportSubjectData", {}},
  };
  return *expected;
}

bool ExpectedDecision(const std::string& method, const std::string& role) {
  const std::set<std::string>& roles = Expected().at(method);
  return role == "admin" || role == "component" || roles.count("*") || roles.count("public") ||
         roles.count(role);
}

TEST(RoleTableTest, EveryMethodOfEveryServiceHasAnEntry) {
  const RoleTable& table = RoleTable::Default();
  for (const std::string& method : EveryServedMethod()) {
    EXPECT_TRUE(table.Knows(method)) << method << " has no row in gateway/authz/role_table.cc";
    EXPECT_TRUE(Expected().count(method)) << method << " has no expected decisions in this test";
  }
}

TEST(RoleTableTest, TheTableHoldsExactlyTheServedMethods) {
  std::vector<std::string> served = EveryServedMethod();
  std::sort(served.begin(), served.end());
  EXPECT_EQ(RoleTable::Default().Methods(), served);
  EXPECT_EQ(Expected().size(), served.size());
}

TEST(RoleTableTest, EveryRoleGetsTheExpectedDecisionForEveryMethod) {
  const RoleTable& table = RoleTable::Default();
  ASSERT_EQ(table.roles().size(), kKeyRoles.size() + 1);  // And "component".
  for (const auto& [method, roles] : Expected()) {
    for (const RoleInfo& role : table.roles()) {
      SCOPED_TRACE(method + " for " + role.name);
      const bool allowed = ExpectedDecision(method, role.name);
      EXPECT_EQ(table.Allows(role.name, method), allowed);
      if (allowed) {
        EXPECT_THAT(table.Authorize(role.name, method), IsOk());
      } else {
        EXPECT_THAT(table.Authorize(role.name, method),
                    StatusIs(absl::StatusCode::kPermissionDenied,
                             HasSubstr("role '" + role.name + "' may not call " + method)));
      }
    }
    EXPECT_EQ(table.IsPublic(method), roles.count("public") == 1) << method;
  }
}

TEST(RoleTableTest, TheRolesAreExactlyTheDocumentedOnes) {
  EXPECT_EQ(RoleTable::Default().KeyRoles(),
            (std::vector<std::string>{"admin", "steward", "marketer", "analyst", "ingest",
                                      "recommender-client", "scheduler"}));
  EXPECT_TRUE(RoleTable::Default().IsRole("component"));
  EXPECT_FALSE(RoleTable::Default().IsRole("root"));
}

TEST(RoleTableTest, UnknownRolesAndMethodsAreDenied) {
  const RoleTable& table = RoleTable::Default();
  EXPECT_THAT(table.Authorize("root", "/clientele.identity.v1.IdentityService/GetProfile"),
              StatusIs(absl::StatusCode::kPermissionDenied, HasSubstr("role 'root'")));
  EXPECT_THAT(table.Authorize("", "/clientele.identity.v1.IdentityService/GetProfile"),
              StatusIs(absl::StatusCode::kPermissionDenied, HasSubstr("role ''")));
  for (const std::string& role : kKeyRoles) {
    EXPECT_THAT(table.Authorize(role, "/clientele.identity.v1.IdentityService/DropEverything"),
                StatusIs(absl::StatusCode::kPermissionDenied, HasSubstr("DropEverything")));
  }
  EXPECT_FALSE(table.Knows("/clientele.identity.v1.IdentityService/DropEverything"));
}

TEST(RoleTableTest, OnlyAdminStewardAndComponentsReadPii) {
  const RoleTable& table = RoleTable::Default();
  for (const RoleInfo& role : table.roles()) {
    const bool reads = role.name == "admin" || role.name == "steward" || role.name == "component";
    EXPECT_EQ(table.HasPermission(role.name, kPiiRead), reads) << role.name;
    EXPECT_FALSE(table.HasPermission(role.name, "pii:write")) << role.name;
  }
  EXPECT_FALSE(table.HasPermission("root", kPiiRead));
}

std::string SecurityDoc() {
  std::ifstream file(std::string(CLT_TEST_DATA_DIR) + "/../../docs/security.md");
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

TEST(RoleTableTest, TheSecurityDocListsEveryRole) {
  const std::string doc = SecurityDoc();
  ASSERT_FALSE(doc.empty()) << "docs/security.md is missing";
  for (const RoleInfo& role : RoleTable::Default().roles()) {
    EXPECT_THAT(doc, HasSubstr("\n| `" + role.name + "` |")) << "roles table row of " << role.name;
  }
  EXPECT_THAT(doc, HasSubstr("\n## TLS\n"));
  EXPECT_THAT(doc, HasSubstr("\n## Audit of PII reads\n"));
}

TEST(RoleTableTest, TheSecurityDocShowsTheTableAsItIs) {
  const std::string table = RoleTable::Default().MethodsMarkdown();
  EXPECT_THAT(SecurityDoc(), HasSubstr(table))
      << "docs/security.md's methods table differs from gateway/authz/role_table.cc; paste:\n"
      << table;
}

}  // namespace
}  // namespace clientele::gateway
