// Runs erasure requests (PrivacyService.EraseSubject) one at a time on one worker thread,
// through the flow of docs/privacy.md:
//   resolve  IdentityPrivacy.ResolveSubject per selector (NOT_FOUND counted, not failed); the
//            subjects are stored with the request, merged with those of earlier attempts
//   ingest   IngestPrivacy.EraseSubjectData on every ingest node (each once) with the subjects'
//            source keys of its partitions; then, on each node, IngestService.GetLogInfo is
//            polled (backoff, deadline) until every consumer of each partition has applied
//            through the node's last_sequences (a consumer with an error fails the step)
//   identity, analytics, recommender: <Component>Privacy.EraseSubjectData, in this order; the
//            identity step then calls IdentityPrivacy.EraseSubjectData on every identity read
//            replica, which answers once it has applied and purged the primary's erasure
// Each step is recorded in the request as it ends. A failed ingest step stops the request
// (the later steps stay QUEUED); the others run regardless. The request SUCCEEDS only when
// every step has; then its selectors leave the store (PrivacyRequestStore::Succeed).
//
// Durable: Start queues every request found QUEUED or RUNNING (each step is idempotent, so a
// request interrupted anywhere is simply run again from the start). Stop cancels the call in
// flight and leaves the interrupted request RUNNING for the next start.
#ifndef CLIENTELE_GATEWAY_PRIVACY_ERASURE_RUNNER_H_
#define CLIENTELE_GATEWAY_PRIVACY_ERASURE_RUNNER_H_

#include <deque>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "gateway/privacy/privacy_backends.h"
#include "gateway/privacy/privacy_request_store.h"

namespace clientele::gateway {

struct ErasureOptions {
  // Deadline of each component call (an erasure compacts the component's stores).
  absl::Duration call_timeout = absl::Minutes(10);
  // How long the ingest step waits for the consumers to apply through last_sequences.
  absl::Duration consumer_wait = absl::Minutes(10);
  // The first pause between GetLogInfo polls; doubled up to max_poll_interval.
  absl::Duration first_poll_interval = absl::Milliseconds(10);
  absl::Duration max_poll_interval = absl::Seconds(1);
};

// Thread-safe.
class ErasureRunner {
 public:
  // `store` is not owned and must outlive the runner.
  ErasureRunner(PrivacyRequestStore* store, PrivacyBackends backends, ErasureOptions options = {});
  ~ErasureRunner();  // Stops.

  // Starts the worker and queues the unfinished requests of the store. Once.
  absl::Status Start();
  // Queues a request (stored QUEUED by PrivacyRequestStore::Create).
  void Submit(std::string request_id);
  // Cancels the request in flight (it stays RUNNING in the store) and joins the worker. The
  // queued requests stay QUEUED. Idempotent.
  void Stop();

 private:
  void Work();
  void Run(const std::string& request_id);
  // Each returns the keys deleted, or the step's error.
  absl::StatusOr<int64_t> EraseInIngest(const std::string& request_id,
                                        const std::vector<privacy::v1::Subject>& subjects);
  absl::Status WaitForConsumers(const IngestNode& node,
                                const google::protobuf::Map<uint32_t, uint64_t>& last_sequences);
  absl::StatusOr<int64_t> EraseIn(const std::string& service, const std::string& request_id,
                                  const std::vector<privacy::v1::Subject>& subjects);
  absl::StatusOr<std::vector<privacy::v1::Subject>> Resolve(
      const std::vector<privacy::v1::SubjectSelector>& selectors, int* not_found);

  // A context with the call deadline, cancelled by Stop; release it with EndCall.
  std::unique_ptr<grpc::ClientContext> BeginCall();
  void EndCall();
  bool stopping() const;
  // Sleeps `pause` unless Stop comes first (then false).
  bool Pause(absl::Duration pause);

  PrivacyRequestStore* const store_;
  const PrivacyBackends backends_;
  const ErasureOptions options_;
  mutable absl::Mutex mu_;
  std::deque<std::string> queue_ ABSL_GUARDED_BY(mu_);
  bool started_ ABSL_GUARDED_BY(mu_) = false;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  grpc::ClientContext* in_flight_ ABSL_GUARDED_BY(mu_) = nullptr;
  std::thread worker_;
};

}  // namespace clientele::gateway

#endif  // CLIENTELE_GATEWAY_PRIVACY_ERASURE_RUNNER_H_
