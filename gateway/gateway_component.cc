#include "gateway/gateway_component.h"

#include <algorithm>
#include <array>
#include <string_view>
#include <utility>

#include "CLI/CLI.hpp"
#include "absl/strings/ascii.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "gateway/customer360/customer360_fanout.h"
#include "gateway/front/method_routes.h"
#include "gateway/gateway_store.h"
#include "gateway/pii/pii_guard.h"
#include "gateway/pii_audit_sink.h"
#include "gateway/pii_step.h"
#include "spdlog/spdlog.h"

namespace clientele::gateway {
namespace {

// The components whose calls the gateway forwards.
constexpr std::array<std::string_view, 4> kBackends = {"ingest", "identity", "analytics",
                                                       "recommender"};

}  // namespace

server::ComponentInfo GatewayComponent::Info() {
  return {"gateway", "the front door: authentication, authorization and routing of every call",
          /*address_help=*/"", [] { return std::make_unique<GatewayComponent>(); }};
}

void GatewayComponent::AddFlags(CLI::App& app) {
  app.add_option("--rate_limit_rps", rate_limit_rps_,
                 "Calls per second of an API key created without its own rate (token bucket; "
                 "0: no limit)")
      ->check(CLI::Range(0.0, 1e9))
      ->capture_default_str();
  app.add_option("--gateway_unary_threads", unary_threads_,
                 "Threads of the front: every public call is served on completion queues, one "
                 "per thread; the unary calls the gateway forwards each on one thread from "
                 "request to answer (0: one thread, and those calls through the generic front "
                 "like streams)")
      ->check(CLI::Range(0, 64))
      ->capture_default_str();
  app.add_option("--recommender_serving_addr", recommender_serving_addr_,
                 "host:port of the recommender's serving replicas (--services=recommender-serving, "
                 "e.g. a Kubernetes Service over them): Recommend, SimilarItems and "
                 "CompleteBasket go there, every other recommender call to --recommender_addr");
  app.add_option("--identity_replica_addr", identity_replica_addr_,
                 "host:port of identity read replicas, comma-separated (--services=gateway): "
                 "identity reads are spread over them, writes go to --identity_addr");
}

absl::Status GatewayComponent::Open(const server::ComponentEnvironment& env) {
  partition_count_ = env.partition_count;
  // One store, <data_dir>/gateway: the API keys, then the PII audit's column families, then
  // the privacy requests'.
  std::vector<storage::ColumnFamilySpec> families = PiiAuditColumnFamilySpecs();
  const storage::ColumnFamilyId first_privacy_family =
      kKeysColumnFamily + 1 + static_cast<storage::ColumnFamilyId>(families.size());
  for (storage::ColumnFamilySpec& spec : PrivacyColumnFamilySpecs()) families.push_back(spec);
  absl::StatusOr<std::unique_ptr<storage::KvStore>> store =
      OpenGatewayStore(env.data_dir, std::move(families));
  if (!store.ok()) return store.status();
  store_ = *std::move(store);
  absl::StatusOr<std::unique_ptr<PiiAuditLog>> audit_log =
      PiiAuditLog::Open(store_.get(), PiiAuditColumnFamilies::Starting(kKeysColumnFamily + 1));
  if (!audit_log.ok()) return audit_log.status();
  audit_log_ = *std::move(audit_log);
  absl::StatusOr<std::unique_ptr<PrivacyRequestStore>> privacy_requests = PrivacyRequestStore::Open(
      store_.get(), PrivacyColumnFamilies::Starting(first_privacy_family));
  if (!privacy_requests.ok()) return privacy_requests.status();
  privacy_requests_ = *std::move(privacy_requests);
  GatewaySecurityOptions options;
  options.store = store_.get();
  options.data_dir = env.data_dir;
  options.auth_mode = env.auth_required ? AuthMode::kRequired : AuthMode::kNone;
  options.rate_limit_rps = rate_limit_rps_;
  options.pii = PiiGuardStep();
  options.audit = AuditSinkOf(audit_log_.get());
  absl::StatusOr<std::unique_ptr<GatewaySecurity>> security = OpenGatewaySecurity(options);
  if (!security.ok()) return security.status();
  security_ = *std::move(security);
  if (security_->bootstrap_key_path) {
    spdlog::warn(
        "no API key existed: an admin key was written to {} (mode 0600); use it with "
        "--api-key-file or CLIENTELE_API_KEY, and revoke it once you have your own",
        *security_->bootstrap_key_path);
  }
  keys_ = std::make_unique<KeyServiceImpl>(security_->keys.get(), security_->limiter.get());
  audit_ = std::make_unique<AuditServiceImpl>(audit_log_.get());
  customers_ = std::make_unique<CustomerServiceImpl>();  // Answers once Start gives it backends.
  privacy_ = std::make_unique<PrivacyServiceImpl>(privacy_requests_.get(), audit_log_.get());
  return absl::OkStatus();
}

std::vector<grpc::Service*> GatewayComponent::services() {
  return {keys_.get(), audit_.get(), customers_.get(), privacy_.get()};
}

std::vector<std::string> GatewayComponent::health_names() const {
  return {"clientele.gateway.v1.KeyService", "clientele.gateway.v1.AuditService",
          "clientele.gateway.v1.CustomerService", "clientele.privacy.v1.PrivacyService"};
}

absl::Status GatewayComponent::Start(std::shared_ptr<const server::ComponentChannels> channels) {
  // Customer 360 asks the components directly (in-process or by address): the front has
  // admitted the call, and masks the assembled answer by the caller's role.
  customers_->Start(std::make_unique<Customer360Fanout>(
      Customer360Backends{channels->ChannelTo("identity"), channels->ChannelTo("analytics"),
                          channels->ChannelTo("recommender")}));
  // Erasure and export reach each component's privacy service the same way; ingest by the
  // node of each partition.
  PrivacyBackends privacy_backends;
  privacy_backends.identity = channels->ChannelTo("identity");
  privacy_backends.analytics = channels->ChannelTo("analytics");
  privacy_backends.recommender = channels->ChannelTo("recommender");
  privacy_backends.ingest = [channels](uint32_t partition) {
    return channels->ChannelTo("ingest", partition);
  };
  privacy_backends.partition_count = partition_count_;
  std::vector<std::shared_ptr<grpc::Channel>> identity_replicas;
  for (absl::string_view address :
       absl::StrSplit(identity_replica_addr_, ',', absl::SkipWhitespace())) {
    const std::string trimmed(absl::StripAsciiWhitespace(address));
    // Reads go to a replica only while its health is SERVING; erasures reach it regardless.
    identity_replicas.push_back(channels->ChannelToAddress(
        trimmed, "round_robin", "clientele.identity.v1.IdentityService"));
    privacy_backends.identity_replicas.push_back({trimmed, channels->ChannelToAddress(trimmed)});
  }
  if (absl::Status s = privacy_->Start(std::move(privacy_backends)); !s.ok()) return s;
  // The gateway runs here, so this is the in-process channel to this process's internal
  // server (the gateway's own services, reflection, and the components that run here).
  std::shared_ptr<grpc::Channel> local = channels->ChannelTo("gateway");
  bool all_here = true;
  for (std::string_view backend : kBackends) {
    all_here = all_here && channels->deployment().RunsHere(backend);
  }
  if (all_here && recommender_serving_addr_.empty()) {
    router_ = std::make_unique<front::LocalBackendRouter>(std::move(local));
  } else {
    std::shared_ptr<grpc::Channel> serving;
    if (!recommender_serving_addr_.empty()) {
      // Spread over the replicas (every address of a headless Service's name) whose health
      // is SERVING: a replica without a model snapshot yet gets no calls.
      serving = channels->ChannelToAddress(recommender_serving_addr_, "round_robin",
                                           "clientele.recommender.v1.RecommenderService");
    }
    auto split = std::make_unique<front::SplitBackendRouter>(std::move(channels), std::move(local),
                                                             partition_count_, std::move(serving));
    if (!identity_replicas.empty()) split->SetIdentityReplicas(std::move(identity_replicas));
    router_ = std::move(split);
  }
  front_ = std::make_unique<front::FrontService>(security_->policy.get(), router_.get());
  std::vector<front::UnaryMethod> unary_methods;
  if (unary_threads_ > 0) {
    std::vector<std::string> services = front::ComponentServices();
    for (const std::string& own : health_names()) services.push_back(own);
    unary_methods = front_->UnaryMethods(services);
  }
  unary_front_ = std::make_unique<front::UnaryFront>(security_->policy.get(), router_.get(),
                                                     std::move(unary_methods), front_.get(),
                                                     std::max(unary_threads_, 1));
  return absl::OkStatus();
}

void GatewayComponent::Drain() {
  if (privacy_ != nullptr) privacy_->Stop();
}

absl::Status GatewayComponent::Flush() {
  return store_ != nullptr ? store_->Flush() : absl::OkStatus();
}

}  // namespace clientele::gateway
