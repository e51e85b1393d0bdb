// The gateway's gRPC front: the reactors of the public server's generic calls (front_call.h,
// requested on the front's completion queues by UnaryFront) that take every call the server
// does not answer itself (it answers grpc.health.v1 directly), asks the CallPolicy
// (gateway/call_policy.h) whether the caller may make it, and forwards it to the backend the
// BackendRouter names:
//
//   - unary methods with one callback unary call (bytes in, bytes out);
//   - every streaming kind (client, server, bidi: IngestStream, Subscribe, WatchJob,
//     GetProfileMap, reflection) through a stream proxy with one read in flight per
//     direction (a slow reader on either side slows the other, nothing is buffered), the
//     client's half-close passed on, and the backend's status returned;
//   - Ingest and IngestStream, when the router splits them over partitioned ingest nodes, by
//     partition (ingest_split.h), with one answer merged in request order;
//   - calls whose answer is composed from several backends (fan_out_call.h): GetLogInfo,
//     ListRejected and RemoveConsumer over the ingest nodes, ListJobs over the components
//     that run jobs (Composes says when).
//
// The unary methods the front forwards to one backend are served by the unary path on the same
// queues (unary_front.h; UnaryMethods names them) when it has them: those calls never reach
// this service, and behave the same.
//
// Responses pass through CallPolicy::FilterResponse (parsed with the method's response type
// from the generated descriptor pool) only when CallPolicy::InspectsResponses says so;
// otherwise their bytes are forwarded untouched. The caller's credentials come from the
// "authorization" metadata and the common name of a verified client certificate; they are
// not passed to the backend. Deadlines and cancellation propagate to the backend call; a
// backend that cannot be reached gives UNAVAILABLE; the backend's status (with its binary
// details, e.g. a retry delay) and trailing metadata reach the caller as they are.
//
//   FrontService front(&policy, &router);
//   UnaryFront queues(&policy, &router, front.UnaryMethods(service_names), &front,
//                     /*threads=*/1);
//   options.async_service = &queues;   // GrpcServer registers, starts and stops it
//
// Per-method metrics are recorded by the server's metrics interceptor
// (common/server/metrics_interceptor.h, which labels the front's calls by method).
#ifndef CLIENTELE_GATEWAY_FRONT_FRONT_SERVICE_H_
#define CLIENTELE_GATEWAY_FRONT_FRONT_SERVICE_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "gateway/call_policy.h"
#include "gateway/front/backend_router.h"
#include "gateway/front/front_call.h"
#include "gateway/front/unary_front.h"
#include "google/protobuf/message.h"

namespace clientele::gateway::front {

// Thread-safe. `policy` and `router` are not owned and must outlive the service and every
// call it serves (stop the server first).
class FrontService final : public FrontReactorFactory {
 public:
  FrontService(CallPolicy* policy, BackendRouter* router);

  FrontReactor* CreateReactor(FrontCall* front_call) override;

  // What the front knows of a method, from the generated descriptor pool.
  struct MethodInfo {
    bool known = false;  // In the pool; an unknown method is proxied as a bidi stream.
    bool client_streaming = true;
    bool server_streaming = true;
    const google::protobuf::Message* response_prototype = nullptr;  // Null if unknown.
  };

  // Whether the front composes the answer of `method` itself from several backends rather
  // than forwarding the call to one: when the router splits ingest, Ingest and IngestStream
  // split by partition, GetLogInfo and ListRejected merged over the ingest nodes and
  // RemoveConsumer applied on each; when several components run jobs, ListJobs merged over
  // their JobServices.
  bool Composes(const std::string& method) const;

  // The unary methods of `services` (full names, e.g. "clientele.recommender.v1.
  // RecommenderService"; names not in the generated pool are skipped) that the front forwards to
  // one backend: the methods the unary path (unary_front.h) may serve.
  std::vector<UnaryMethod> UnaryMethods(const std::vector<std::string>& services) const;

 private:
  const MethodInfo& Lookup(const std::string& method);

  CallPolicy* const policy_;
  BackendRouter* const router_;
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, std::unique_ptr<MethodInfo>> methods_ ABSL_GUARDED_BY(mu_);
};

}  // namespace clientele::gateway::front

#endif  // CLIENTELE_GATEWAY_FRONT_FRONT_SERVICE_H_
