#include "ingest/ingest_service.h"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/proto_check/grpc_request_parsing.h"
#include "common/status/grpc_status.h"
#include "spdlog/spdlog.h"

namespace clientele::ingest {
namespace {

constexpr int kDefaultSubscribeBatch = 512;
constexpr int kMaxSubscribeBatch = 10000;
// How often a tailing Subscribe re-checks cancellation while the log is idle.
constexpr absl::Duration kTailPollInterval = absl::Milliseconds(250);

void SetTimestamp(absl::Time t, google::protobuf::Timestamp* ts) {
  const int64_t nanos = absl::ToUnixNanos(t);
  ts->set_seconds(nanos / 1000000000);
  ts->set_nanos(static_cast<int32_t>(nanos % 1000000000));
}

}  // namespace

IngestServiceImpl::IngestServiceImpl(EventLog* log, ConsumerRegistry* consumers,
                                     metrics::Registry* metrics, std::function<absl::Time()> clock)
    : log_(log),
      consumers_(consumers),
      metrics_(metrics),
      clock_(clock ? std::move(clock) : [] { return absl::Now(); }),
      accepted_(metrics->GetCounter("clientele_ingest_events_accepted_total",
                                    "Events appended to the log.")),
      duplicates_(metrics->GetCounter("clientele_ingest_events_duplicate_total",
                                      "Events dropped as retries of an accepted event_id.")),
      append_seconds_(metrics->GetHistogram("clientele_ingest_append_seconds",
                                            "Time to validate and durably append one batch.",
                                            metrics::LatencyBucketsSeconds())),
      subscribed_entries_(metrics->GetCounter("clientele_ingest_subscribe_entries_total",
                                              "Log entries sent to subscribers.")) {
  for (uint32_t p : log_->owned_partitions()) {
    metrics->AddGaugeCallback("clientele_ingest_log_last_sequence",
                              "Last sequence of each owned partition.",
                              {{"partition", absl::StrCat(p)}},
                              [log, p] { return static_cast<double>(log->LastSequence(p)); });
  }
  metrics->AddGaugeCallback("clientele_ingest_dead_letters", "Dead letters kept.", {},
                            [log] { return static_cast<double>(log->dead_letters().last_id()); });
  // The public data entry points parse their requests themselves, so that a request protobuf
  // refuses fails with INVALID_ARGUMENT naming the field, not INTERNAL (docs/decisions.md).
  const auto& service =
      *v1::IngestRequest::descriptor()->file()->FindServiceByName("IngestService");
  MarkMethodStreamed(proto_check::MethodIndex(service, "Ingest"),
                     proto_check::NewCheckedUnaryHandler(this, &IngestServiceImpl::Ingest));
  MarkMethodStreamed(
      proto_check::MethodIndex(service, "IngestStream"),
      proto_check::NewCheckedClientStreamingHandler(this, &IngestServiceImpl::IngestStream));
}

metrics::Counter* IngestServiceImpl::RejectedCounter(const std::string& code) {
  return metrics_->GetCounter("clientele_ingest_events_rejected_total",
                              "Events rejected, by reason code.", {{"code", code}});
}

absl::Status IngestServiceImpl::AppendBatch(const v1::IngestRequest& request, int64_t index_base,
                                            v1::IngestResponse* response) {
  const absl::Time start = absl::Now();
  std::vector<const common::v1::Event*> events;
  events.reserve(request.events_size());
  for (const auto& e : request.events()) events.push_back(&e);
  std::vector<AppendResult> results;
  absl::Status status = log_->Append(events, request.client_rejections(), clock_(), &results);
  if (!status.ok()) return status;
  append_seconds_->Observe(absl::ToDoubleSeconds(absl::Now() - start));

  int64_t accepted = 0, duplicates = 0, rejected = 0;
  for (size_t i = 0; i < results.size(); ++i) {
    const AppendResult& r = results[i];
    switch (r.outcome) {
      case AppendResult::Outcome::kAccepted:
        ++accepted;
        break;
      case AppendResult::Outcome::kDuplicate:
        ++duplicates;
        break;
      case AppendResult::Outcome::kRejected:
        ++rejected;
        RejectedCounter(r.rejection.code)->Increment();
        break;
    }
    if (request.omit_accepted_results() && r.outcome == AppendResult::Outcome::kAccepted) continue;
    v1::EventResult* out = response->add_results();
    out->set_index(index_base + static_cast<int64_t>(i));
    out->set_event_id(events[i]->event_id());
    out->set_partition(r.partition);
    out->set_sequence(r.sequence);
    switch (r.outcome) {
      case AppendResult::Outcome::kAccepted:
        out->set_outcome(v1::EventResult::OUTCOME_ACCEPTED);
        break;
      case AppendResult::Outcome::kDuplicate:
        out->set_outcome(v1::EventResult::OUTCOME_DUPLICATE);
        break;
      case AppendResult::Outcome::kRejected:
        out->set_outcome(v1::EventResult::OUTCOME_REJECTED);
        out->set_field(r.rejection.field);
        out->set_code(r.rejection.code);
        out->set_reason(r.rejection.reason);
        break;
    }
  }
  if (request.client_rejections_size() > 0) {
    RejectedCounter("client_parse_error")->Increment(request.client_rejections_size());
  }
  accepted_->Increment(accepted);
  duplicates_->Increment(duplicates);
  response->set_accepted(response->accepted() + accepted);
  response->set_duplicates(response->duplicates() + duplicates);
  response->set_rejected(response->rejected() + rejected);
  response->set_client_rejections_stored(response->client_rejections_stored() +
                                         request.client_rejections_size());
  return absl::OkStatus();
}

grpc::Status IngestServiceImpl::Ingest(grpc::ServerContext* /*context*/,
                                       const v1::IngestRequest* request,
                                       v1::IngestResponse* response) {
  return ToGrpcStatus(AppendBatch(*request, 0, response));
}

grpc::Status IngestServiceImpl::IngestStream(grpc::ServerContext* /*context*/,
                                             grpc::ServerReaderInterface<v1::IngestRequest>* reader,
                                             v1::IngestResponse* response) {
  v1::IngestRequest request;
  int64_t index_base = 0;
  while (reader->Read(&request)) {
    // Batches already appended stay appended if a later one fails: the client learns the
    // outcome of each batch it sent only through this response, so it must retry the
    // whole stream, and deduplication makes that safe.
    if (absl::Status s = AppendBatch(request, index_base, response); !s.ok()) {
      return ToGrpcStatus(s);
    }
    index_base += request.events_size();
  }
  return grpc::Status::OK;
}

grpc::Status IngestServiceImpl::Subscribe(grpc::ServerContext* context,
                                          const v1::SubscribeRequest* request,
                                          grpc::ServerWriter<v1::SubscribeResponse>* writer) {
  const uint32_t partition = request->partition();
  if (!log_->Owns(partition)) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                        absl::StrCat("partition: ", partition, " is not served here"));
  }
  for (int t : request->payload_types()) {
    if (!common::v1::PayloadType_IsValid(t) || t == common::v1::PAYLOAD_TYPE_UNSPECIFIED) {
      return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                          absl::StrCat("payload_types: unknown payload type ", t));
    }
  }
  const int max_batch = std::min<int>(
      request->max_batch_events() == 0 ? kDefaultSubscribeBatch : request->max_batch_events(),
      kMaxSubscribeBatch);
  std::vector<common::v1::PayloadType> types;
  for (int t : request->payload_types()) types.push_back(static_cast<common::v1::PayloadType>(t));
  const uint64_t end_at = log_->LastSequence(partition);
  uint64_t next = std::max<uint64_t>(request->from_sequence(), 1);

  v1::SubscribeResponse response;
  bool caught_up_sent = false;
  while (!context->IsCancelled() && !log_->closed()) {
    response.Clear();
    response.set_partition(partition);
    absl::StatusOr<ReadResult> read =
        log_->Read(partition, next, max_batch, types, [&response](std::string_view bytes) {
          response.add_entries()->ParseFromArray(bytes.data(), static_cast<int>(bytes.size()));
        });
    if (!read.ok()) return ToGrpcStatus(read.status());
    if (read->through_sequence >= next) {
      response.set_through_sequence(read->through_sequence);
      if (!writer->Write(response)) return grpc::Status::OK;  // The client went away.
      subscribed_entries_->Increment(read->entries);
      next = read->through_sequence + 1;
      caught_up_sent = false;
      if (request->stop_at_end() && next > end_at) return grpc::Status::OK;
      continue;
    }
    if (request->stop_at_end() && next > end_at) return grpc::Status::OK;
    if (!caught_up_sent) {
      // An empty response tells the subscriber it has everything (consumers report
      // their progress then, which `clientele sync` waits for).
      response.set_through_sequence(next - 1);
      if (!writer->Write(response)) return grpc::Status::OK;
      caught_up_sent = true;
    }
    log_->WaitForSequence(partition, next, absl::Now() + kTailPollInterval);
  }
  if (log_->closed()) {
    spdlog::debug("subscribe to partition {} ends: shutting down", partition);
    return grpc::Status(grpc::StatusCode::UNAVAILABLE, "the server is shutting down");
  }
  return grpc::Status(grpc::StatusCode::CANCELLED, "subscription cancelled");
}

