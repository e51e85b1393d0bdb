#include "gateway/default_call_policy.h"

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/status/status_macros.h"

namespace clientele::gateway {
namespace {

// Debian's abseil has its own string_view type: std::string_view converts explicitly.
absl::string_view Sv(std::string_view text) { return absl::string_view(text.data(), text.size()); }

constexpr char kAnonymous[] = "anonymous";

// "/pkg.Service/Method" -> "pkg.Service.Method"; empty when `method` is not of that form.
std::string FullMethodName(std::string_view method) {
  if (method.size() < 4 || method[0] != '/') return "";
  const size_t slash = method.find('/', 1);
  if (slash == std::string_view::npos || slash == 1 || slash + 1 == method.size()) return "";
  return absl::StrCat(Sv(method.substr(1, slash - 1)), ".", Sv(method.substr(slash + 1)));
}

}  // namespace

absl::StatusOr<AuthMode> ParseAuthMode(std::string_view text) {
  if (text == "required") return AuthMode::kRequired;
  if (text == "none") return AuthMode::kNone;
  return absl::InvalidArgumentError(
      absl::StrCat("--auth: '", Sv(text), "' is not an authentication mode (required or none)"));
}

DefaultCallPolicy::DefaultCallPolicy(const Authenticator* authenticator, const RoleTable* table,
                                     RateLimiter* limiter, PiiStep pii, PiiAuditSink audit,
                                     DefaultCallPolicyOptions options)
    : authenticator_(authenticator),
      table_(table),
      limiter_(limiter),
      pii_(std::move(pii)),
      audit_(std::move(audit)),
      auth_mode_(options.auth_mode),
      pool_(options.pool != nullptr ? options.pool
                                    : google::protobuf::DescriptorPool::generated_pool()) {}

absl::StatusOr<Caller> DefaultCallPolicy::Admit(const CallCredentials& credentials,
                                                std::string_view method) {
  if (auth_mode_ == AuthMode::kNone) {
    Caller caller;
    caller.name = kAnonymous;
    caller.role = "admin";
    return caller;
  }
  if (table_->IsPublic(method)) {
    Caller caller;
    caller.name = kAnonymous;
    return caller;
  }
  CLT_ASSIGN_OR_RETURN(Authentication who, authenticator_->Authenticate(credentials));
  if (who.caller.component) return std::move(who.caller);
  CLT_RETURN_IF_ERROR(limiter_->Charge(who.caller.key_id, who.rps));
  CLT_RETURN_IF_ERROR(table_->Authorize(who.caller.role, method));
  return std::move(who.caller);
}

bool DefaultCallPolicy::ResponsesMayCarryPii(std::string_view method) const {
  {
    absl::ReaderMutexLock lock(&mu_);
    auto it = may_carry_pii_.find(Sv(method));
    if (it != may_carry_pii_.end()) return it->second;
  }
  const google::protobuf::MethodDescriptor* descriptor =
      pool_->FindMethodByName(FullMethodName(method));
  const bool may_carry = descriptor != nullptr && pii_.may_carry_pii(descriptor->output_type());
  // Only methods of known services are remembered: unknown names must not grow the map.
  if (descriptor != nullptr) {
    absl::MutexLock lock(&mu_);
    may_carry_pii_.emplace(std::string(method), may_carry);
  }
  return may_carry;
}

bool DefaultCallPolicy::InspectsResponses(const Caller& caller, std::string_view method) const {
  if (caller.component) return false;
  return ResponsesMayCarryPii(method);
}

absl::Status DefaultCallPolicy::FilterResponse(const Caller& caller, std::string_view method,
                                               google::protobuf::Message& response) {
  if (caller.component) return absl::OkStatus();
  if (!table_->HasPermission(caller.role, kPiiRead)) {
    pii_.mask_pii(response);
    return absl::OkStatus();
  }
  PiiReport report = pii_.find_pii(response);
  if (report.empty()) return absl::OkStatus();
  PiiRead read;
  read.time = absl::Now();
  read.key_id = caller.key_id;
  read.key_name = caller.name;
  read.role = caller.role;
  read.method = std::string(method);
  read.profile_ids = std::move(report.profile_ids);
  read.fields = std::move(report.fields);
  absl::Status appended = audit_(read);
  if (!appended.ok()) {
    return absl::UnavailableError(
        absl::StrCat("the response holds personal data and its audit entry could not be "
                     "written: ",
                     appended.message()));
  }
  return absl::OkStatus();
}

}  // namespace clientele::gateway
