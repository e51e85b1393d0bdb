// The log reader a consumer component uses, by --log: ingest's Subscribe stream for the
// embedded log, or Kafka (with the subjects' keys from ingest's GetSubjectKeys).
#ifndef CLIENTELE_INGEST_KAFKA_LOG_BACKEND_H_
#define CLIENTELE_INGEST_KAFKA_LOG_BACKEND_H_

#include <memory>

#include "common/log/grpc_log_reader.h"
#include "common/log/log_backend_options.h"
#include "common/log/log_reader.h"

namespace clientele::ingest::kafka {

// `channels` reach the ingest node of each partition (both backends need it).
std::shared_ptr<log::LogReader> NewLogReader(const log::LogBackendOptions& options,
                                             log::ChannelForPartition channels);

}  // namespace clientele::ingest::kafka

#endif  // CLIENTELE_INGEST_KAFKA_LOG_BACKEND_H_
