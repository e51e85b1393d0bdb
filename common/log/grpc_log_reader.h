// The embedded log's reader: ingest's Subscribe stream (server-streaming gRPC) of each
// partition's ingest node, and its GetLogInfo for the head of a partition.
#ifndef CLIENTELE_COMMON_LOG_GRPC_LOG_READER_H_
#define CLIENTELE_COMMON_LOG_GRPC_LOG_READER_H_

#include <cstdint>
#include <functional>
#include <memory>

#include "common/log/log_reader.h"
#include "grpcpp/channel.h"

namespace clientele::log {

using ChannelForPartition = std::function<std::shared_ptr<grpc::Channel>(uint32_t partition)>;

// Thread-safe. `channels` gives the channel to the ingest node of a partition.
class GrpcLogReader final : public LogReader {
 public:
  explicit GrpcLogReader(ChannelForPartition channels) : channels_(std::move(channels)) {}

  std::unique_ptr<LogStream> Open(const LogReadRequest& request) override;
  // GetLogInfo of the partition's ingest node (2 s deadline).
  absl::StatusOr<uint64_t> EndOfLog(uint32_t partition) override;
  const char* backend() const override { return "rocksdb"; }

 private:
  const ChannelForPartition channels_;
};

}  // namespace clientele::log

#endif  // CLIENTELE_COMMON_LOG_GRPC_LOG_READER_H_
