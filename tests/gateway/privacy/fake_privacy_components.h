// Small stand-ins for the components' privacy services, served by real gRPC servers on
// 127.0.0.1:0, that record every call (in one log shared by all of them, in order) and fail
// on demand: the gateway's privacy orchestration is tested against them.
#ifndef CLIENTELE_TESTS_GATEWAY_PRIVACY_FAKE_PRIVACY_COMPONENTS_H_
#define CLIENTELE_TESTS_GATEWAY_PRIVACY_FAKE_PRIVACY_COMPONENTS_H_

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "clientele/ingest/v1/ingest.grpc.pb.h"
#include "clientele/privacy/v1/privacy.grpc.pb.h"
#include "gateway/privacy/privacy_request_store.h"
#include "grpcpp/grpcpp.h"

namespace clientele::gateway::testing {

namespace pv1 = privacy::v1;

// Every call of every fake, in order: "<component>.<Method>" (plus details for some).
class CallLog {
 public:
  void Add(std::string call) {
    absl::MutexLock lock(&mu_);
    calls_.push_back(std::move(call));
  }
  std::vector<std::string> calls() const {
    absl::MutexLock lock(&mu_);
    return calls_;
  }
  void Clear() {
    absl::MutexLock lock(&mu_);
    calls_.clear();
  }
  // The index of the first call equal to `call`, or -1.
  int IndexOf(const std::string& call) const {
    absl::MutexLock lock(&mu_);
    for (size_t i = 0; i < calls_.size(); ++i) {
      if (calls_[i] == call) return static_cast<int>(i);
    }
    return -1;
  }

 private:
  mutable absl::Mutex mu_;
  std::vector<std::string> calls_ ABSL_GUARDED_BY(mu_);
};

// What a fake does on its next calls.
struct FakeBehaviour {
  absl::Mutex mu;
  std::string fail_with ABSL_GUARDED_BY(mu);  // Non-empty: EraseSubjectData fails UNAVAILABLE.
  bool block ABSL_GUARDED_BY(mu) = false;     // EraseSubjectData waits until unblocked/cancelled.
  int64_t keys_deleted ABSL_GUARDED_BY(mu) = 0;
  std::string export_json ABSL_GUARDED_BY(mu) = "{}";
  std::vector<pv1::EraseSubjectDataRequest> erased ABSL_GUARDED_BY(mu);

  void Fail(std::string error) {
    absl::MutexLock lock(&mu);
    fail_with = std::move(error);
  }
  void Block(bool on) {
    absl::MutexLock lock(&mu);
    block = on;
  }
  std::vector<pv1::EraseSubjectDataRequest> Erased() {
    absl::MutexLock lock(&mu);
    return erased;
  }

  // The shared part of every fake's EraseSubjectData.
  grpc::Status Erase(grpc::ServerContext* context, const pv1::EraseSubjectDataRequest& request,
                     pv1::EraseSubjectDataResponse* response) {
    absl::MutexLock lock(&mu);
    erased.push_back(request);
    while (block && !context->IsCancelled()) {
      mu.AwaitWithTimeout(absl::Condition(
                              +[](bool* blocked) { return !*blocked; }, &block),
                          absl::Milliseconds(5));
    }
    if (context->IsCancelled()) return grpc::Status(grpc::StatusCode::CANCELLED, "cancelled");
    if (!fail_with.empty()) return grpc::Status(grpc::StatusCode::UNAVAILABLE, fail_with);
    response->set_keys_deleted(keys_deleted);
    return grpc::Status::OK;
  }
  std::string ExportJson() {
    absl::MutexLock lock(&mu);
    return export_json;
  }
};

class FakeIdentity final : public pv1::IdentityPrivacy::Service {
 public:
  FakeIdentity(CallLog* log, FakeBehaviour* behaviour) : log_(log), behaviour_(behaviour) {}

  void Know(const pv1::SubjectSelector& selector, pv1::Subject subject) {
    absl::MutexLock lock(&mu_);
    subjects_[SelectorText(selector)] = std::move(subject);
  }
  void ForgetAll() {
    absl::MutexLock lock(&mu_);
    subjects_.clear();
  }

