// The call policy of a server started with --auth=none (only on loopback addresses): every
// call is admitted, as a component would be (every method, responses untouched).
#ifndef CLIENTELE_GATEWAY_OPEN_CALL_POLICY_H_
#define CLIENTELE_GATEWAY_OPEN_CALL_POLICY_H_

#include <string_view>

#include "gateway/call_policy.h"

namespace clientele::gateway {

// Thread-safe (stateless).
class OpenCallPolicy final : public CallPolicy {
 public:
  absl::StatusOr<Caller> Admit(const CallCredentials& /*credentials*/,
                               std::string_view /*method*/) override {
    Caller caller;
    caller.name = "anonymous (--auth=none)";
    caller.role = "admin";
    caller.component = true;
    return caller;
  }
  bool InspectsResponses(const Caller& /*caller*/, std::string_view /*method*/) const override {
    return false;
  }
  absl::Status FilterResponse(const Caller& /*caller*/, std::string_view /*method*/,
                              google::protobuf::Message& /*response*/) override {
    return absl::OkStatus();
  }
};

}  // namespace clientele::gateway

#endif  // CLIENTELE_GATEWAY_OPEN_CALL_POLICY_H_
