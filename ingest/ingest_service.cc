#include "ingest/ingest_service.h"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/log/consumer_lag.h"
#include "common/proto_check/grpc_request_parsing.h"
#include "common/status/grpc_status.h"
#include "ingest/log_entry_codec.h"
#include "ingest/log_fence.h"
#include "ingest/retention/log_retention_mark.h"
#include "ingest/subscribe_batch.h"
#include "spdlog/spdlog.h"

namespace clientele::ingest {
namespace {

constexpr int kDefaultSubscribeBatch = 512;
constexpr int kMaxSubscribeBatch = 10000;
// How often a tailing Subscribe re-checks cancellation while the log is idle.
constexpr absl::Duration kTailPollInterval = absl::Milliseconds(250);
// Most bytes of entries in one Subscribe response (one entry always goes, whatever its size):
// a batch of large events must stay far below the message size limit (--max_message_bytes,
// 64 MiB by default), and a subscriber that stops reading holds at most this much per message.
constexpr size_t kMaxSubscribeResponseBytes = 4 << 20;

// A ByteBuffer that owns `bytes` (no copy: gRPC frees them once sent).
grpc::ByteBuffer OwningByteBuffer(std::string bytes) {
  auto* owned = new std::string(std::move(bytes));
  grpc::Slice slice(
      owned->data(), owned->size(), [](void* p) { delete static_cast<std::string*>(p); }, owned);
  return grpc::ByteBuffer(&slice, 1);
}

// One sample per registered consumer and owned partition; 0 for a consumer ahead of the log
// (the log is then fenced, and GetLogInfo says why).
std::vector<metrics::Sample> ConsumerLag(const EventLog& log, const ConsumerRegistry& consumers) {
  std::vector<metrics::Sample> samples;
  for (const v1::ConsumerInfo& c : consumers.List()) {
    if (!log.Owns(c.partition())) continue;
    const uint64_t end = log.LastSequence(c.partition());
    const uint64_t lag = end > c.applied_sequence() ? end - c.applied_sequence() : 0;
    samples.push_back({{{"consumer", c.consumer()}, {"partition", absl::StrCat(c.partition())}},
                       static_cast<double>(lag)});
  }
  return samples;
}

}  // namespace

IngestServiceImpl::~IngestServiceImpl() {
  for (uint32_t p : log_->owned_partitions()) {
    metrics_->RemoveGaugeCallback("clientele_ingest_log_last_sequence",
                                  {{"partition", absl::StrCat(p)}});
    metrics_->RemoveGaugeCallback("clientele_ingest_log_first_sequence",
                                  {{"partition", absl::StrCat(p)}});
  }
  metrics_->RemoveCounterCallback("clientele_ingest_dead_letters_total", {});
  metrics_->RemoveGaugeFamilyCallback(log::kConsumerLagMetric);
}

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
      conflicts_(metrics->GetCounter(
          "clientele_ingest_events_conflict_total",
          "Events refused because their event_id was accepted with another payload.")),
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
    metrics->AddGaugeCallback(
        "clientele_ingest_log_first_sequence",
        "First retained sequence of each owned partition (log retention removed those below).",
        {{"partition", absl::StrCat(p)}},
        [log, p] { return static_cast<double>(log->FirstSequence(p)); });
  }
  metrics->AddCounterCallback("clientele_ingest_dead_letters_total",
                              "Events written to the dead-letter store.", {},
                              [log] { return static_cast<double>(log->dead_letters().last_id()); });
  metrics->SetGaugeFamilyCallback(log::kConsumerLagMetric, log::kConsumerLagHelp,
                                  [log, consumers] { return ConsumerLag(*log, *consumers); });
  // The public data entry points parse their requests themselves, so that a request protobuf
  // refuses fails with INVALID_ARGUMENT naming the field, not INTERNAL (docs/decisions.md).
  const auto& service =
      *v1::IngestRequest::descriptor()->file()->FindServiceByName("IngestService");
  MarkMethodStreamed(proto_check::MethodIndex(service, "Ingest"),
                     proto_check::NewCheckedUnaryHandler(this, &IngestServiceImpl::Ingest));
  MarkMethodStreamed(
      proto_check::MethodIndex(service, "IngestStream"),
      proto_check::NewCheckedClientStreamingHandler(this, &IngestServiceImpl::IngestStream));
  // Subscribe writes stored bytes as they are (ServeSubscribe): gRPC's split-streaming hook,
  // the one behind the generated WithSplitStreamingMethod_, over ByteBuffer both ways.
  MarkMethodStreamed(
      proto_check::MethodIndex(service, "Subscribe"),
      new grpc::internal::SplitServerStreamingHandler<grpc::ByteBuffer, grpc::ByteBuffer>(
          [this](grpc::ServerContext* context,
                 grpc::ServerSplitStreamer<grpc::ByteBuffer, grpc::ByteBuffer>* stream) {
            grpc::ByteBuffer in;
            if (!stream->Read(&in)) {
              return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "no request message");
            }
            v1::SubscribeRequest request;
            if (grpc::Status s = proto_check::ParseRequest(in, &request); !s.ok()) return s;
            return ServeSubscribe(context, request, stream);
          }));
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

  int64_t accepted = 0, duplicates = 0, rejected = 0, conflicts = 0, unavailable = 0;
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
      case AppendResult::Outcome::kConflict:
        ++conflicts;
        break;
      case AppendResult::Outcome::kUnavailable:
        ++unavailable;
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
      case AppendResult::Outcome::kConflict:
        out->set_outcome(r.outcome == AppendResult::Outcome::kRejected
                             ? v1::EventResult::OUTCOME_REJECTED
                             : v1::EventResult::OUTCOME_CONFLICT);
        out->set_field(r.rejection.field);
        out->set_code(r.rejection.code);
        out->set_reason(r.rejection.reason);
        break;
      case AppendResult::Outcome::kUnavailable:
        out->set_outcome(v1::EventResult::OUTCOME_UNAVAILABLE);
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
  conflicts_->Increment(conflicts);
  response->set_conflicts(response->conflicts() + conflicts);
  response->set_unavailable(response->unavailable() + unavailable);
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

