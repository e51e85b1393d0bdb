// DefaultCallPolicy over real keys (RocksDB), the real role table and a rate limiter on a fake
// clock, with a fake PII step and audit sink: the order of the checks, components, --auth=none,
// masking for roles without pii:read and audit entries for those with it.
#include "gateway/default_call_policy.h"

#include <atomic>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "clientele/identity/v1/identity.pb.h"
#include "clientele/recommender/v1/recommender.pb.h"
#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"
#include "gateway/gateway_store.h"
#include "gateway/ratelimit/retry_delay.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace clientele::gateway {
namespace {

using ::clientele::testing::IsOk;
using ::clientele::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr char kGetProfile[] = "/clientele.identity.v1.IdentityService/GetProfile";
constexpr char kMerge[] = "/clientele.identity.v1.IdentityService/MergeProfiles";
constexpr char kRecommend[] = "/clientele.recommender.v1.RecommenderService/Recommend";
constexpr char kPutVectors[] = "/clientele.recommender.v1.RecommenderService/PutItemVectors";
constexpr char kHealth[] = "/grpc.health.v1.Health/Check";

// A PII step that says GetProfileResponse carries PII, "masks" by clearing the profile id
// list, and reports profile "P1" with field "email" whenever the profile is set.
struct FakePii {
  std::atomic<int> may_carry_calls{0};
  std::atomic<int> masked{0};

  PiiStep Step() {
    PiiStep step;
    step.may_carry_pii = [this](const google::protobuf::Descriptor* type) {
      may_carry_calls.fetch_add(1);
      return type == identity::v1::GetProfileResponse::descriptor();
    };
    step.mask_pii = [this](google::protobuf::Message& message) {
      masked.fetch_add(1);
      PiiReport report = Report(message);
      static_cast<identity::v1::GetProfileResponse&>(message).clear_other_profile_ids();
      return report;
    };
    step.find_pii = [](const google::protobuf::Message& message) { return Report(message); };
    return step;
  }
  static PiiReport Report(const google::protobuf::Message& message) {
    PiiReport report;
    const auto& response = static_cast<const identity::v1::GetProfileResponse&>(message);
    if (response.has_profile()) {
      report.fields = {"email"};
      report.profile_ids = {"P1"};
    }
    return report;
  }
};

class DefaultCallPolicyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::unique_ptr<storage::KvStore>> kv = OpenGatewayStore(dir_.path());
    ASSERT_THAT(kv, IsOk());
    kv_ = *std::move(kv);
    KeyStoreOptions options;
    options.roles = RoleTable::Default().KeyRoles();
    absl::StatusOr<std::unique_ptr<KeyStore>> keys =
        KeyStore::Open(kv_.get(), kKeysColumnFamily, options);
    ASSERT_THAT(keys, IsOk());
    keys_ = *std::move(keys);
    authenticator_ = std::make_unique<Authenticator>(keys_.get());
    RateLimiterOptions limits;
    limits.default_rps = 1000;
    limits.now = [this] { return now_; };
    limiter_ = std::make_unique<RateLimiter>(limits);
    policy_ = MakePolicy(AuthMode::kRequired);
  }

  std::unique_ptr<DefaultCallPolicy> MakePolicy(AuthMode mode) {
    DefaultCallPolicyOptions options;
    options.auth_mode = mode;
    return std::make_unique<DefaultCallPolicy>(
        authenticator_.get(), &RoleTable::Default(), limiter_.get(), pii_.Step(),
        [this](const PiiRead& read) {
          absl::MutexLock lock(&mu_);
          if (!audit_status_.ok()) return audit_status_;
          audited_.push_back(read);
          return absl::OkStatus();
        },
        options);
  }

  // "Bearer <key>" of a new key.
  std::string Bearer(const std::string& role, double rps = 0) {
    KeySpec spec;
    spec.name = role + "-key";
    spec.role = role;
    spec.rps = rps;
    absl::StatusOr<NewKey> key = keys_->CreateKey(spec);
    EXPECT_THAT(key, IsOk());
    key_ids_[role] = key->info.key_id();
    return "Bearer " + key->key;
  }

  absl::StatusOr<Caller> Admit(const std::string& authorization, const std::string& method,
                               const std::string& certificate = "") {
    CallCredentials credentials;
    credentials.authorization = authorization;
    credentials.certificate_identity = certificate;
    return policy_->Admit(credentials, method);
  }

  static identity::v1::GetProfileResponse ProfileResponse() {
    identity::v1::GetProfileResponse response;
    response.mutable_profile();
    response.add_other_profile_ids("P2");
    return response;
  }

  clientele::testing::TempDir dir_;
  absl::Time now_ = absl::FromUnixSeconds(1'800'000'000);
  std::unique_ptr<storage::KvStore> kv_;
  std::unique_ptr<KeyStore> keys_;
  std::unique_ptr<Authenticator> authenticator_;
  std::unique_ptr<RateLimiter> limiter_;
  FakePii pii_;
  absl::Mutex mu_;
  absl::Status audit_status_ ABSL_GUARDED_BY(mu_);
  std::vector<PiiRead> audited_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, std::string> key_ids_;
  std::unique_ptr<DefaultCallPolicy> policy_;
};

