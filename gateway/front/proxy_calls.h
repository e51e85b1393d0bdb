// The reactors of the front's calls (front_service.h), on the front's queues (front_call.h).
// Each returned reactor owns itself and is deleted when its call is done. Internal to
// gateway/front.
#ifndef CLIENTELE_GATEWAY_FRONT_PROXY_CALLS_H_
#define CLIENTELE_GATEWAY_FRONT_PROXY_CALLS_H_

#include "gateway/front/backend_router.h"
#include "gateway/front/forwarding.h"
#include "gateway/front/front_call.h"
#include "grpcpp/server_context.h"
#include "grpcpp/support/status.h"

namespace clientele::gateway::front {

// Ends the call at once with `status`.
FrontReactor* NewFinishedCall(FrontCall* front_call, const grpc::Status& status);

// A unary method: reads the request, makes one callback unary call to the backend, filters
// and sends its response. `front_call` and `router` outlive the call.
FrontReactor* NewUnaryProxy(FrontCall* front_call, ForwardedCall call, BackendRouter* router);

// Any streaming method (and methods the front does not know): a bidi stream to the backend.
FrontReactor* NewStreamProxy(FrontCall* front_call, ForwardedCall call, BackendRouter* router);

// Ingest or IngestStream split over router->ingest_split_partitions() ingest nodes: one
// IngestStream per partition that gets events, one merged answer.
FrontReactor* NewIngestSplitCall(FrontCall* front_call, ForwardedCall call, BackendRouter* router);

// IngestService.GetLogInfo asked of every ingest node of router->ingest_split_partitions()
// partitions, the answers merged.
FrontReactor* NewLogInfoCall(FrontCall* front_call, ForwardedCall call, BackendRouter* router);

// IngestService.ListRejected over every ingest node of router->ingest_split_partitions()
// partitions, one merged listing paged with a merged token.
FrontReactor* NewListRejectedCall(FrontCall* front_call, ForwardedCall call, BackendRouter* router);

// IngestService.RemoveConsumer on every ingest node of router->ingest_split_partitions()
// partitions.
FrontReactor* NewRemoveConsumerCall(FrontCall* front_call, ForwardedCall call,
                                    BackendRouter* router);

// JobService.ListJobs over the JobServices of router->JobServices(), one merged listing.
FrontReactor* NewListJobsCall(FrontCall* front_call, ForwardedCall call, BackendRouter* router);

}  // namespace clientele::gateway::front

#endif  // CLIENTELE_GATEWAY_FRONT_PROXY_CALLS_H_
