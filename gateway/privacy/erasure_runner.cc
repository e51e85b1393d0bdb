#include "gateway/privacy/erasure_runner.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "clientele/ingest/v1/ingest.grpc.pb.h"
#include "clientele/privacy/v1/privacy.grpc.pb.h"
#include "common/status/grpc_status.h"
#include "common/status/status_macros.h"
#include "common/time/proto_time.h"
#include "spdlog/spdlog.h"

namespace clientele::gateway {
namespace {

namespace pv1 = privacy::v1;

// "<CODE>: message", for the step's error.
std::string Describe(const absl::Status& status) {
  return absl::StrCat(absl::StatusCodeToString(status.code()), ": ", status.message());
}

pv1::EraseSubjectDataRequest EraseRequest(const std::string& request_id,
                                          const std::vector<pv1::Subject>& subjects) {
  pv1::EraseSubjectDataRequest request;
  request.set_request_id(request_id);
  for (const pv1::Subject& subject : subjects) *request.add_subjects() = subject;
  return request;
}

template <typename Stub>
absl::StatusOr<pv1::EraseSubjectDataResponse> CallErase(Stub& stub, grpc::ClientContext* context,
                                                        const pv1::EraseSubjectDataRequest& r) {
  pv1::EraseSubjectDataResponse response;
  grpc::Status status = stub.EraseSubjectData(context, r, &response);
  if (!status.ok()) return FromGrpcStatus(status);
  return response;
}

}  // namespace

ErasureRunner::ErasureRunner(PrivacyRequestStore* store, PrivacyBackends backends,
                             ErasureOptions options)
    : store_(store), backends_(std::move(backends)), options_(options) {}

ErasureRunner::~ErasureRunner() { Stop(); }

absl::Status ErasureRunner::Start() {
  CLT_ASSIGN_OR_RETURN(std::vector<std::string> unfinished, store_->Unfinished());
  absl::MutexLock lock(&mu_);
  if (started_) return absl::FailedPreconditionError("the erasure runner runs already");
  started_ = true;
  for (std::string& id : unfinished) {
    spdlog::info("privacy request {} was not finished: running it again", id);
    queue_.push_back(std::move(id));
  }
  worker_ = std::thread([this] { Work(); });
  return absl::OkStatus();
}

void ErasureRunner::Submit(std::string request_id) {
  absl::MutexLock lock(&mu_);
  queue_.push_back(std::move(request_id));
}

void ErasureRunner::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
    if (in_flight_ != nullptr) in_flight_->TryCancel();
  }
  if (worker_.joinable()) worker_.join();
}

bool ErasureRunner::stopping() const {
  absl::MutexLock lock(&mu_);
  return stopping_;
}

bool ErasureRunner::Pause(absl::Duration pause) {
  absl::MutexLock lock(&mu_);
  mu_.AwaitWithTimeout(absl::Condition(&stopping_), pause);
  return !stopping_;
}

std::unique_ptr<grpc::ClientContext> ErasureRunner::BeginCall() {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(absl::ToChronoTime(absl::Now() + options_.call_timeout));
  absl::MutexLock lock(&mu_);
  in_flight_ = context.get();
  if (stopping_) context->TryCancel();
  return context;
}

void ErasureRunner::EndCall() {
  absl::MutexLock lock(&mu_);
  in_flight_ = nullptr;
}

void ErasureRunner::Work() {
  while (true) {
    std::string id;
    {
      absl::MutexLock lock(&mu_);
      mu_.Await(absl::Condition(
          +[](ErasureRunner* r)
               ABSL_EXCLUSIVE_LOCKS_REQUIRED(r->mu_) { return r->stopping_ || !r->queue_.empty(); },
          this));
      if (stopping_) return;
      id = std::move(queue_.front());
      queue_.pop_front();
    }
    Run(id);
  }
}

absl::StatusOr<std::vector<pv1::Subject>> ErasureRunner::Resolve(
    const std::vector<pv1::SubjectSelector>& selectors, int* not_found) {
  std::vector<pv1::Subject> subjects;
  *not_found = 0;
  for (size_t i = 0; i < selectors.size(); ++i) {
    std::unique_ptr<grpc::ClientContext> context = BeginCall();
    absl::StatusOr<std::optional<pv1::Subject>> subject =
        ResolveSubject(backends_.identity, selectors[i], context.get());
    EndCall();
    if (!subject.ok()) {
      return absl::Status(subject.status().code(), absl::StrCat("resolving subjects[", i,
                                                                "]: ", subject.status().message()));
    }
    if (!subject->has_value()) {
      ++*not_found;
      continue;
    }
    MergeSubjects({**std::move(subject)}, &subjects);
  }
  return subjects;
}

