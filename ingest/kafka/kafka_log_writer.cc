#include "ingest/kafka/kafka_log_writer.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "spdlog/spdlog.h"

namespace clientele::ingest::kafka {
namespace {

// One record's delivery: where its outcome goes, and the call's count of records in flight.
struct Delivery {
  log::LogAppendOutcome* outcome = nullptr;
  int* in_flight = nullptr;
};

// librdkafka calls it from rd_kafka_poll, i.e. on the thread of Append.
void OnDelivery(rd_kafka_t* /*rk*/, const rd_kafka_message_t* message, void* /*opaque*/) {
  auto* delivery = static_cast<Delivery*>(message->_private);
  if (delivery == nullptr) return;
  if (message->err == RD_KAFKA_RESP_ERR_NO_ERROR && message->offset >= 0) {
    delivery->outcome->status = absl::OkStatus();
    delivery->outcome->sequence = static_cast<uint64_t>(message->offset) + 1;
  } else {
    delivery->outcome->status =
        absl::UnavailableError(absl::StrCat("kafka: ", rd_kafka_err2str(message->err)));
  }
  --*delivery->in_flight;
}

}  // namespace

absl::StatusOr<std::unique_ptr<KafkaLogWriter>> KafkaLogWriter::Create(
    log::LogBackendOptions options) {
  std::unique_ptr<KafkaLogWriter> writer(new KafkaLogWriter(std::move(options)));
  absl::StatusOr<std::shared_ptr<rd_kafka_t>> producer = writer->NewProducer();
  if (!producer.ok()) return producer.status();
  absl::MutexLock l(&writer->producer_mu_);
  writer->producer_ = *std::move(producer);
  return writer;
}

KafkaLogWriter::~KafkaLogWriter() {
  std::shared_ptr<rd_kafka_t> producer = this->producer();
  if (producer != nullptr) (void)rd_kafka_flush(producer.get(), 10000);
}

absl::StatusOr<std::shared_ptr<rd_kafka_t>> KafkaLogWriter::NewProducer() const {
  absl::StatusOr<rd_kafka_conf_t*> conf = NewKafkaConf(
      options_,
      {{"client.id", "clientele-ingest"}, {"linger.ms", "5"}, {"message.timeout.ms", "30000"}},
      {{"enable.idempotence", "true"}, {"acks", "all"}});
  if (!conf.ok()) return conf.status();
  rd_kafka_conf_set_dr_msg_cb(*conf, &OnDelivery);
  char error[512];
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, *conf, error, sizeof(error));
  if (rk == nullptr) {
    rd_kafka_conf_destroy(*conf);
    return absl::InvalidArgumentError(absl::StrCat("kafka producer: ", error));
  }
  return std::shared_ptr<rd_kafka_t>(rk, KafkaHandleDeleter());
}

std::shared_ptr<rd_kafka_t> KafkaLogWriter::producer() const {
  absl::MutexLock l(&producer_mu_);
  return producer_;
}

void KafkaLogWriter::Append(absl::Span<const log::LogRecord> records,
                            std::vector<log::LogAppendOutcome>* outcomes) {
  outcomes->assign(records.size(), log::LogAppendOutcome());
  absl::MutexLock append_lock(&append_mu_);
  std::shared_ptr<rd_kafka_t> producer = this->producer();
  rd_kafka_t* rk = producer.get();
  std::vector<Delivery> deliveries(records.size());
  int in_flight = 0;
  for (size_t i = 0; i < records.size(); ++i) {
    const log::LogRecord& record = records[i];
    deliveries[i] = {&(*outcomes)[i], &in_flight};
    while (true) {
      // No copy: the record's bytes outlive the call, which waits for every delivery.
      rd_kafka_resp_err_t err = rd_kafka_producev(
          rk, RD_KAFKA_V_TOPIC(options_.kafka_topic.c_str()),
          RD_KAFKA_V_PARTITION(static_cast<int32_t>(record.partition)),
          RD_KAFKA_V_KEY(const_cast<char*>(record.key.data()), record.key.size()),
          RD_KAFKA_V_VALUE(const_cast<char*>(record.value.data()), record.value.size()),
          RD_KAFKA_V_OPAQUE(&deliveries[i]), RD_KAFKA_V_END);
      if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
        rd_kafka_poll(rk, 50);  // Delivery reports make room.
        continue;
      }
      if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
        ++in_flight;
      } else {
        (*outcomes)[i].status =
            absl::UnavailableError(absl::StrCat("kafka: ", rd_kafka_err2str(err)));
      }
      break;
    }
  }
  while (in_flight > 0) rd_kafka_poll(rk, 100);
  char reason[512];
  if (rd_kafka_fatal_error(rk, reason, sizeof(reason)) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    spdlog::error("kafka producer: fatal error ({}); starting a new producer", reason);
    absl::StatusOr<std::shared_ptr<rd_kafka_t>> fresh = NewProducer();
    if (fresh.ok()) {
      absl::MutexLock l(&producer_mu_);
      producer_ = *std::move(fresh);
    }
  }
}

absl::Status KafkaLogWriter::Watermarks(uint32_t partition, int64_t* low, int64_t* high) {
  std::shared_ptr<rd_kafka_t> producer = this->producer();
  rd_kafka_resp_err_t err =
      rd_kafka_query_watermark_offsets(producer.get(), options_.kafka_topic.c_str(),
                                       static_cast<int32_t>(partition), low, high, 5000);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return absl::UnavailableError(absl::StrCat("kafka topic ", options_.kafka_topic, " partition ",
                                               partition, ": ", rd_kafka_err2str(err)));
  }
  return absl::OkStatus();
}

absl::StatusOr<uint64_t> KafkaLogWriter::EndOfLog(uint32_t partition) {
  int64_t low = 0, high = 0;
  if (absl::Status s = Watermarks(partition, &low, &high); !s.ok()) return s;
  return static_cast<uint64_t>(std::max<int64_t>(high, 0));
}

absl::StatusOr<uint64_t> KafkaLogWriter::FirstSequence(uint32_t partition) {
  int64_t low = 0, high = 0;
  if (absl::Status s = Watermarks(partition, &low, &high); !s.ok()) return s;
  return high > low ? static_cast<uint64_t>(low) + 1 : 0;
}

}  // namespace clientele::ingest::kafka