grpc::Status IngestServiceImpl::ServeSubscribe(
    grpc::ServerContext* context, const v1::SubscribeRequest& request,
    grpc::internal::WriterInterface<grpc::ByteBuffer>* writer) {
  const uint32_t partition = request.partition();
  if (!log_->Owns(partition)) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                        absl::StrCat("partition: ", partition, " is not served here"));
  }
  for (int t : request.payload_types()) {
    if (!common::v1::PayloadType_IsValid(t) || t == common::v1::PAYLOAD_TYPE_UNSPECIFIED) {
      return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                          absl::StrCat("payload_types: unknown payload type ", t));
    }
  }
  const int max_batch = std::min<int>(
      request.max_batch_events() == 0 ? kDefaultSubscribeBatch : request.max_batch_events(),
      kMaxSubscribeBatch);
  std::vector<common::v1::PayloadType> types;
  for (int t : request.payload_types()) types.push_back(static_cast<common::v1::PayloadType>(t));
  const uint64_t end_at = log_->LastSequence(partition);
  uint64_t next = std::max<uint64_t>(request.from_sequence(), 1);
  if (next > end_at + 1) {
    // The subscriber has seen sequences this log does not have: the log lost events (it
    // recovered to an earlier point than its consumers), or the subscriber's state belongs
    // to another log. Serving it would hand it new events under numbers it has applied.
    absl::Status loss = LogBehindConsumerError(partition, request.consumer(), next - 1, end_at);
    if (consumers_->IsRegistered(request.consumer())) {
      // A registered consumer ahead of the log fences the partition (and stays on record,
      // so the fence outlives a restart) until an operator removes it.
      (void)consumers_->Commit(request.consumer(), partition, next - 1, std::string(loss.message()),
                               clock_());
      log_->FenceDataLoss(partition, loss);
    }
    return ToGrpcStatus(loss);
  }
  if (const uint64_t first = log_->FirstRetained(partition); next < first) {
    return BehindRetention(request, next, first);
  }

  const ServerCallInterrupt interrupt(context);
  const absl::Time call_deadline = absl::FromChrono(context->deadline());
  SubscribeBatch batch(kMaxSubscribeResponseBytes);
  bool caught_up_sent = false;
  while (!log_->closed()) {
    if (absl::Status stop = interrupt.Check(); !stop.ok()) return ToGrpcStatus(stop);
    absl::StatusOr<ReadResult> read =
        log_->Read(partition, next, max_batch, types,
                   [&batch, partition](uint64_t sequence, std::string_view bytes) {
                     // Entries past a full batch are read again for the next response.
                     if (batch.full()) return true;
                     if (!IsStoredLogEntryOf(bytes, partition, sequence)) return false;
                     batch.TryAdd(sequence, bytes);
                     return true;
                   });
    if (absl::IsFailedPrecondition(read.status()) &&
        next < log_->FirstRetained(partition)) {  // Retention removed `next` meanwhile.
      return BehindRetention(request, next, log_->FirstRetained(partition));
    }
    if (!read.ok()) return ToGrpcStatus(read.status());
    if (read->through_sequence >= next) {
      const uint64_t through = batch.full() ? batch.last_sequence() : read->through_sequence;
      const int entries = batch.entries();
      if (!writer->Write(
              OwningByteBuffer(batch.Finish(through, partition, log_->LastSequence(partition))))) {
        return grpc::Status::OK;  // The client went away.
      }
      subscribed_entries_->Increment(entries);
      next = through + 1;
      caught_up_sent = false;
      if (request.stop_at_end() && next > end_at) return grpc::Status::OK;
      continue;
    }
    if (request.stop_at_end() && next > end_at) return grpc::Status::OK;
    if (!caught_up_sent) {
      // An empty response tells the subscriber it has everything (consumers report
      // their progress then, which `clientele sync` waits for).
      if (!writer->Write(
              OwningByteBuffer(batch.Finish(next - 1, partition, log_->LastSequence(partition))))) {
        return grpc::Status::OK;
      }
      caught_up_sent = true;
    }
    log_->WaitForSequence(partition, next,
                          std::min(absl::Now() + kTailPollInterval, call_deadline));
  }
  spdlog::debug("subscribe to partition {} ends: shutting down", partition);
  return grpc::Status(grpc::StatusCode::UNAVAILABLE, "the server is shutting down");
}

