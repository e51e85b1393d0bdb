// get_profile and customer_analytics: the customer read paths of identity and analytics.
#include <memory>
#include <string>
#include <vector>

#include "clientele/analytics/v1/analytics.grpc.pb.h"
#include "clientele/identity/v1/identity.grpc.pb.h"
#include "cmd/clientele-load/builtin_call_kinds.h"
#include "cmd/clientele-load/call_kind_util.h"

namespace clientele::load {
namespace {

class GetProfileCall final : public KeyedCallKind {
 public:
  void Start(uint64_t index, grpc::ClientContext* context, grpc::CompletionQueue* queue,
             DoneCallback done) override {
    const ParsedKey& key = KeyFor(index);
    identity::v1::GetProfileRequest request;
    if (key.is_source_key) {
      *request.mutable_lookup()->mutable_source() = key.source_key;
    } else {
      request.mutable_lookup()->set_profile_id(key.profile_id);
    }
    identity::v1::IdentityService::Stub* stub = stubs_[index % stubs_.size()].get();
    StartUnaryOnQueue(stub, &identity::v1::IdentityService::Stub::PrepareAsyncGetProfile, context,
                      request, queue, std::move(done));
  }

 protected:
  std::string name() const override { return "get_profile"; }
  absl::Status ReadParams(Params&) override { return absl::OkStatus(); }
  void MakeStubs(const std::vector<std::shared_ptr<grpc::Channel>>& channels) override {
    for (const auto& channel : channels) {
      stubs_.push_back(identity::v1::IdentityService::NewStub(channel));
    }
  }

 private:
  std::vector<std::unique_ptr<identity::v1::IdentityService::Stub>> stubs_;
};

class CustomerAnalyticsCall final : public KeyedCallKind {
 public:
  void Start(uint64_t index, grpc::ClientContext* context, grpc::CompletionQueue* queue,
             DoneCallback done) override {
    const ParsedKey& key = KeyFor(index);
    analytics::v1::GetCustomerAnalyticsRequest request;
    if (key.is_source_key) {
      *request.mutable_source_key() = key.source_key;
    } else {
      request.set_profile_id(key.profile_id);
    }
    analytics::v1::AnalyticsService::Stub* stub = stubs_[index % stubs_.size()].get();
    StartUnaryOnQueue(stub,
                      &analytics::v1::AnalyticsService::Stub::PrepareAsyncGetCustomerAnalytics,
                      context, request, queue, std::move(done));
  }

 protected:
  std::string name() const override { return "customer_analytics"; }
  absl::Status ReadParams(Params&) override { return absl::OkStatus(); }
  void MakeStubs(const std::vector<std::shared_ptr<grpc::Channel>>& channels) override {
    for (const auto& channel : channels) {
      stubs_.push_back(analytics::v1::AnalyticsService::NewStub(channel));
    }
  }

 private:
  std::vector<std::unique_ptr<analytics::v1::AnalyticsService::Stub>> stubs_;
};

}  // namespace

std::unique_ptr<CallKind> NewGetProfileCall() { return std::make_unique<GetProfileCall>(); }
std::unique_ptr<CallKind> NewCustomerAnalyticsCall() {
  return std::make_unique<CustomerAnalyticsCall>();
}

}  // namespace clientele::load
