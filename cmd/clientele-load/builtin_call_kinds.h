// Factories of the built-in call kinds (registered by BuiltinCallKinds() in call_kind.h).
#ifndef CLIENTELE_CMD_CLIENTELE_LOAD_BUILTIN_CALL_KINDS_H_
#define CLIENTELE_CMD_CLIENTELE_LOAD_BUILTIN_CALL_KINDS_H_

#include <memory>

#include "cmd/clientele-load/call_kind.h"

namespace clientele::load {

// RecommenderService.Recommend for varied customers. Params: k (10), strategy (unspecified,
// popularity, item_cf, sar, ease, hybrid, content, rules), exclude_purchased (true),
// respect_consent (false), category (none), keys, system.
std::unique_ptr<CallKind> NewRecommendCall();
// IdentityService.GetProfile by profile id or source key. Params: keys, system.
std::unique_ptr<CallKind> NewGetProfileCall();
// AnalyticsService.GetCustomerAnalytics by profile id or source key. Params: keys, system.
std::unique_ptr<CallKind> NewCustomerAnalyticsCall();
// IngestService.Ingest of one Interaction (view) event per call, with a unique event id.
// Params: system (loadgen), customers (1000), skus (1000), run_id (random).
std::unique_ptr<CallKind> NewIngestCall();
// grpc.health.v1.Health.Check: the floor of a unary call. The keys (if any) are the service
// names to check; without --keys, the server as a whole ("").
std::unique_ptr<CallKind> NewHealthCall();

}  // namespace clientele::load

#endif  // CLIENTELE_CMD_CLIENTELE_LOAD_BUILTIN_CALL_KINDS_H_
