// Building blocks for CallKind implementations: typed --param access, a unary callback-API call
// that owns its messages, and a base class for kinds whose calls name a customer.
#ifndef CLIENTELE_CMD_CLIENTELE_LOAD_CALL_KIND_UTIL_H_
#define CLIENTELE_CMD_CLIENTELE_LOAD_CALL_KIND_UTIL_H_

#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "cmd/clientele-load/call_kind.h"
#include "cmd/clientele-load/keys.h"

namespace clientele::load {

// Reads --param values by name and remembers which were read, so that a misspelt name is an
// error instead of being ignored. Errors name the parameter.
class Params {
 public:
  Params(std::string kind, std::map<std::string, std::string> values)
      : kind_(std::move(kind)), values_(std::move(values)) {}

  std::string String(const std::string& name, const std::string& default_value);
  absl::StatusOr<int64_t> Int(const std::string& name, int64_t default_value, int64_t min,
                              int64_t max);
  // true/false/1/0/yes/no.
  absl::StatusOr<bool> Bool(const std::string& name, bool default_value);
  // InvalidArgument naming the first parameter nobody asked for, with the known names.
  absl::Status CheckAllUsed() const;

 private:
  const std::string kind_;
  const std::map<std::string, std::string> values_;
  std::set<std::string> known_;
};

// Starts one unary call through the callback API. `method` is called as
// method(context, const Request*, Response*, std::function<void(grpc::Status)>), e.g.
//   [stub](auto... args) { stub->async()->GetProfile(args...); }
// The request and response live on the heap until `done` has run.
template <typename Request, typename Response, typename Method>
void StartUnary(const Method& method, grpc::ClientContext* context, Request request,
                DoneCallback done) {
  struct State {
    Request request;
    Response response;
    DoneCallback done;
  };
  auto* state = new State{std::move(request), Response(), std::move(done)};
  method(context, &state->request, &state->response, [state](grpc::Status status) {
    state->done(status);
    delete state;
  });
}

// A call kind whose call i names customer keys()[i % n]: the keys come from --keys, or from
// identity (param keys=profiles, the default: profile ids from ListProfiles; keys=source_keys:
// source keys from GetProfileMap, param system= to keep one system's). Subclasses read their
// own params and build their stubs.
class KeyedCallKind : public CallKind {
 public:
  absl::Status Prepare(const PrepareContext& context) final;
  int64_t distinct_requests() const final { return static_cast<int64_t>(keys_.size()); }

 protected:
  // Reads the subclass's parameters (before any RPC).
  virtual absl::Status ReadParams(Params& params) = 0;
  // Builds one stub per channel.
  virtual void MakeStubs(const std::vector<std::shared_ptr<grpc::Channel>>& channels) = 0;
  // The key of call `index`.
  const ParsedKey& KeyFor(uint64_t index) const { return keys_[index % keys_.size()]; }

  virtual std::string name() const = 0;

 private:
  std::vector<ParsedKey> keys_;
};

}  // namespace clientele::load

#endif  // CLIENTELE_CMD_CLIENTELE_LOAD_CALL_KIND_UTIL_H_
