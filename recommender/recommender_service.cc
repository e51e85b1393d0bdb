#include "recommender/recommender_service.h"

#include <utility>

#include "common/proto_check/grpc_request_parsing.h"
#include "common/status/grpc_status.h"
#include "recommender/state/item_vectors.h"

namespace clientele::recommender {
RecommenderServiceImpl::RecommenderServiceImpl(const RecommenderQueries* queries, JobManager* jobs,
                                               RecommenderStore* store)
    : queries_(queries), jobs_(jobs), store_(store) {
  // Requests are parsed here, so that one protobuf refuses fails with INVALID_ARGUMENT naming
  // the field instead of INTERNAL with an empty message (docs/decisions.md).
  const auto& service =
      *v1::SimilarItemsRequest::descriptor()->file()->FindServiceByName("RecommenderService");
  auto checked = [this, &service](std::string_view method, grpc::internal::MethodHandler* handler) {
    MarkMethodStreamed(proto_check::MethodIndex(service, method), handler);
  };
  checked("SimilarItems",
          proto_check::NewCheckedUnaryHandler(this, &RecommenderServiceImpl::SimilarItems));
  checked("CompleteBasket",
          proto_check::NewCheckedUnaryHandler(this, &RecommenderServiceImpl::CompleteBasket));
  checked("ListRules",
          proto_check::NewCheckedUnaryHandler(this, &RecommenderServiceImpl::ListRules));
  checked("StartJob", proto_check::NewCheckedUnaryHandler(this, &RecommenderServiceImpl::StartJob));
  checked("GetJob", proto_check::NewCheckedUnaryHandler(this, &RecommenderServiceImpl::GetJob));
  checked("ListJobs", proto_check::NewCheckedUnaryHandler(this, &RecommenderServiceImpl::ListJobs));
  checked("CancelJob",
          proto_check::NewCheckedUnaryHandler(this, &RecommenderServiceImpl::CancelJob));
  checked("GetModelInfo",
          proto_check::NewCheckedUnaryHandler(this, &RecommenderServiceImpl::GetModelInfo));
  checked("PutItemVectors",
          proto_check::NewCheckedUnaryHandler(this, &RecommenderServiceImpl::PutItemVectors));
}

grpc::ServerUnaryReactor* RecommenderServiceImpl::Recommend(grpc::CallbackServerContext* context,
                                                            const v1::RecommendRequest* request,
                                                            v1::RecommendResponse* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  reactor->Finish(Reply(queries_->Recommend(*request), response));
  return reactor;
}

grpc::Status RecommenderServiceImpl::SimilarItems(grpc::ServerContext* /*context*/,
                                                  const v1::SimilarItemsRequest* request,
                                                  v1::SimilarItemsResponse* response) {
  return Reply(queries_->SimilarItems(*request), response);
}

grpc::Status RecommenderServiceImpl::CompleteBasket(grpc::ServerContext* /*context*/,
                                                    const v1::CompleteBasketRequest* request,
                                                    v1::CompleteBasketResponse* response) {
  return Reply(queries_->CompleteBasket(*request), response);
}

grpc::Status RecommenderServiceImpl::ListRules(grpc::ServerContext* /*context*/,
                                               const v1::ListRulesRequest* request,
                                               v1::ListRulesResponse* response) {
  return Reply(queries_->ListRules(*request), response);
}

grpc::Status RecommenderServiceImpl::StartJob(grpc::ServerContext* /*context*/,
                                              const v1::StartJobRequest* request,
                                              v1::StartJobResponse* response) {
  absl::StatusOr<StartedJob> started = jobs_->StartJob(request->spec(), request->idempotency_key());
  if (!started.ok()) return ToGrpcStatus(started.status());
  *response->mutable_job() = std::move(started->job);
  response->set_existing(started->existing);
  return grpc::Status::OK;
}

grpc::Status RecommenderServiceImpl::GetJob(grpc::ServerContext* /*context*/,
                                            const v1::GetJobRequest* request,
                                            v1::GetJobResponse* response) {
  absl::StatusOr<v1::Job> job = jobs_->GetJob(request->job_id());
  if (!job.ok()) return ToGrpcStatus(job.status());
  *response->mutable_job() = std::move(*job);
  return grpc::Status::OK;
}

grpc::Status RecommenderServiceImpl::ListJobs(grpc::ServerContext* /*context*/,
                                              const v1::ListJobsRequest* request,
                                              v1::ListJobsResponse* response) {
  absl::StatusOr<JobPage> page = jobs_->ListJobs(request->page_size(), request->page_token());
  if (!page.ok()) return ToGrpcStatus(page.status());
  for (v1::Job& job : page->jobs) *response->add_jobs() = std::move(job);
  response->set_next_page_token(page->next_page_token);
  return grpc::Status::OK;
}

grpc::Status RecommenderServiceImpl::CancelJob(grpc::ServerContext* /*context*/,
                                               const v1::CancelJobRequest* request,
                                               v1::CancelJobResponse* response) {
  absl::StatusOr<v1::Job> job = jobs_->CancelJob(request->job_id());
  if (!job.ok()) return ToGrpcStatus(job.status());
  *response->mutable_job() = std::move(*job);
  return grpc::Status::OK;
}

grpc::Status RecommenderServiceImpl::GetModelInfo(grpc::ServerContext* /*context*/,
                                                  const v1::GetModelInfoRequest* /*request*/,
                                                  v1::GetModelInfoResponse* response) {
  return Reply(queries_->GetModelInfo(), response);
}

grpc::Status RecommenderServiceImpl::PutItemVectors(grpc::ServerContext* /*context*/,
                                                    const v1::PutItemVectorsRequest* request,
                                                    v1::PutItemVectorsResponse* response) {
  return ReplyWith(StoreItemVectors(store_, *request),
                   [response](int64_t stored) { response->set_stored(stored); });
}

}  // namespace clientele::recommender