grpc::Status IngestServiceImpl::BehindRetention(const v1::SubscribeRequest& request,
                                                uint64_t needed, uint64_t first_retained) {
  const std::string partition = absl::StrCat(request.partition());
  metrics_
      ->GetCounter("clientele_ingest_subscribe_behind_retention_total",
                   "Subscribe calls refused because they asked for entries that log retention "
                   "removed (FAILED_PRECONDITION; the consumer must be rebuilt another way).",
                   {{"partition", partition}})
      ->Increment();
  absl::Status behind =
      BehindRetentionError(request.partition(), needed, first_retained, request.consumer());
  spdlog::error("{}", behind.ToString());
  return ToGrpcStatus(behind);
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
    if (absl::Status fence = log_->DataLossFence(p); !fence.ok()) {
      info->set_data_loss(std::string(fence.message()));
    }
    if (log_->external() != nullptr) {
      absl::StatusOr<uint64_t> high = log_->external()->EndOfLog(p);
      info->set_kafka_high_watermark(high.ok() ? static_cast<int64_t>(*high) : -1);
    }
  }
  response->set_kafka_topic(kafka_topic_);
  for (v1::ConsumerInfo& c : consumers_->List()) *response->add_consumers() = std::move(c);
  response->set_dead_letters(static_cast<int64_t>(log_->dead_letters().last_id()));
  return grpc::Status::OK;
}

grpc::Status IngestServiceImpl::ListRejected(grpc::ServerContext* /*context*/,
                                             const v1::ListRejectedRequest* request,
                                             v1::ListRejectedResponse* response) {
  return Reply(
      log_->dead_letters().List(request->page_size(), request->page_token(), request->max_bytes()),
      response);
}

grpc::Status IngestServiceImpl::CommitProgress(grpc::ServerContext* /*context*/,
                                               const v1::CommitProgressRequest* request,
                                               v1::CommitProgressResponse* /*response*/) {
  if (!log_->Owns(request->partition())) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                        absl::StrCat("partition: ", request->partition(), " is not served here"));
  }
  const uint64_t last = log_->LastSequence(request->partition());
  // A registered consumer that stopped on an error may report a position beyond the end:
  // that is how a log that lost events shows in GetLogInfo (the Subscribe fenced it).
  const bool stopped_ahead =
      !request->error().empty() && consumers_->IsRegistered(request->consumer());
  if (request->applied_sequence() > last && !stopped_ahead) {
    return grpc::Status(
        grpc::StatusCode::OUT_OF_RANGE,
        absl::StrCat("applied_sequence: ", request->applied_sequence(), " is beyond the end of ",
                     "partition ", request->partition(), " (last sequence ", last, ")"));
  }
  return ToGrpcStatus(consumers_->Commit(request->consumer(), request->partition(),
                                         request->applied_sequence(), request->error(), clock_()));
}

grpc::Status IngestServiceImpl::RemoveConsumer(grpc::ServerContext* /*context*/,
                                               const v1::RemoveConsumerRequest* request,
                                               v1::RemoveConsumerResponse* response) {
  absl::StatusOr<int> removed = consumers_->Remove(request->consumer());
  if (!removed.ok()) return ToGrpcStatus(removed.status());
  response->set_partitions_removed(*removed);
  spdlog::warn("consumer '{}' removed by request ({} partitions)", request->consumer(), *removed);
  // Fences raised by consumers ahead of the log fall with the last such consumer.
  FenceConsumersAheadOfLog(*log_, *consumers_);
  return grpc::Status::OK;
}

}  // namespace clientele::ingest
