// ingest and health: a write path (one interaction event per Ingest call) and the gRPC floor.
#include <chrono>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "clientele/ingest/v1/ingest.grpc.pb.h"
#include "cmd/clientele-load/builtin_call_kinds.h"
#include "cmd/clientele-load/call_kind_util.h"
#include "common/status/status_macros.h"
#include "grpc/health/v1/health.grpc.pb.h"

namespace clientele::load {
namespace {

class IngestCall final : public CallKind {
 public:
  absl::Status Prepare(const PrepareContext& context) override {
    if (context.channels.empty()) return absl::InvalidArgumentError("no channel to the server");
    Params params("ingest", context.params);
    system_ = params.String("system", "loadgen");
    CLT_ASSIGN_OR_RETURN(customers_, params.Int("customers", 1000, 1, int64_t{1} << 40));
    CLT_ASSIGN_OR_RETURN(skus_, params.Int("skus", 1000, 1, int64_t{1} << 40));
    // Event ids must be new on every run, or the log answers DUPLICATE.
    std::random_device random;
    run_id_ = params.String("run_id", absl::StrCat(absl::Hex(random()), absl::Hex(random())));
    CLT_RETURN_IF_ERROR(params.CheckAllUsed());
    for (const auto& channel : context.channels) {
      stubs_.push_back(ingest::v1::IngestService::NewStub(channel));
    }
    return absl::OkStatus();
  }

  void Start(uint64_t index, grpc::ClientContext* context, grpc::CompletionQueue* queue,
             DoneCallback done) override {
    ingest::v1::IngestRequest request;
    common::v1::Event* event = request.add_events();
    event->set_event_id(absl::StrCat("load-", run_id_, "-", index));
    event->set_channel(common::v1::CHANNEL_ONLINE_SHOP);
    event->mutable_source()->set_system(system_);
    event->mutable_source()->set_id(absl::StrCat("c", index % customers_));
    const auto now = std::chrono::system_clock::now().time_since_epoch();
    event->mutable_occurred_at()->set_seconds(
        std::chrono::duration_cast<std::chrono::seconds>(now).count());
    event->mutable_interaction()->set_type(common::v1::INTERACTION_TYPE_VIEW);
    // A different walk through the skus than through the customers.
    event->mutable_interaction()->set_sku(absl::StrCat("SKU", (index * 7919) % skus_));
    ingest::v1::IngestService::Stub* stub = stubs_[index % stubs_.size()].get();
    StartUnaryOnQueue(stub, &ingest::v1::IngestService::Stub::PrepareAsyncIngest, context, request,
                      queue, std::move(done));
  }

  int64_t distinct_requests() const override { return -1; }  // Every call is new.

 private:
  std::string system_;
  int64_t customers_ = 0;
  int64_t skus_ = 0;
  std::string run_id_;
  std::vector<std::unique_ptr<ingest::v1::IngestService::Stub>> stubs_;
};

class HealthCall final : public CallKind {
 public:
  absl::Status Prepare(const PrepareContext& context) override {
    if (context.channels.empty()) return absl::InvalidArgumentError("no channel to the server");
    Params params("health", context.params);
    CLT_RETURN_IF_ERROR(params.CheckAllUsed());
    services_ = context.keys.empty() ? std::vector<std::string>{""} : context.keys;
    for (const auto& channel : context.channels) {
      stubs_.push_back(grpc::health::v1::Health::NewStub(channel));
    }
    return absl::OkStatus();
  }

  void Start(uint64_t index, grpc::ClientContext* context, grpc::CompletionQueue* queue,
             DoneCallback done) override {
    grpc::health::v1::HealthCheckRequest request;
    request.set_service(services_[index % services_.size()]);
    grpc::health::v1::Health::Stub* stub = stubs_[index % stubs_.size()].get();
    StartUnaryOnQueue(stub, &grpc::health::v1::Health::Stub::PrepareAsyncCheck, context, request,
                      queue, std::move(done));
  }

  int64_t distinct_requests() const override { return static_cast<int64_t>(services_.size()); }

 private:
  std::vector<std::string> services_;
  std::vector<std::unique_ptr<grpc::health::v1::Health::Stub>> stubs_;
};

}  // namespace

std::unique_ptr<CallKind> NewIngestCall() { return std::make_unique<IngestCall>(); }
std::unique_ptr<CallKind> NewHealthCall() { return std::make_unique<HealthCall>(); }

}  // namespace clientele::load
