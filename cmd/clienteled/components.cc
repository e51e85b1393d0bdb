#include "cmd/clienteled/components.h"

#include "analytics/analytics_component.h"
#include "gateway/gateway_component.h"
#include "identity/identity_component.h"
#include "identity/replica_component.h"
#include "ingest/ingest_component.h"
#include "recommender/recommender_component.h"
#include "recommender/recommender_serving_component.h"

namespace clientele {

server::ComponentRegistry ClienteledComponents() {
  server::ComponentRegistry registry;
  // Names are distinct constants: Register cannot fail here.
  (void)registry.Register(ingest::IngestComponent::Info());
  (void)registry.Register(identity::IdentityComponent::Info());
  // Not in --services=all (component_set.cc): a replica follows a primary elsewhere.
  (void)registry.Register(identity::IdentityReplicaComponent::Info());
  (void)registry.Register(analytics::AnalyticsComponent::Info());
  (void)registry.Register(recommender::RecommenderComponent::Info());
  // Only when named: --services=all does not include it.
  (void)registry.Register(recommender::RecommenderServingComponent::Info());
  // Last: it forwards calls to all the others, so it stops first.
  (void)registry.Register(gateway::GatewayComponent::Info());
  return registry;
}

}  // namespace clientele
