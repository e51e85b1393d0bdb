#include "gateway/privacy/export_composer.h"

#include <array>
#include <map>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "clientele/privacy/v1/privacy.grpc.pb.h"
#include "common/privacy/subject_set.h"
#include "common/status/grpc_status.h"
#include "common/status/status_macros.h"
#include "common/time/proto_time.h"
#include "nlohmann/json.hpp"

namespace clientele::gateway {
namespace {

namespace pv1 = privacy::v1;
using nlohmann::json;

constexpr char kExportMethod[] = "/clientele.privacy.v1.PrivacyService/ExportSubject";
constexpr char kExportField[] = "clientele.privacy.v1.ExportSubjectResponse.json";

absl::StatusOr<json> ProtoJson(const google::protobuf::Message& message) {
  return clientele::privacy::ProtoToJson(message, /*print_zero_values=*/false);
}

// One component's part, called in parallel with the others.
struct Part {
  const char* component;
  std::unique_ptr<grpc::ClientContext> context;
  pv1::ExportSubjectDataResponse response;
  std::optional<absl::Status> status;
};

}  // namespace

ExportComposer::ExportComposer(PrivacyBackends backends, PiiAuditLog* audit,
                               absl::Duration part_timeout)
    : backends_(std::move(backends)), audit_(audit), part_timeout_(part_timeout) {}

std::unique_ptr<grpc::ClientContext> ExportComposer::NewContext(
    const grpc::ServerContextBase* parent) const {
  std::unique_ptr<grpc::ClientContext> context =
      parent != nullptr ? grpc::ClientContext::FromServerContext(*parent)
                        : std::make_unique<grpc::ClientContext>();
  context->set_deadline(absl::ToChronoTime(absl::Now() + part_timeout_));
  return context;
}

absl::StatusOr<std::string> ExportComposer::Export(const pv1::SubjectSelector& selector,
                                                   const ExportCaller& caller,
                                                   const grpc::ServerContextBase* parent) const {
  pv1::EraseSubjectRequest check;
  *check.add_subjects() = selector;
  check.set_reason("export");
  if (absl::Status s = ValidateEraseRequest(check); !s.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("subject", s.message().substr(s.message().find(']') + 1)));
  }
  std::unique_ptr<grpc::ClientContext> resolve_context = NewContext(parent);
  CLT_ASSIGN_OR_RETURN(std::optional<pv1::Subject> subject,
                       ResolveSubject(backends_.identity, selector, resolve_context.get()));
  if (!subject.has_value()) return absl::NotFoundError("subject: names nobody");

  pv1::ExportSubjectDataRequest request;
  *request.mutable_subject() = *subject;
  std::array<Part, 3> parts = {Part{"identity"}, Part{"analytics"}, Part{"recommender"}};
  absl::Mutex mu;
  int running = 0;
  auto launch = [&](Part& part, auto* stub) {
    if (stub == nullptr) {
      part.status = NotReachable(part.component);
      return;
    }
    part.context = NewContext(parent);
    {
      absl::MutexLock lock(&mu);
      ++running;
    }
    stub->async()->ExportSubjectData(part.context.get(), &request, &part.response,
                                     [&part, &mu, &running](grpc::Status status) {
                                       absl::MutexLock lock(&mu);
                                       part.status = FromGrpcStatus(status);
                                       --running;
                                     });
  };
  std::unique_ptr<pv1::IdentityPrivacy::Stub> identity =
      backends_.identity ? pv1::IdentityPrivacy::NewStub(backends_.identity) : nullptr;
  std::unique_ptr<pv1::AnalyticsPrivacy::Stub> analytics =
      backends_.analytics ? pv1::AnalyticsPrivacy::NewStub(backends_.analytics) : nullptr;
  std::unique_ptr<pv1::RecommenderPrivacy::Stub> recommender =
      backends_.recommender ? pv1::RecommenderPrivacy::NewStub(backends_.recommender) : nullptr;
  launch(parts[0], identity.get());
  launch(parts[1], analytics.get());
  launch(parts[2], recommender.get());
  {
    absl::MutexLock lock(&mu);
    mu.Await(absl::Condition(
        +[](int* n) { return *n == 0; }, &running));
  }

  json document = json::object();
  for (Part& part : parts) {
    if (!part.status->ok()) {
      return absl::Status(part.status->code(),
                          absl::StrCat(part.component, ": ", part.status->message()));
    }
    json object = json::parse(part.response.json(), nullptr, /*allow_exceptions=*/false);
    if (!object.is_object()) {
      return absl::InternalError(absl::StrCat(part.component, ": its export is not a JSON object"));
    }
    for (auto& [key, value] : object.items()) document[key] = std::move(value);
  }

  CLT_ASSIGN_OR_RETURN(document["subject"], ProtoJson(*subject));
  for (const char* key : {"profile_ids", "source_keys"}) {
    if (!document["subject"].contains(key)) document["subject"][key] = json::array();
  }
  // An entry about several of the profile ids is listed once; the store's sequence orders the
  // entries oldest first across the profiles.
  std::map<uint64_t, json> audit_by_sequence;
  for (const std::string& profile_id : subject->profile_ids()) {
    gateway::v1::ListPiiAuditRequest list;
    list.set_profile_id(profile_id);
    list.set_page_size(1000);
    do {
      CLT_ASSIGN_OR_RETURN(gateway::v1::ListPiiAuditResponse page, audit_->List(list));
      for (const gateway::v1::PiiAuditEntry& entry : page.entries()) {
        if (audit_by_sequence.count(entry.sequence()) > 0) continue;
        CLT_ASSIGN_OR_RETURN(json entry_json, ProtoJson(entry));
        audit_by_sequence.emplace(entry.sequence(), std::move(entry_json));
      }
      list.set_page_token(page.next_page_token());
    } while (!list.page_token().empty());
  }
  json audit = json::array();
  for (auto& [sequence, entry] : audit_by_sequence) audit.push_back(std::move(entry));
  document["pii_audit"] = std::move(audit);
  const absl::Time now = absl::Now();
  document["exported_at"] = absl::FormatTime(absl::RFC3339_sec, now, absl::UTCTimeZone());

  gateway::v1::PiiAuditEntry entry;
  ToProtoTimestamp(now, entry.mutable_at());
  entry.set_key_id(caller.key_id);
  entry.set_key_name(caller.key_name);
  entry.set_role(caller.role);
  entry.set_method(kExportMethod);
  for (const std::string& id : subject->profile_ids()) entry.add_profile_ids(id);
  entry.add_fields(kExportField);
  CLT_RETURN_IF_ERROR(audit_->Append(std::move(entry)));
  return document.dump();
}

}  // namespace clientele::gateway
