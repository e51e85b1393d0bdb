// The `gateway` component of clienteled: the system's front door. When it runs in a process
// (--services=all, the default, or --services=gateway), the process serves the components'
// services on an internal server without a port, and the public server on --listen answers
// health itself and passes every other call to the gateway's front (front/front_service.h):
// the call policy (default_call_policy.h: API keys, roles, rate limits, PII) admits it, and
// it is forwarded to the internal server (all components here) or, with --services=gateway,
// to the component that serves it by its address (--ingest_addr with {partition},
// --identity_addr, --analytics_addr, --recommender_addr). docs/gateway.md.
//
//   Open   the gateway's store (<data_dir>/gateway: API keys and the PII audit), the
//          bootstrap admin key (<data_dir>/bootstrap-admin.key, on the first start), the call
//          policy (PII masking by pii_guard.h, audit entries into the log), the gateway's own
//          services (KeyService, AuditService, CustomerService, PrivacyService)
//   Start  the Customer 360 fan-out, the privacy requests' runner, the router over the
//          component channels, and the front
//   Drain  stops the privacy requests' runner (a request in flight resumes at the next start)
//   unary_front() (the front on its queues) is registered on the public server by the process
//   (cmd/clienteled/main.cc).
#ifndef CLIENTELE_GATEWAY_GATEWAY_COMPONENT_H_
#define CLIENTELE_GATEWAY_GATEWAY_COMPONENT_H_

#include <memory>
#include <string>
#include <vector>

#include "common/server/component.h"
#include "common/server/component_registry.h"
#include "common/storage/kv_store.h"
#include "gateway/audit_service.h"
#include "gateway/customer_service.h"
#include "gateway/front/backend_router.h"
#include "gateway/front/front_service.h"
#include "gateway/front/unary_front.h"
#include "gateway/gateway_security.h"
#include "gateway/gateway_store.h"
#include "gateway/key_service.h"
#include "gateway/pii/pii_audit_log.h"
#include "gateway/privacy/privacy_request_store.h"
#include "gateway/privacy/privacy_service.h"

namespace clientele::gateway {

class GatewayComponent final : public server::Component {
 public:
  static server::ComponentInfo Info();

  void AddFlags(CLI::App& app) override;
  absl::Status Open(const server::ComponentEnvironment& env) override;
  std::vector<grpc::Service*> services() override;
  std::vector<std::string> health_names() const override;
  absl::Status Start(std::shared_ptr<const server::ComponentChannels> channels) override;
  void Drain() override;
  absl::Status Flush() override;
  std::vector<std::string> stores() const override { return {kGatewayStoreDir}; }

  // The front on its completion queues (front/unary_front.h: the unary path, the generic
  // front and health), to serve as the public server's ServerOptions::async_service. Valid
  // after Start, alive as long as the component.
  server::AsyncService* unary_front() { return unary_front_.get(); }

 private:
  double rate_limit_rps_ = 0;          // --rate_limit_rps
  int unary_threads_ = 1;              // --gateway_unary_threads
  std::string identity_replica_addr_;  // --identity_replica_addr
  uint32_t partition_count_ = 1;
  // --recommender_serving_addr: where Recommend, SimilarItems, CompleteBasket go (empty: the
  // recommender).
  std::string recommender_serving_addr_;
  std::unique_ptr<storage::KvStore> store_;
  std::unique_ptr<PiiAuditLog> audit_log_;  // In store_.
  std::unique_ptr<GatewaySecurity> security_;
  std::unique_ptr<KeyServiceImpl> keys_;
  std::unique_ptr<AuditServiceImpl> audit_;
  std::unique_ptr<CustomerServiceImpl> customers_;
  std::unique_ptr<PrivacyRequestStore> privacy_requests_;  // In store_.
  std::unique_ptr<PrivacyServiceImpl> privacy_;
  std::unique_ptr<front::BackendRouter> router_;
  std::unique_ptr<front::FrontService> front_;
  std::unique_ptr<front::UnaryFront> unary_front_;
};

}  // namespace clientele::gateway

#endif  // CLIENTELE_GATEWAY_GATEWAY_COMPONENT_H_
