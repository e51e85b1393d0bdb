#include "ingest/kafka/log_backend.h"

#include "ingest/kafka/kafka_log_reader.h"

namespace clientele::ingest::kafka {

std::shared_ptr<log::LogReader> NewLogReader(const log::LogBackendOptions& options,
                                             log::ChannelForPartition channels) {
  if (!options.kafka()) return std::make_shared<log::GrpcLogReader>(std::move(channels));
  std::shared_ptr<SubjectKeySource> keys = NewGrpcSubjectKeySource(channels);
  return std::make_shared<KafkaLogReader>(options, std::move(keys));
}

}  // namespace clientele::ingest::kafka