void ErasureRunner::Run(const std::string& request_id) {
  absl::StatusOr<pv1::PrivacyRequest> loaded = store_->Get(request_id);
  if (!loaded.ok()) {
    spdlog::error("privacy request {}: {}", request_id, loaded.status().ToString());
    return;
  }
  pv1::PrivacyRequest request = *std::move(loaded);
  auto save = [&](const pv1::PrivacyRequest& r) {
    if (absl::Status s = store_->Update(r); !s.ok()) {
      spdlog::error("privacy request {}: storing it: {}", request_id, s.ToString());
    }
  };
  auto fail = [&](std::string error) {
    request.set_state(pv1::REQUEST_STATE_FAILED);
    request.set_error(std::move(error));
    ToProtoTimestamp(store_->Now(), request.mutable_finished_at());
    save(request);
    spdlog::warn("privacy request {} failed: {}", request_id, request.error());
  };
  // Every step is redone: each is idempotent.
  request.set_state(pv1::REQUEST_STATE_RUNNING);
  request.clear_error();
  request.clear_finished_at();
  for (pv1::ErasureStep& step : *request.mutable_steps()) {
    step.set_state(pv1::REQUEST_STATE_QUEUED);
    step.set_keys_deleted(0);
    step.clear_error();
    step.clear_finished_at();
  }
  save(request);

  absl::StatusOr<std::vector<pv1::SubjectSelector>> selectors = store_->Selectors(request_id);
  absl::StatusOr<std::vector<pv1::Subject>> subjects = store_->Resolved(request_id);
  if (!selectors.ok() || !subjects.ok()) {
    return fail(Describe(!selectors.ok() ? selectors.status() : subjects.status()));
  }
  int not_found = 0;
  absl::StatusOr<std::vector<pv1::Subject>> resolved = Resolve(*selectors, &not_found);
  if (stopping()) return;
  if (!resolved.ok()) return fail("identity: " + Describe(resolved.status()));
  MergeSubjects(*std::move(resolved), &*subjects);
  if (absl::Status s = store_->SaveResolved(request_id, *subjects); !s.ok()) {
    return fail(Describe(s));
  }
  request.set_subjects_not_found(not_found);

  std::string first_error;
  for (pv1::ErasureStep& step : *request.mutable_steps()) {
    step.set_state(pv1::REQUEST_STATE_RUNNING);
    save(request);
    absl::StatusOr<int64_t> deleted = int64_t{0};
    if (!subjects->empty()) {
      deleted = step.service() == "ingest" ? EraseInIngest(request_id, *subjects)
                                           : EraseIn(step.service(), request_id, *subjects);
    }
    if (stopping()) return;  // Interrupted, not failed: it runs again at the next start.
    ToProtoTimestamp(store_->Now(), step.mutable_finished_at());
    if (deleted.ok()) {
      step.set_state(pv1::REQUEST_STATE_SUCCEEDED);
      step.set_keys_deleted(*deleted);
      continue;
    }
    step.set_state(pv1::REQUEST_STATE_FAILED);
    step.set_error(Describe(deleted.status()));
    if (first_error.empty()) first_error = step.service() + ": " + step.error();
    // Until ingest has suppressed the subjects and its consumers are past them, erasing
    // elsewhere could be undone by an event still to be applied.
    if (step.service() == "ingest") break;
  }
  if (!first_error.empty()) {
    for (pv1::ErasureStep& step : *request.mutable_steps()) {
      if (step.state() == pv1::REQUEST_STATE_RUNNING) step.set_state(pv1::REQUEST_STATE_QUEUED);
    }
    return fail(first_error);
  }
  request.set_state(pv1::REQUEST_STATE_SUCCEEDED);
  ToProtoTimestamp(store_->Now(), request.mutable_finished_at());
  if (absl::Status s = store_->Succeed(request); !s.ok()) {
    spdlog::error("privacy request {}: storing its success: {}", request_id, s.ToString());
    return;
  }
  spdlog::info("privacy request {} succeeded ({} subjects, {} not found)", request_id,
               subjects->size(), not_found);
}

