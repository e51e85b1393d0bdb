#include "common/log/grpc_log_reader.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "clientele/ingest/v1/ingest.grpc.pb.h"
#include "common/status/grpc_status.h"
#include "grpcpp/client_context.h"

namespace clientele::log {
namespace {

class GrpcLogStream final : public LogStream {
 public:
  GrpcLogStream(std::shared_ptr<grpc::Channel> channel, const LogReadRequest& request)
      : stub_(ingest::v1::IngestService::NewStub(std::move(channel))) {
    ingest::v1::SubscribeRequest subscribe;
    subscribe.set_partition(request.partition);
    subscribe.set_from_sequence(request.from_sequence);
    subscribe.set_consumer(request.consumer);
    subscribe.set_max_batch_events(request.max_batch_events);
    for (common::v1::PayloadType t : request.payload_types) subscribe.add_payload_types(t);
    reader_ = stub_->Subscribe(&context_, subscribe);
  }

  bool Read(ingest::v1::SubscribeResponse* batch) override { return reader_->Read(batch); }
  void Cancel() override { context_.TryCancel(); }
  absl::Status Finish() override { return FromGrpcStatus(reader_->Finish()); }

 private:
  grpc::ClientContext context_;  // Before reader_, which refers to it.
  std::unique_ptr<ingest::v1::IngestService::Stub> stub_;
  std::unique_ptr<grpc::ClientReader<ingest::v1::SubscribeResponse>> reader_;
};

}  // namespace

std::unique_ptr<LogStream> GrpcLogReader::Open(const LogReadRequest& request) {
  return std::make_unique<GrpcLogStream>(channels_(request.partition), request);
}

absl::StatusOr<uint64_t> GrpcLogReader::EndOfLog(uint32_t partition) {
  auto stub = ingest::v1::IngestService::NewStub(channels_(partition));
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(2)));
  ingest::v1::GetLogInfoResponse info;
  grpc::Status s = stub->GetLogInfo(&context, ingest::v1::GetLogInfoRequest(), &info);
  if (!s.ok()) return FromGrpcStatus(s);
  for (const ingest::v1::PartitionInfo& p : info.partitions()) {
    if (p.partition() == partition) return p.last_sequence();
  }
  return absl::UnavailableError(
      absl::StrCat("the ingest node of partition ", partition, " does not serve it"));
}

}  // namespace clientele::log
