#include "gateway/privacy/privacy_service.h"

#include <algorithm>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/log/partitioning.h"
#include "common/status/grpc_status.h"
#include "gateway/caller_metadata.h"

namespace clientele::gateway {
namespace {

namespace pv1 = privacy::v1;

std::string Metadata(const grpc::ServerContext& context, const char* key) {
  const auto& metadata = context.client_metadata();
  auto it = metadata.find(key);
  return it == metadata.end() ? std::string() : std::string(it->second.data(), it->second.size());
}

grpc::Status Unavailable() {
  return grpc::Status(grpc::StatusCode::UNAVAILABLE, "the privacy service is starting");
}

void SetDeadline(grpc::ClientContext& context) {
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(30)));
}

}  // namespace

PrivacyServiceImpl::PrivacyServiceImpl(PrivacyRequestStore* store, PiiAuditLog* audit)
    : store_(store), audit_(audit) {}

PrivacyServiceImpl::~PrivacyServiceImpl() { Stop(); }

absl::Status PrivacyServiceImpl::Start(PrivacyBackends backends, ErasureOptions options) {
  auto started = std::make_shared<Started>();
  started->backends = backends;
  started->runner = std::make_unique<ErasureRunner>(store_, backends, options);
  started->exporter = std::make_unique<ExportComposer>(backends, audit_);
  if (absl::Status s = started->runner->Start(); !s.ok()) return s;
  absl::MutexLock lock(&mu_);
  started_ = std::move(started);
  return absl::OkStatus();
}

void PrivacyServiceImpl::Stop() {
  std::shared_ptr<Started> started = this->started();
  if (started != nullptr) started->runner->Stop();
}

std::shared_ptr<PrivacyServiceImpl::Started> PrivacyServiceImpl::started() const {
  absl::MutexLock lock(&mu_);
  return started_;
}

grpc::Status PrivacyServiceImpl::EraseSubject(grpc::ServerContext* context,
                                              const pv1::EraseSubjectRequest* request,
                                              pv1::EraseSubjectResponse* response) {
  if (absl::Status s = ValidateEraseRequest(*request); !s.ok()) return ToGrpcStatus(s);
  std::shared_ptr<Started> started = this->started();
  if (started == nullptr) return Unavailable();
  absl::StatusOr<PrivacyRequestStore::Created> created =
      store_->Create(*request, Metadata(*context, kCallerKeyIdMetadata));
  if (!created.ok()) return ToGrpcStatus(created.status());
  if (!created->existing) started->runner->Submit(created->request.request_id());
  *response->mutable_request() = std::move(created->request);
  response->set_existing(created->existing);
  return grpc::Status::OK;
}

grpc::Status PrivacyServiceImpl::GetPrivacyRequest(grpc::ServerContext* /*context*/,
                                                   const pv1::GetPrivacyRequestRequest* request,
                                                   pv1::GetPrivacyRequestResponse* response) {
  if (request->request_id().empty()) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "request_id: required");
  }
  return ReplyWith(store_->Get(request->request_id()),
                   [&](pv1::PrivacyRequest r) { *response->mutable_request() = std::move(r); });
}

grpc::Status PrivacyServiceImpl::ListPrivacyRequests(grpc::ServerContext* /*context*/,
                                                     const pv1::ListPrivacyRequestsRequest* request,
                                                     pv1::ListPrivacyRequestsResponse* response) {
  return Reply(store_->List(*request), response);
}

grpc::Status PrivacyServiceImpl::ExportSubject(grpc::ServerContext* context,
                                               const pv1::ExportSubjectRequest* request,
                                               pv1::ExportSubjectResponse* response) {
  std::shared_ptr<Started> started = this->started();
  if (started == nullptr) return Unavailable();
  ExportCaller caller{Metadata(*context, kCallerKeyIdMetadata),
                      Metadata(*context, kCallerNameMetadata),
                      Metadata(*context, kCallerRoleMetadata)};
  return ReplyWith(started->exporter->Export(request->subject(), caller, context),
                   [&](std::string json) { response->set_json(std::move(json)); });
}

grpc::Status PrivacyServiceImpl::ListSuppressions(grpc::ServerContext* /*context*/,
                                                  const pv1::ListSuppressionsRequest* request,
                                                  pv1::ListSuppressionsResponse* response) {
  std::shared_ptr<Started> started = this->started();
  if (started == nullptr) return Unavailable();
  if (request->page_size() < 0) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "page_size: negative");
  }
  const int size = request->page_size() == 0 ? 100 : std::min(request->page_size(), 1000);
  absl::StatusOr<std::vector<IngestNode>> nodes = IngestNodesOf(started->backends);
  if (!nodes.ok()) return ToGrpcStatus(nodes.status());
  // The token: "<node index>:<that node's token>".
  size_t node = 0;
  std::string inner;
  if (!request->page_token().empty()) {
    const size_t colon = request->page_token().find(':');
    if (colon == std::string::npos ||
        !absl::SimpleAtoi(request->page_token().substr(0, colon), &node) || node >= nodes->size()) {
      return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                          "page_token: not a token of this list");
    }
    inner = request->page_token().substr(colon + 1);
  }
  for (; node < nodes->size(); ++node, inner.clear()) {
    const int room = size - response->suppressions_size();
    if (room == 0) {
      response->set_next_page_token(absl::StrCat(node, ":"));
      break;
    }
    pv1::IngestPrivacy::Stub stub((*nodes)[node].channel);
    grpc::ClientContext call;
    SetDeadline(call);
    pv1::ListSuppressionsRequest part_request;
    part_request.set_page_size(room);
    part_request.set_page_token(inner);
    pv1::ListSuppressionsResponse part;
    grpc::Status status = stub.ListSuppressions(&call, part_request, &part);
    if (!status.ok()) return status;
    for (pv1::Suppression& s : *part.mutable_suppressions()) {
      *response->add_suppressions() = std::move(s);
    }
    if (!part.next_page_token().empty()) {
      response->set_next_page_token(absl::StrCat(node, ":", part.next_page_token()));
      break;
    }
  }
  return grpc::Status::OK;
}

grpc::Status PrivacyServiceImpl::LiftSuppression(grpc::ServerContext* /*context*/,
                                                 const pv1::LiftSuppressionRequest* request,
                                                 pv1::LiftSuppressionResponse* response) {
  std::shared_ptr<Started> started = this->started();
  if (started == nullptr) return Unavailable();
  if (request->source_key().system().empty() || request->source_key().id().empty()) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                        "source_key: system and id are required");
  }
  const uint32_t partition =
      log::PartitionOf(request->source_key(), started->backends.partition_count);
  std::shared_ptr<grpc::Channel> channel =
      started->backends.ingest ? started->backends.ingest(partition) : nullptr;
  if (channel == nullptr) {
    return ToGrpcStatus(NotReachable(absl::StrCat("ingest partition ", partition)));
  }
  pv1::IngestPrivacy::Stub stub(channel);
  grpc::ClientContext call;
  SetDeadline(call);
  return stub.LiftSuppression(&call, *request, response);
}

}  // namespace clientele::gateway