absl::StatusOr<int64_t> ErasureRunner::EraseIn(const std::string& service,
                                               const std::string& request_id,
                                               const std::vector<pv1::Subject>& subjects) {
  const pv1::EraseSubjectDataRequest erase = EraseRequest(request_id, subjects);
  absl::StatusOr<pv1::EraseSubjectDataResponse> response = NotReachable(service);
  std::unique_ptr<grpc::ClientContext> context = BeginCall();
  if (service == "identity" && backends_.identity != nullptr) {
    pv1::IdentityPrivacy::Stub stub(backends_.identity);
    response = CallErase(stub, context.get(), erase);
  } else if (service == "analytics" && backends_.analytics != nullptr) {
    pv1::AnalyticsPrivacy::Stub stub(backends_.analytics);
    response = CallErase(stub, context.get(), erase);
  } else if (service == "recommender" && backends_.recommender != nullptr) {
    pv1::RecommenderPrivacy::Stub stub(backends_.recommender);
    response = CallErase(stub, context.get(), erase);
  }
  EndCall();
  if (!response.ok()) return response.status();
  if (service == "identity") {
    // Each read replica answers once it has applied the primary's erasure and purged its
    // files (a replica that cannot confirm fails the step: it may still hold the values).
    for (const IdentityReplicaBackend& replica : backends_.identity_replicas) {
      pv1::IdentityPrivacy::Stub stub(replica.channel);
      std::unique_ptr<grpc::ClientContext> replica_context = BeginCall();
      absl::StatusOr<pv1::EraseSubjectDataResponse> confirmed =
          CallErase(stub, replica_context.get(), erase);
      EndCall();
      if (!confirmed.ok()) {
        return absl::Status(confirmed.status().code(),
                            absl::StrCat("identity read replica ", replica.address, ": ",
                                         confirmed.status().message()));
      }
    }
  }
  return response->keys_deleted();
}

absl::StatusOr<int64_t> ErasureRunner::EraseInIngest(const std::string& request_id,
                                                     const std::vector<pv1::Subject>& subjects) {
  CLT_ASSIGN_OR_RETURN(std::vector<IngestNode> nodes, IngestNodesOf(backends_));
  struct Erased {
    const IngestNode* node;
    pv1::EraseSubjectDataResponse response;
  };
  std::vector<Erased> erased;
  int64_t keys = 0;
  for (const IngestNode& node : nodes) {
    std::vector<pv1::Subject> part =
        SubjectsOnPartitions(subjects, node.partitions, backends_.partition_count);
    if (part.empty()) continue;
    pv1::IngestPrivacy::Stub stub(node.channel);
    std::unique_ptr<grpc::ClientContext> context = BeginCall();
    absl::StatusOr<pv1::EraseSubjectDataResponse> response =
        CallErase(stub, context.get(), EraseRequest(request_id, part));
    EndCall();
    if (!response.ok()) {
      return absl::Status(response.status().code(),
                          absl::StrCat("partition ", node.partitions.front(),
                                       "'s node: ", response.status().message()));
    }
    keys += response->keys_deleted();
    erased.push_back({&node, *std::move(response)});
  }
  for (const Erased& e : erased) {
    CLT_RETURN_IF_ERROR(WaitForConsumers(*e.node, e.response.last_sequences()));
  }
  return keys;
}

absl::Status ErasureRunner::WaitForConsumers(
    const IngestNode& node, const google::protobuf::Map<uint32_t, uint64_t>& last_sequences) {
  if (last_sequences.empty()) return absl::OkStatus();
  ingest::v1::IngestService::Stub stub(node.channel);
  const absl::Time deadline = absl::Now() + options_.consumer_wait;
  absl::Duration pause = options_.first_poll_interval;
  std::string behind;
  while (true) {
    std::unique_ptr<grpc::ClientContext> context = BeginCall();
    context->set_deadline(
        absl::ToChronoTime(std::min(deadline, absl::Now() + options_.call_timeout)));
    ingest::v1::GetLogInfoResponse info;
    grpc::Status status = stub.GetLogInfo(context.get(), ingest::v1::GetLogInfoRequest(), &info);
    EndCall();
    if (!status.ok()) {
      absl::Status s = FromGrpcStatus(status);
      return absl::Status(s.code(), absl::StrCat("waiting for the consumers: ", s.message()));
    }
    behind.clear();
    for (const ingest::v1::ConsumerInfo& consumer : info.consumers()) {
      auto it = last_sequences.find(consumer.partition());
      if (it == last_sequences.end()) continue;
      if (!consumer.error().empty()) {
        return absl::FailedPreconditionError(
            absl::StrCat("consumer ", consumer.consumer(), " of partition ", consumer.partition(),
                         " stopped on an error: ", consumer.error()));
      }
      if (consumer.applied_sequence() < it->second && behind.empty()) {
        behind = absl::StrCat("consumer ", consumer.consumer(), " of partition ",
                              consumer.partition(), " has applied through ",
                              consumer.applied_sequence(), ", not yet ", it->second);
      }
    }
    if (behind.empty()) return absl::OkStatus();
    if (absl::Now() + pause > deadline) {
      return absl::DeadlineExceededError(absl::StrCat("the consumers did not catch up within ",
                                                      absl::FormatDuration(options_.consumer_wait),
                                                      ": ", behind));
    }
    if (!Pause(pause)) return absl::CancelledError("stopping");
    pause = std::min(pause * 2, options_.max_poll_interval);
  }
}

}  // namespace clientele::gateway
