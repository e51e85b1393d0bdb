#include "cmd/clientele-load/builtin_call_kinds.h"

#include "cmd/clientele-load/call_kind.h"

namespace clientele::load {

CallKindRegistry BuiltinCallKinds() {
  CallKindRegistry registry;
  // Names are distinct constants: Register cannot fail here.
  (void)registry.Register({"recommend",
                           "RecommenderService.Recommend for the server's profiles (params: k, "
                           "strategy, exclude_purchased, respect_consent, category)",
                           NewRecommendCall});
  (void)registry.Register(
      {"get_profile", "IdentityService.GetProfile for the server's profiles", NewGetProfileCall});
  (void)registry.Register({"customer_analytics",
                           "AnalyticsService.GetCustomerAnalytics for the server's profiles",
                           NewCustomerAnalyticsCall});
  (void)registry.Register({"ingest",
                           "IngestService.Ingest, one interaction event per call (params: system, "
                           "customers, skus, run_id)",
                           NewIngestCall});
  (void)registry.Register(
      {"health", "grpc.health.v1.Health.Check: the floor of a unary gRPC call", NewHealthCall});
  return registry;
}

}  // namespace clientele::load
