// gRPC adapter of the ingest service over EventLog, DeadLetterStore and ConsumerRegistry.
// Each method converts, calls the domain, maps the status, and records metrics.
// Thread-safe (the domain objects are).
#ifndef CLIENTELE_INGEST_INGEST_SERVICE_H_
#define CLIENTELE_INGEST_INGEST_SERVICE_H_

#include <functional>

#include "absl/time/time.h"
#include "clientele/ingest/v1/ingest.grpc.pb.h"
#include "common/metrics/registry.h"
#include "grpcpp/support/byte_buffer.h"
#include "ingest/consumer_registry.h"
#include "ingest/event_log.h"

namespace clientele::ingest {

class IngestServiceImpl final : public v1::IngestService::Service {
 public:
  // Nothing is owned; everything must outlive the service. `clock` defaults to absl::Now.
  IngestServiceImpl(EventLog* log, ConsumerRegistry* consumers, metrics::Registry* metrics,
                    std::function<absl::Time()> clock = nullptr);
  // Removes the metric callbacks it registered.
  ~IngestServiceImpl() override;

  grpc::Status Ingest(grpc::ServerContext* context, const v1::IngestRequest* request,
                      v1::IngestResponse* response) override;
  // Reads through proto_check::CheckedServerReader (see the constructor), not the generated
  // grpc::ServerReader: a message that does not parse fails the call with INVALID_ARGUMENT.
  grpc::Status IngestStream(grpc::ServerContext* context,
                            grpc::ServerReaderInterface<v1::IngestRequest>* reader,
                            v1::IngestResponse* response);
  // Subscribe, through its own handler (see the constructor): each SubscribeResponse is the
  // stored LogEntry bytes spliced together (SubscribeBatch) and written as a ByteBuffer, never
  // parsed and serialized again; each entry passes IsStoredLogEntryOf first. Ends with
  // DEADLINE_EXCEEDED or CANCELLED when the caller's deadline passes or it goes away.
  grpc::Status ServeSubscribe(grpc::ServerContext* context, const v1::SubscribeRequest& request,
                              grpc::internal::WriterInterface<grpc::ByteBuffer>* writer);
  grpc::Status GetLogInfo(grpc::ServerContext* context, const v1::GetLogInfoRequest* request,
                          v1::GetLogInfoResponse* response) override;
  grpc::Status ListRejected(grpc::ServerContext* context, const v1::ListRejectedRequest* request,
                            v1::ListRejectedResponse* response) override;
  grpc::Status CommitProgress(grpc::ServerContext* context,
                              const v1::CommitProgressRequest* request,
                              v1::CommitProgressResponse* response) override;
  // With --log=kafka: the topic, reported by GetLogInfo with the partitions' high-water marks.
  void SetKafkaTopic(std::string topic) { kafka_topic_ = std::move(topic); }
  grpc::Status RemoveConsumer(grpc::ServerContext* context,
                              const v1::RemoveConsumerRequest* request,
                              v1::RemoveConsumerResponse* response) override;

 private:
  // Appends one request's events; `index_base` offsets result indexes within a stream.
  absl::Status AppendBatch(const v1::IngestRequest& request, int64_t index_base,
                           v1::IngestResponse* response);
  metrics::Counter* RejectedCounter(const std::string& code);
  // FAILED_PRECONDITION for a Subscribe that needs `needed`, below the partition's first
  // retained sequence; counted in clientele_ingest_subscribe_behind_retention_total.
  grpc::Status BehindRetention(const v1::SubscribeRequest& request, uint64_t needed,
                               uint64_t first_retained);

  EventLog* const log_;
  ConsumerRegistry* const consumers_;
  metrics::Registry* const metrics_;
  const std::function<absl::Time()> clock_;
  metrics::Counter* const accepted_;
  metrics::Counter* const duplicates_;
  metrics::Counter* const conflicts_;
  metrics::Histogram* const append_seconds_;
  metrics::Counter* const subscribed_entries_;
  std::string kafka_topic_;  // Set before serving.
};

}  // namespace clientele::ingest

#endif  // CLIENTELE_INGEST_INGEST_SERVICE_H_
