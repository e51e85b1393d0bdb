// recommend: RecommenderService.Recommend for varied customers.
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "clientele/recommender/v1/recommender.grpc.pb.h"
#include "cmd/clientele-load/builtin_call_kinds.h"
#include "cmd/clientele-load/call_kind_util.h"
#include "common/status/status_macros.h"

namespace clientele::load {
namespace {

namespace rv1 = ::clientele::recommender::v1;

const std::map<std::string, rv1::Strategy>& Strategies() {
  static const auto* strategies =
      new std::map<std::string, rv1::Strategy>{{"unspecified", rv1::STRATEGY_UNSPECIFIED},
                                               {"popularity", rv1::STRATEGY_POPULARITY},
                                               {"item_cf", rv1::STRATEGY_ITEM_CF},
                                               {"sar", rv1::STRATEGY_SAR},
                                               {"ease", rv1::STRATEGY_EASE},
                                               {"hybrid", rv1::STRATEGY_HYBRID},
                                               {"content", rv1::STRATEGY_CONTENT},
                                               {"rules", rv1::STRATEGY_RULES}};
  return *strategies;
}

class RecommendCall final : public KeyedCallKind {
 public:
  void Start(uint64_t index, grpc::ClientContext* context, grpc::CompletionQueue* queue,
             DoneCallback done) override {
    const ParsedKey& key = KeyFor(index);
    rv1::RecommendRequest request = base_request_;
    if (key.is_source_key) {
      *request.mutable_source_key() = key.source_key;
    } else {
      request.set_profile_id(key.profile_id);
    }
    rv1::RecommenderService::Stub* stub = stubs_[index % stubs_.size()].get();
    StartUnaryOnQueue(stub, &rv1::RecommenderService::Stub::PrepareAsyncRecommend, context, request,
                      queue, std::move(done));
  }

 protected:
  std::string name() const override { return "recommend"; }

  absl::Status ReadParams(Params& params) override {
    CLT_ASSIGN_OR_RETURN(int64_t k, params.Int("k", 10, 1, 1000));
    base_request_.set_k(static_cast<int32_t>(k));
    const std::string strategy = params.String("strategy", "unspecified");
    auto it = Strategies().find(strategy);
    if (it == Strategies().end()) {
      return absl::InvalidArgumentError(
          "param strategy of call recommend: unknown strategy '" + strategy +
          "' (known: unspecified, popularity, item_cf, sar, ease, hybrid, content, rules)");
    }
    base_request_.set_strategy(it->second);
    CLT_ASSIGN_OR_RETURN(bool exclude, params.Bool("exclude_purchased", true));
    base_request_.set_exclude_purchased(exclude);
    CLT_ASSIGN_OR_RETURN(bool consent, params.Bool("respect_consent", false));
    base_request_.set_respect_consent(consent);
    for (absl::string_view category :
         absl::StrSplit(params.String("category", ""), ',', absl::SkipEmpty())) {
      base_request_.add_categories(std::string(category));
    }
    return absl::OkStatus();
  }

  void MakeStubs(const std::vector<std::shared_ptr<grpc::Channel>>& channels) override {
    for (const auto& channel : channels)
      stubs_.push_back(rv1::RecommenderService::NewStub(channel));
  }

 private:
  rv1::RecommendRequest base_request_;  // Everything but the customer.
  std::vector<std::unique_ptr<rv1::RecommenderService::Stub>> stubs_;
};

}  // namespace

std::unique_ptr<CallKind> NewRecommendCall() { return std::make_unique<RecommendCall>(); }

}  // namespace clientele::load