TEST_F(DefaultCallPolicyTest, AKeyIsAdmittedToTheMethodsOfItsRoleOnly) {
  const std::string marketer = Bearer("marketer");
  absl::StatusOr<Caller> caller = Admit(marketer, kGetProfile);
  ASSERT_THAT(caller, IsOk());
  EXPECT_EQ(caller->role, "marketer");
  EXPECT_EQ(caller->key_id, key_ids_["marketer"]);
  EXPECT_EQ(caller->name, "marketer-key");
  EXPECT_FALSE(caller->component);
  EXPECT_THAT(Admit(marketer, kMerge),
              StatusIs(absl::StatusCode::kPermissionDenied,
                       HasSubstr("role 'marketer' may not call " + std::string(kMerge))));
  EXPECT_THAT(Admit(Bearer("steward"), kMerge), IsOk());
}

TEST_F(DefaultCallPolicyTest, CallsWithoutValidCredentialsAreUnauthenticated) {
  EXPECT_THAT(Admit("", kGetProfile), StatusIs(absl::StatusCode::kUnauthenticated, HasSubstr("")));
  EXPECT_THAT(Admit("Bearer clt_garbage", kGetProfile),
              StatusIs(absl::StatusCode::kUnauthenticated, HasSubstr("")));
  // Even for a method no role may call: authentication comes first.
  EXPECT_THAT(Admit("", "/x.Y/Z"), StatusIs(absl::StatusCode::kUnauthenticated, HasSubstr("")));
}

TEST_F(DefaultCallPolicyTest, HealthNeedsNoCredentials) {
  absl::StatusOr<Caller> caller = Admit("", kHealth);
  ASSERT_THAT(caller, IsOk());
  EXPECT_EQ(caller->name, "anonymous");
  EXPECT_TRUE(caller->role.empty());
  EXPECT_THAT(Admit("Bearer nonsense", kHealth), IsOk());
}

TEST_F(DefaultCallPolicyTest, ComponentsMayCallEveryMethodUnlimitedAndUnfiltered) {
  for (const char* method : {kGetProfile, kMerge, kPutVectors, "/x.Unknown/Method"}) {
    absl::StatusOr<Caller> caller = Admit("", method, "analytics");
    ASSERT_THAT(caller, IsOk()) << method;
    EXPECT_TRUE(caller->component);
    EXPECT_EQ(caller->name, "analytics");
  }
  Caller component;
  component.component = true;
  component.role = "component";
  EXPECT_FALSE(policy_->InspectsResponses(component, kGetProfile));
  identity::v1::GetProfileResponse response = ProfileResponse();
  EXPECT_THAT(policy_->FilterResponse(component, kGetProfile, response), IsOk());
  EXPECT_EQ(response.other_profile_ids_size(), 1);
  EXPECT_EQ(pii_.masked.load(), 0);
  absl::MutexLock lock(&mu_);
  EXPECT_TRUE(audited_.empty());
}

TEST_F(DefaultCallPolicyTest, OverTheKeysRateTheCallIsRefusedWithARetryDelay) {
  const std::string client = Bearer("recommender-client", 2);
  EXPECT_THAT(Admit(client, kRecommend), IsOk());
  EXPECT_THAT(Admit(client, kRecommend), IsOk());
  absl::StatusOr<Caller> refused = Admit(client, kRecommend);
  EXPECT_THAT(refused, StatusIs(absl::StatusCode::kResourceExhausted, HasSubstr("retry after")));
  EXPECT_EQ(RetryDelay(refused.status()), absl::Milliseconds(500));
  now_ += absl::Milliseconds(500);
  EXPECT_THAT(Admit(client, kRecommend), IsOk());
  // Another key is not affected.
  EXPECT_THAT(Admit(Bearer("recommender-client", 2), kRecommend), IsOk());
}

TEST_F(DefaultCallPolicyTest, RevokedKeysAreUnauthenticatedAtOnce) {
  const std::string marketer = Bearer("marketer");
  ASSERT_THAT(Admit(marketer, kGetProfile), IsOk());
  ASSERT_THAT(keys_->RevokeKey(key_ids_["marketer"]), IsOk());
  EXPECT_THAT(Admit(marketer, kGetProfile),
              StatusIs(absl::StatusCode::kUnauthenticated, HasSubstr("")));
}