  grpc::Status ResolveSubject(grpc::ServerContext*, const pv1::ResolveSubjectRequest* request,
                              pv1::ResolveSubjectResponse* response) override {
    log_->Add("identity.ResolveSubject");
    absl::MutexLock lock(&mu_);
    auto it = subjects_.find(SelectorText(request->selector()));
    if (it == subjects_.end()) return grpc::Status(grpc::StatusCode::NOT_FOUND, "nobody");
    *response->mutable_subject() = it->second;
    return grpc::Status::OK;
  }
  grpc::Status EraseSubjectData(grpc::ServerContext* context,
                                const pv1::EraseSubjectDataRequest* request,
                                pv1::EraseSubjectDataResponse* response) override {
    log_->Add("identity.EraseSubjectData");
    return behaviour_->Erase(context, *request, response);
  }
  grpc::Status ExportSubjectData(grpc::ServerContext*, const pv1::ExportSubjectDataRequest*,
                                 pv1::ExportSubjectDataResponse* response) override {
    log_->Add("identity.ExportSubjectData");
    response->set_json(behaviour_->ExportJson());
    return grpc::Status::OK;
  }

 private:
  CallLog* const log_;
  FakeBehaviour* const behaviour_;
  absl::Mutex mu_;
  std::map<std::string, pv1::Subject> subjects_ ABSL_GUARDED_BY(mu_);
};

// AnalyticsPrivacy or RecommenderPrivacy.
template <typename Service>
class FakeComponent final : public Service {
 public:
  FakeComponent(std::string name, CallLog* log, FakeBehaviour* behaviour)
      : name_(std::move(name)), log_(log), behaviour_(behaviour) {}

  grpc::Status EraseSubjectData(grpc::ServerContext* context,
                                const pv1::EraseSubjectDataRequest* request,
                                pv1::EraseSubjectDataResponse* response) override {
    log_->Add(name_ + ".EraseSubjectData");
    return behaviour_->Erase(context, *request, response);
  }
  grpc::Status ExportSubjectData(grpc::ServerContext*, const pv1::ExportSubjectDataRequest*,
                                 pv1::ExportSubjectDataResponse* response) override {
    log_->Add(name_ + ".ExportSubjectData");
    response->set_json(behaviour_->ExportJson());
    return grpc::Status::OK;
  }

 private:
  const std::string name_;
  CallLog* const log_;
  FakeBehaviour* const behaviour_;
};

// An ingest node owning `partitions`: IngestPrivacy, and IngestService.GetLogInfo with one
// consumer "identity" per partition that applies `catch_up_step` more entries at every
// GetLogInfo call (so the gateway has to poll), starting from 0, up to the log's end.
class FakeIngestNode {
 public:
  FakeIngestNode(std::string name, std::vector<uint32_t> partitions, uint64_t last_sequence,
                 CallLog* log)
      : privacy_(this),
        info_(this),
        name_(std::move(name)),
        partitions_(std::move(partitions)),
        last_sequence_(last_sequence),
        log_(log) {}

  void SetConsumerError(std::string error) {
    absl::MutexLock lock(&mu_);
    consumer_error_ = std::move(error);
  }
  void SetCatchUpStep(uint64_t step) {
    absl::MutexLock lock(&mu_);
    catch_up_step_ = step;
  }
  void Suppress(pv1::Suppression suppression) {
    absl::MutexLock lock(&mu_);
    suppressions_.push_back(std::move(suppression));
  }
  std::vector<pv1::LiftSuppressionRequest> Lifted() {
    absl::MutexLock lock(&mu_);
    return lifted_;
  }
  FakeBehaviour& behaviour() { return behaviour_; }
  std::vector<grpc::Service*> services() { return {&privacy_, &info_}; }

