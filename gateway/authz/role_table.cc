#include "gateway/authz/role_table.h"

#include <algorithm>
#include <initializer_list>

#include "absl/strings/str_cat.h"
#include "common/status/status_macros.h"

namespace clientele::gateway {
namespace {

// Debian's abseil has its own string_view type: std::string_view converts explicitly.
absl::string_view Sv(std::string_view text) { return absl::string_view(text.data(), text.size()); }

// Every role. admin and component may call every method of the table; the others only the
// methods whose rows name them.
const char kAdmin[] = "admin";
const char kSteward[] = "steward";
const char kMarketer[] = "marketer";
const char kAnalyst[] = "analyst";
const char kIngest[] = "ingest";
const char kRecommenderClient[] = "recommender-client";
const char kScheduler[] = "scheduler";
const char kComponent[] = "component";

// Row markers: every authenticated caller; anyone, without credentials.
const char kEveryRole[] = "*";
const char kPublic[] = "public";

struct Row {
  const char* method;
  std::initializer_list<const char*> roles;  // Besides admin and component.
};

// The table. A new RPC must get a row here (role_table_test fails until it has one).
const Row kRows[] = {
    // Health probes: answered for anyone. Reflection: for every authenticated caller.
    {"/grpc.health.v1.Health/Check", {kPublic}},
    {"/grpc.health.v1.Health/Watch", {kPublic}},
    {"/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo", {kEveryRole}},

    // Ingest: writes for the ingest role; the log itself (Subscribe, consumer offsets) is
    // for components and admin.
    {"/clientele.ingest.v1.IngestService/Ingest", {kIngest}},
    {"/clientele.ingest.v1.IngestService/IngestStream", {kIngest}},
    {"/clientele.ingest.v1.IngestService/Subscribe", {}},
    {"/clientele.ingest.v1.IngestService/GetLogInfo", {}},
    {"/clientele.ingest.v1.IngestService/ListRejected", {}},
    {"/clientele.ingest.v1.IngestService/CommitProgress", {}},
    {"/clientele.ingest.v1.IngestService/RemoveConsumer", {}},

    // Identity: stewards curate profiles (PII, merge/split, audit, consents); marketers read
    // profiles (masked) and consents.
    {"/clientele.identity.v1.IdentityService/Resolve", {kSteward}},
    {"/clientele.identity.v1.IdentityService/GetProfile", {kSteward, kMarketer}},
    {"/clientele.identity.v1.IdentityService/ListProfiles", {kSteward, kMarketer}},
    {"/clientele.identity.v1.IdentityService/ListMembers", {kSteward, kMarketer}},
    {"/clientele.identity.v1.IdentityService/MergeProfiles", {kSteward}},
    {"/clientele.identity.v1.IdentityService/SplitProfile", {kSteward}},
    {"/clientele.identity.v1.IdentityService/GetAudit", {kSteward}},
    {"/clientele.identity.v1.IdentityService/ExplainMatch", {kSteward}},
    {"/clientele.identity.v1.IdentityService/GetProfileMap", {}},
    {"/clientele.identity.v1.IdentityService/GetConsents", {kSteward, kMarketer}},
    {"/clientele.identity.v1.IdentityService/ListByConsent", {kSteward, kMarketer}},
    {"/clientele.identity.v1.IdentityReplication/StreamChanges", {}},
    {"/clientele.identity.v1.IdentityReplication/StreamSnapshot", {}},
    {"/clientele.identity.v1.IdentityReplication/GetChangePosition", {}},

    // Analytics: analysts read everything; marketers read segments and RFM.
    {"/clientele.analytics.v1.AnalyticsService/GetCustomerAnalytics", {kAnalyst, kMarketer}},
    {"/clientele.analytics.v1.AnalyticsService/ListSegments", {kAnalyst, kMarketer}},
    {"/clientele.analytics.v1.AnalyticsService/ListCustomersInSegment", {kAnalyst, kMarketer}},
    {"/clientele.analytics.v1.AnalyticsService/GetModel", {kAnalyst}},
    {"/clientele.analytics.v1.AnalyticsService/PredictCluster", {kAnalyst}},
    {"/clientele.analytics.v1.AnalyticsService/ListRfm", {kAnalyst, kMarketer}},
    {"/clientele.analytics.v1.AnalyticsService/ListCustomerOrders", {kAnalyst, kMarketer}},

    // Recommender: serving for recommender clients and marketers; the model's rules and
    // info for analysts; loading vectors for admin.
    {"/clientele.recommender.v1.RecommenderService/Recommend", {kRecommenderClient, kMarketer}},
    {"/clientele.recommender.v1.RecommenderService/SimilarItems", {kRecommenderClient, kMarketer}},
    {"/clientele.recommender.v1.RecommenderService/CompleteBasket",
     {kRecommenderClient, kMarketer}},
    {"/clientele.recommender.v1.RecommenderService/ListRules", {kAnalyst}},
    {"/clientele.recommender.v1.RecommenderService/GetModelInfo", {kAnalyst}},
    {"/clientele.recommender.v1.RecommenderService/PutItemVectors", {}},
    // The trainer's model stream to serving replicas: internal.
    {"/clientele.recommender.v1.RecommenderReplication/WatchModel", {}},
    {"/clientele.recommender.v1.RecommenderReplication/AckModel", {}},
    {"/clientele.recommender.v1.RecommenderReplication/KnowsCustomer", {}},

    // Jobs of every service: the scheduler starts, follows and cancels them.
    {"/clientele.common.v1.JobService/StartJob", {kScheduler}},
    {"/clientele.common.v1.JobService/GetJob", {kScheduler}},
    {"/clientele.common.v1.JobService/ListJobs", {kScheduler}},
    {"/clientele.common.v1.JobService/CancelJob", {kScheduler}},
    {"/clientele.common.v1.JobService/WatchJob", {kScheduler}},
    {"/clientele.common.v1.JobService/WaitJob", {kScheduler}},

    // The gateway's own services.
    {"/clientele.gateway.v1.KeyService/CreateKey", {}},
    {"/clientele.gateway.v1.KeyService/ListKeys", {}},
    {"/clientele.gateway.v1.KeyService/RevokeKey", {}},
    {"/clientele.gateway.v1.AuditService/ListPiiAudit", {kSteward}},
    {"/clientele.gateway.v1.CustomerService/GetCustomer360", {kSteward, kMarketer}},

    // Data subject rights: stewards erase and export; only admin lifts a suppression.
    {"/clientele.privacy.v1.PrivacyService/EraseSubject", {kSteward}},
    {"/clientele.privacy.v1.PrivacyService/GetPrivacyRequest", {kSteward}},
    {"/clientele.privacy.v1.PrivacyService/ListPrivacyRequests", {kSteward}},
    {"/clientele.privacy.v1.PrivacyService/ExportSubject", {kSteward}},
    {"/clientele.privacy.v1.PrivacyService/ListSuppressions", {kSteward}},
    {"/clientele.privacy.v1.PrivacyService/LiftSuppression", {}},
    // The components' parts of erasure and export: the gateway calls them as a component.
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

}  // namespace

RoleTable::RoleTable()
    : roles_{
          {kAdmin, "everything, including API keys; reads PII unmasked", true, true},
          {kSteward,
           "profiles with PII, merge and split, identity audit, consents, the PII audit, "
           "Customer 360 unmasked",
           true, true},
          {kMarketer,
           "profiles (masked), consents, segments and RFM, recommendations, Customer 360 "
           "(masked)",
           false, true},
          {kAnalyst, "analytics and the recommender's rules and model info (masked)", false, true},
          {kIngest, "Ingest and IngestStream only", false, true},
          {kRecommenderClient, "Recommend, SimilarItems, CompleteBasket", false, true},
          {kScheduler, "StartJob, GetJob, ListJobs, WatchJob, WaitJob, CancelJob", false, true},
          {kComponent,
           "another Clientele component (verified client certificate): every method, unmasked "
           "and unaudited",
           true, false},
      } {
  const uint32_t always = (1u << RoleIndex(kAdmin)) | (1u << RoleIndex(kComponent));
  const uint32_t every_role = (1u << roles_.size()) - 1;
  for (const Row& row : kRows) {
    Entry entry;
    entry.roles = always;
    for (std::string_view role : row.roles) {
      if (role == kPublic) {
        entry.is_public = true;
        entry.roles = every_role;
      } else if (role == kEveryRole) {
        entry.roles = every_role;
      } else {
        const int index = RoleIndex(role);
        CLT_CHECK(index >= 0);
        entry.roles |= 1u << index;
      }
    }
    CLT_CHECK(methods_.emplace(row.method, entry).second);
  }
}

const RoleTable& RoleTable::Default() {
  static const RoleTable* table = new RoleTable();
  return *table;
}

int RoleTable::RoleIndex(std::string_view role) const {
  for (size_t i = 0; i < roles_.size(); ++i) {
    if (roles_[i].name == role) return static_cast<int>(i);
  }
  return -1;
}

bool RoleTable::Allows(std::string_view role, std::string_view method) const {
  const int index = RoleIndex(role);
  if (index < 0) return false;
  auto it = methods_.find(Sv(method));
  return it != methods_.end() && (it->second.roles & (1u << index)) != 0;
}

absl::Status RoleTable::Authorize(std::string_view role, std::string_view method) const {
  if (Allows(role, method)) return absl::OkStatus();
  return absl::PermissionDeniedError(
      absl::StrCat("role '", Sv(role), "' may not call ", Sv(method)));
}

bool RoleTable::IsPublic(std::string_view method) const {
  auto it = methods_.find(Sv(method));
  return it != methods_.end() && it->second.is_public;
}

bool RoleTable::Knows(std::string_view method) const { return methods_.contains(Sv(method)); }

bool RoleTable::HasPermission(std::string_view role, std::string_view permission) const {
  const int index = RoleIndex(role);
  return index >= 0 && permission == kPiiRead && roles_[index].pii_read;
}

bool RoleTable::IsRole(std::string_view role) const { return RoleIndex(role) >= 0; }

std::vector<std::string> RoleTable::KeyRoles() const {
  std::vector<std::string> names;
  for (const RoleInfo& role : roles_) {
    if (role.key_role) names.push_back(role.name);
  }
  return names;
}

std::vector<std::string> RoleTable::Methods() const {
  std::vector<std::string> methods;
  methods.reserve(methods_.size());
  for (const auto& [method, entry] : methods_) methods.push_back(method);
  std::sort(methods.begin(), methods.end());
  return methods;
}

std::string RoleTable::MethodsMarkdown() const {
  const std::vector<std::string> key_roles = KeyRoles();
  std::string out = "| Method |";
  std::string rule = "| --- |";
  for (const std::string& role : key_roles) {
    absl::StrAppend(&out, " ", role, " |");
    rule += " --- |";
  }
  absl::StrAppend(&out, "\n", rule, "\n");
  for (const std::string& method : Methods()) {
    absl::StrAppend(&out, "| `", method, "` |");
    for (const std::string& role : key_roles) {
      absl::StrAppend(&out, IsPublic(method)       ? " anyone |"
                            : Allows(role, method) ? " yes |"
                                                   : " |");
    }
    out += "\n";
  }
  return out;
}

}  // namespace clientele::gateway