TEST_F(DefaultCallPolicyTest, AuthNoneAdmitsEveryCallAsAdmin) {
  policy_ = MakePolicy(AuthMode::kNone);
  for (const char* method : {kGetProfile, kMerge, kPutVectors}) {
    absl::StatusOr<Caller> caller = Admit("", method);
    ASSERT_THAT(caller, IsOk());
    EXPECT_EQ(caller->role, "admin");
    EXPECT_EQ(caller->name, "anonymous");
    EXPECT_FALSE(caller->component);
  }
  EXPECT_THAT(Admit("Bearer nonsense", kGetProfile), IsOk());
}

TEST_F(DefaultCallPolicyTest, ResponsesAreInspectedWhenTheirTypeMayCarryPii) {
  Caller marketer;
  marketer.role = "marketer";
  EXPECT_TRUE(policy_->InspectsResponses(marketer, kGetProfile));
  EXPECT_FALSE(policy_->InspectsResponses(marketer, kRecommend));
  EXPECT_FALSE(policy_->InspectsResponses(marketer, "/x.Unknown/Method"));
  EXPECT_FALSE(policy_->InspectsResponses(marketer, "not a method"));
  Caller admin;
  admin.role = "admin";
  EXPECT_TRUE(policy_->InspectsResponses(admin, kGetProfile));
  // The answer per method is worked out once.
  const int calls = pii_.may_carry_calls.load();
  EXPECT_TRUE(policy_->InspectsResponses(marketer, kGetProfile));
  EXPECT_FALSE(policy_->InspectsResponses(marketer, kRecommend));
  EXPECT_EQ(pii_.may_carry_calls.load(), calls);
}

TEST_F(DefaultCallPolicyTest, RolesWithoutPiiReadGetMaskedResponsesAndNoAudit) {
  Caller marketer;
  marketer.role = "marketer";
  marketer.key_id = "key-1";
  identity::v1::GetProfileResponse response = ProfileResponse();
  ASSERT_THAT(policy_->FilterResponse(marketer, kGetProfile, response), IsOk());
  EXPECT_EQ(pii_.masked.load(), 1);
  EXPECT_EQ(response.other_profile_ids_size(), 0);
  absl::MutexLock lock(&mu_);
  EXPECT_TRUE(audited_.empty());
}

TEST_F(DefaultCallPolicyTest, UnmaskedPiiReadsAreAudited) {
  Caller steward;
  steward.role = "steward";
  steward.key_id = "key-0123456789abcdef";
  steward.name = "data-team";
  identity::v1::GetProfileResponse response = ProfileResponse();
  ASSERT_THAT(policy_->FilterResponse(steward, kGetProfile, response), IsOk());
  EXPECT_EQ(pii_.masked.load(), 0);
  EXPECT_EQ(response.other_profile_ids_size(), 1);
  // A response without PII leaves no entry.
  identity::v1::GetProfileResponse empty;
  ASSERT_THAT(policy_->FilterResponse(steward, kGetProfile, empty), IsOk());
  absl::MutexLock lock(&mu_);
  ASSERT_EQ(audited_.size(), 1u);
  const PiiRead& read = audited_[0];
  EXPECT_EQ(read.key_id, "key-0123456789abcdef");
  EXPECT_EQ(read.key_name, "data-team");
  EXPECT_EQ(read.role, "steward");
  EXPECT_EQ(read.method, kGetProfile);
  EXPECT_THAT(read.profile_ids, ElementsAre("P1"));
  EXPECT_THAT(read.fields, ElementsAre("email"));
  EXPECT_NE(read.time, absl::Time());
}

TEST_F(DefaultCallPolicyTest, AResponseWhoseAuditEntryFailsMustNotBeSent) {
  {
    absl::MutexLock lock(&mu_);
    audit_status_ = absl::InternalError("disk full");
  }
  Caller admin;
  admin.role = "admin";
  identity::v1::GetProfileResponse response = ProfileResponse();
  EXPECT_THAT(policy_->FilterResponse(admin, kGetProfile, response),
              StatusIs(absl::StatusCode::kUnavailable, HasSubstr("audit")));
}

TEST(ParseAuthModeTest, NamesTheFlag) {
  EXPECT_EQ(ParseAuthMode("required").value(), AuthMode::kRequired);
  EXPECT_EQ(ParseAuthMode("none").value(), AuthMode::kNone);
  EXPECT_THAT(ParseAuthMode("off"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("--auth: 'off'")));
}

}  // namespace
}  // namespace clientele::gateway