 private:
  class Privacy final : public pv1::IngestPrivacy::Service {
   public:
    explicit Privacy(FakeIngestNode* node) : node_(node) {}
    grpc::Status EraseSubjectData(grpc::ServerContext* context,
                                  const pv1::EraseSubjectDataRequest* request,
                                  pv1::EraseSubjectDataResponse* response) override {
      node_->log_->Add(node_->name_ + ".EraseSubjectData");
      grpc::Status status = node_->behaviour_.Erase(context, *request, response);
      if (!status.ok()) return status;
      absl::MutexLock lock(&node_->mu_);
      for (uint32_t p : node_->partitions_) {
        (*response->mutable_last_sequences())[p] = node_->last_sequence_;
      }
      return status;
    }
    grpc::Status ListSuppressions(grpc::ServerContext*, const pv1::ListSuppressionsRequest* r,
                                  pv1::ListSuppressionsResponse* response) override {
      node_->log_->Add(node_->name_ + ".ListSuppressions");
      absl::MutexLock lock(&node_->mu_);
      size_t from = r->page_token().empty() ? 0 : std::stoul(r->page_token());
      size_t to = std::min(node_->suppressions_.size(), from + r->page_size());
      for (size_t i = from; i < to; ++i) *response->add_suppressions() = node_->suppressions_[i];
      if (to < node_->suppressions_.size()) response->set_next_page_token(std::to_string(to));
      return grpc::Status::OK;
    }
    grpc::Status LiftSuppression(grpc::ServerContext*, const pv1::LiftSuppressionRequest* r,
                                 pv1::LiftSuppressionResponse* response) override {
      node_->log_->Add(node_->name_ + ".LiftSuppression");
      absl::MutexLock lock(&node_->mu_);
      node_->lifted_.push_back(*r);
      response->set_lifted(true);
      return grpc::Status::OK;
    }

   private:
    FakeIngestNode* const node_;
  };

  class Info final : public ingest::v1::IngestService::Service {
   public:
    explicit Info(FakeIngestNode* node) : node_(node) {}
    grpc::Status GetLogInfo(grpc::ServerContext*, const ingest::v1::GetLogInfoRequest*,
                            ingest::v1::GetLogInfoResponse* response) override {
      absl::MutexLock lock(&node_->mu_);
      node_->applied_ = std::min(node_->last_sequence_, node_->applied_ + node_->catch_up_step_);
      node_->log_->Add(absl::StrCat(node_->name_, ".GetLogInfo applied=", node_->applied_));
      for (uint32_t p : node_->partitions_) {
        ingest::v1::ConsumerInfo* consumer = response->add_consumers();
        consumer->set_consumer("identity");
        consumer->set_partition(p);
        consumer->set_applied_sequence(node_->applied_);
        consumer->set_error(node_->consumer_error_);
      }
      return grpc::Status::OK;
    }

   private:
    FakeIngestNode* const node_;
  };

  Privacy privacy_;
  Info info_;
  const std::string name_;
  const std::vector<uint32_t> partitions_;
  FakeBehaviour behaviour_;
  absl::Mutex mu_;
  const uint64_t last_sequence_;
  uint64_t applied_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t catch_up_step_ ABSL_GUARDED_BY(mu_) = 4;
  std::string consumer_error_ ABSL_GUARDED_BY(mu_);
  std::vector<pv1::Suppression> suppressions_ ABSL_GUARDED_BY(mu_);
  std::vector<pv1::LiftSuppressionRequest> lifted_ ABSL_GUARDED_BY(mu_);
  CallLog* const log_;
};

// A gRPC server on 127.0.0.1:0 for `services` (not owned; they must outlive it).
class FakeServer {
 public:
  explicit FakeServer(const std::vector<grpc::Service*>& services) {
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port_);
    for (grpc::Service* service : services) builder.RegisterService(service);
    server_ = builder.BuildAndStart();
    channel_ =
        grpc::CreateChannel(absl::StrCat("127.0.0.1:", port_), grpc::InsecureChannelCredentials());
  }
  ~FakeServer() { server_->Shutdown(std::chrono::system_clock::now()); }
  std::shared_ptr<grpc::Channel> channel() const { return channel_; }

 private:
  int port_ = 0;
  std::unique_ptr<grpc::Server> server_;
  std::shared_ptr<grpc::Channel> channel_;
};

}  // namespace clientele::gateway::testing

#endif  // CLIENTELE_TESTS_GATEWAY_PRIVACY_FAKE_PRIVACY_COMPONENTS_H_
