// Which component serves a gRPC method, for a gateway in front of components that run in
// other processes (clienteled --services=gateway). Pure naming rules; the gRPC side
// (backend_router.h) turns them into channels.
//
//   MethodRoute route = RouteOfMethod("/clientele.recommender.v1.RecommenderService/Recommend");
//   // route.kind == RouteKind::kComponent, route.component == "recommender"
#ifndef CLIENTELE_GATEWAY_FRONT_METHOD_ROUTES_H_
#define CLIENTELE_GATEWAY_FRONT_METHOD_ROUTES_H_

#include <string>
#include <string_view>
#include <vector>

namespace clientele::gateway::front {

enum class RouteKind {
  // Every call of the method goes to `component` (a partitioned one: partition 0).
  kComponent,
  // IngestService.Ingest / IngestStream: every event to the node of its partition
  // (ingest_split.h).
  kIngestEvents,
  // An IngestService call about one partition (Subscribe, CommitProgress): the node of the
  // request's `partition`.
  kIngestPartition,
  // JobService.StartJob: the component of the request's `kind` (ComponentOfJobKind).
  kJobKind,
  // Every other JobService call with a job id: the component its prefix names.
  kJobId,
  // The gateway's own services and server reflection: served in the gateway's process.
  kLocal,
  // A service no component serves: UNIMPLEMENTED.
  kUnknown,
};

struct MethodRoute {
  RouteKind kind = RouteKind::kUnknown;
  std::string component;  // For kComponent (and the component of kIngest*, "ingest").
};

// The route of a full method name "/<package>.<Service>/<Method>".
MethodRoute RouteOfMethod(std::string_view method);

// Whether serving replicas (--recommender_serving_addr) answer `method`: Recommend,
// SimilarItems and CompleteBasket of clientele.recommender.v1.RecommenderService.
bool ServedByRecommenderReplicas(std::string_view method);

// The services of the components that the front routes (each component's own and the
// JobService), by full name: "clientele.ingest.v1.IngestService", ...
std::vector<std::string> ComponentServices();

// The component that runs jobs of `kind` ("rfm", "recluster": analytics; "train",
// "evaluate": recommender); empty for an unknown kind. The kinds are those of the components'
// job runners (docs/jobs.md).
std::string_view ComponentOfJobKind(std::string_view kind);

// The components that run jobs (of the kinds above), each once: "analytics", "recommender".
std::vector<std::string_view> JobComponents();

// The component a job id names: the text before its first '-' ("analytics-0000000042" ->
// "analytics"); empty when the id has no '-'.
std::string_view ComponentOfJobId(std::string_view job_id);

}  // namespace clientele::gateway::front

#endif  // CLIENTELE_GATEWAY_FRONT_METHOD_ROUTES_H_