grpc::Status IngestServiceImpl::GetLogInfo(grpc::ServerContext* /*context*/,
                                           const v1::GetLogInfoRequest* /*request*/,
                                           v1::GetLogInfoResponse* response) {
  response->set_partition_count(log_->partition_count());
  for (uint32_t p : log_->owned_partitions()) {
    v1::PartitionInfo* info = response->add_partitions();
    info->set_partition(p);
    info->set_first_sequence(log_->FirstSequence(p));
    info->set_last_sequence(log_->LastSequence(p));
  }
  for (v1::ConsumerInfo& c : consumers_->List()) *response->add_consumers() = std::move(c);
  response->set_dead_letters(static_cast<int64_t>(log_->dead_letters().last_id()));
  return grpc::Status::OK;
}

grpc::Status IngestServiceImpl::ListRejected(grpc::ServerContext* /*context*/,
                                             const v1::ListRejectedRequest* request,
                                             v1::ListRejectedResponse* response) {
  absl::StatusOr<v1::ListRejectedResponse> page =
      log_->dead_letters().List(request->page_size(), request->page_token());
  if (!page.ok()) return ToGrpcStatus(page.status());
  *response = std::move(*page);
  return grpc::Status::OK;
}

grpc::Status IngestServiceImpl::CommitProgress(grpc::ServerContext* /*context*/,
                                               const v1::CommitProgressRequest* request,
                                               v1::CommitProgressResponse* /*response*/) {
  if (!log_->Owns(request->partition())) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                        absl::StrCat("partition: ", request->partition(), " is not served here"));
  }
  return ToGrpcStatus(consumers_->Commit(request->consumer(), request->partition(),
                                         request->applied_sequence(), clock_()));
}

}  // namespace clientele::ingest
