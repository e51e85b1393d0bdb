#include "recommender/recommender_service.h"

#include <utility>

#include "common/proto_check/grpc_request_parsing.h"
#include "common/status/grpc_status.h"
#include "recommender/state/item_vectors.h"

namespace clientele::recommender {
RecommenderServiceImpl::RecommenderServiceImpl(const RecommenderQueries* queries,
                                               RecommenderStore* store)
    : queries_(queries), store_(store) {
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

grpc::Status RecommenderServiceImpl::GetModelInfo(grpc::ServerContext* /*context*/,
                                                  const v1::GetModelInfoRequest* /*request*/,
                                                  v1::GetModelInfoResponse* response) {
  return Reply(queries_->GetModelInfo(), response);
}

grpc::Status RecommenderServiceImpl::PutItemVectors(grpc::ServerContext* /*context*/,
                                                    const v1::PutItemVectorsRequest* request,
                                                    v1::PutItemVectorsResponse* response) {
  if (store_ == nullptr) {
    return grpc::Status(grpc::StatusCode::FAILED_PRECONDITION,
                        "PutItemVectors: this is a serving replica; send item vectors to the "
                        "training recommender (--recommender_addr), whose next training uses them");
  }
  return ReplyWith(StoreItemVectors(store_, *request),
                   [response](int64_t stored) { response->set_stored(stored); });
}

}  // namespace clientele::recommender
