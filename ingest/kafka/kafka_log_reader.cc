#include "ingest/kafka/kafka_log_reader.h"

#include <algorithm>
#include <atomic>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "clientele/privacy/v1/privacy.grpc.pb.h"
#include "common/status/grpc_status.h"
#include "grpcpp/client_context.h"
#include "ingest/log_entry_codec.h"
#include "ingest/sealed_log_entry.h"
#include "spdlog/spdlog.h"

namespace clientele::ingest::kafka {
namespace {

class GrpcSubjectKeySource final : public SubjectKeySource {
 public:
  explicit GrpcSubjectKeySource(log::ChannelForPartition channels)
      : channels_(std::move(channels)) {}

  absl::Status Find(uint32_t partition, const std::vector<std::string>& refs,
                    std::vector<std::optional<privacy::DataKey>>* keys) override {
    keys->assign(refs.size(), std::nullopt);
    auto stub = ::clientele::privacy::v1::IngestPrivacy::NewStub(channels_(partition));
    constexpr size_t kPerCall = 4096;
    for (size_t start = 0; start < refs.size(); start += kPerCall) {
      ::clientele::privacy::v1::GetSubjectKeysRequest request;
      const size_t end = std::min(refs.size(), start + kPerCall);
      for (size_t i = start; i < end; ++i) request.add_refs(refs[i]);
      ::clientele::privacy::v1::GetSubjectKeysResponse response;
      grpc::ClientContext context;
      context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(5)));
      grpc::Status s = stub->GetSubjectKeys(&context, request, &response);
      if (!s.ok()) {
        return absl::UnavailableError(
            absl::StrCat("subject keys of partition ", partition, ": ", s.error_message()));
      }
      if (static_cast<size_t>(response.keys_size()) != end - start) {
        return absl::UnavailableError("subject keys: a response of the wrong size");
      }
      for (size_t i = start; i < end; ++i) {
        const std::string& key = response.keys(static_cast<int>(i - start)).key();
        if (key.size() != privacy::kDataKeyBytes) continue;
        privacy::DataKey& k = (*keys)[i].emplace();
        std::copy(key.begin(), key.end(), reinterpret_cast<char*>(k.data()));
      }
    }
    return absl::OkStatus();
  }

 private:
  const log::ChannelForPartition channels_;
};

class KafkaLogStream final : public log::LogStream {
 public:
  KafkaLogStream(const log::LogBackendOptions& options, const log::LogReadRequest& request,
                 std::shared_ptr<SubjectKeySource> keys)
      : request_(request), keys_(std::move(keys)), topic_(options.kafka_topic) {
    next_sequence_ = std::max<uint64_t>(request.from_sequence, 1);
    absl::StatusOr<rd_kafka_conf_t*> conf = NewKafkaConf(
        options,
        {{"client.id", absl::StrCat("clientele-", request.consumer)}, {"fetch.wait.max.ms", "100"}},
        {{"group.id", absl::StrCat("clientele-", request.consumer)},
         {"enable.auto.commit", "false"},
         {"enable.auto.offset.store", "false"},
         {"enable.partition.eof", "false"},
         {"auto.offset.reset", "error"}});
    if (!conf.ok()) {
      status_ = conf.status();
      return;
    }
    char error[512];
    rk_ = rd_kafka_new(RD_KAFKA_CONSUMER, *conf, error, sizeof(error));
    if (rk_ == nullptr) {
      rd_kafka_conf_destroy(*conf);
      status_ = absl::InvalidArgumentError(absl::StrCat("kafka consumer: ", error));
      return;
    }
    rd_kafka_poll_set_consumer(rk_);
    rd_kafka_topic_partition_list_t* assignment = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(assignment, options.kafka_topic.c_str(),
                                      static_cast<int32_t>(request.partition))
        ->offset = static_cast<int64_t>(next_sequence_ - 1);
    rd_kafka_resp_err_t err = rd_kafka_assign(rk_, assignment);
    rd_kafka_topic_partition_list_destroy(assignment);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      status_ = absl::UnavailableError(absl::StrCat("kafka assign: ", rd_kafka_err2str(err)));
    }
  }

  ~KafkaLogStream() override {
    if (rk_ != nullptr) {
      (void)rd_kafka_assign(rk_, nullptr);
      (void)rd_kafka_consumer_close(rk_);  // Commits nothing (auto commit is off).
      rd_kafka_destroy(rk_);
    }
  }

  bool Read(ingest::v1::SubscribeResponse* batch) override {
    if (!status_.ok() || cancelled_.load()) return false;
    std::vector<rd_kafka_message_t*> messages;
    auto release = [&messages] {
      for (rd_kafka_message_t* m : messages) rd_kafka_message_destroy(m);
      messages.clear();
    };
    // Blocks for the first record, then takes what is ready up to the batch size.
    while (messages.size() < std::max<uint32_t>(request_.max_batch_events, 1)) {
      if (cancelled_.load()) {
        release();
        return false;
      }
      rd_kafka_message_t* m = rd_kafka_consumer_poll(rk_, messages.empty() ? 100 : 0);
      if (m == nullptr) {
        if (messages.empty()) continue;
        break;
      }
      if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        const rd_kafka_resp_err_t err = m->err;
        const std::string what = rd_kafka_message_errstr(m);
        rd_kafka_message_destroy(m);
        if (err == RD_KAFKA_RESP_ERR__PARTITION_EOF) continue;
        if (err == RD_KAFKA_RESP_ERR_OFFSET_OUT_OF_RANGE ||
            err == RD_KAFKA_RESP_ERR__AUTO_OFFSET_RESET) {
          // Kafka's retention removed records this consumer has not applied.
          status_ = absl::FailedPreconditionError(
              absl::StrCat("kafka partition ", request_.partition, " no longer holds offset ",
                           next_sequence_ - 1, " (removed by retention): ", what));
          release();
          return false;
        }
        spdlog::warn("consumer {} kafka partition {}: {}", request_.consumer, request_.partition,
                     what);
        if (!messages.empty()) break;
        continue;
      }
      messages.push_back(m);
    }
    status_ = Convert(messages, batch);
    release();
    return status_.ok();
  }

  void Cancel() override { cancelled_.store(true); }

  absl::Status Finish() override {
    if (!status_.ok()) return status_;
    return absl::CancelledError("the stream was cancelled");
  }

 private:
  absl::Status Convert(const std::vector<rd_kafka_message_t*>& messages,
                       ingest::v1::SubscribeResponse* batch) {
    const uint32_t partition = request_.partition;
    const std::vector<common::v1::PayloadType>& types = request_.payload_types;
    auto wanted = [&](common::v1::PayloadType type) {
      return types.empty() || std::find(types.begin(), types.end(), type) != types.end();
    };
    // The keys of the wanted sealed records, in one call.
    std::vector<std::string> refs;
    absl::flat_hash_map<std::string, size_t> ref_index;
    for (rd_kafka_message_t* m : messages) {
      std::string_view stored(static_cast<const char*>(m->payload), m->len);
      if (!IsSealedStoredEntry(stored) || !wanted(StoredPayloadType(stored))) continue;
      std::optional<SealedLogEntry> sealed = ParseSealedLogEntry(stored);
      if (!sealed.has_value()) continue;  // Reported as damage below.
      if (ref_index.emplace(std::string(sealed->ref), refs.size()).second) {
        refs.emplace_back(sealed->ref);
      }
    }
    std::vector<std::optional<privacy::DataKey>> keys;
    if (!refs.empty()) {
      if (absl::Status s = keys_->Find(partition, refs, &keys); !s.ok()) return s;
    }
    batch->set_partition(partition);
    uint64_t through = next_sequence_ - 1;
    std::string opened;
    for (rd_kafka_message_t* m : messages) {
      const uint64_t sequence = static_cast<uint64_t>(m->offset) + 1;
      if (sequence <= through) continue;  // Already delivered.
      std::string_view stored(static_cast<const char*>(m->payload), m->len);
      const common::v1::PayloadType type = StoredPayloadType(stored);
      auto damage = [&](const char* what) {
        return absl::DataLossError(absl::StrCat(
            "kafka topic partition ", partition, ", offset ", m->offset, ": the record ", what,
            "; consumers stop here, nothing is skipped (docs/reliability.md, \"Data loss\")"));
      };
      if (!common::v1::PayloadType_IsValid(type) || type == common::v1::PAYLOAD_TYPE_UNSPECIFIED) {
        return damage("is not a log entry");
      }
      if (wanted(type)) {
        std::string_view entry_bytes;
        if (IsSealedStoredEntry(stored)) {
          std::optional<SealedLogEntry> sealed = ParseSealedLogEntry(stored);
          if (!sealed.has_value()) return damage("is not a well-formed sealed entry");
          const std::optional<privacy::DataKey>& key = keys[ref_index.at(std::string(sealed->ref))];
          // Sealed at sequence 0: the position is not known before Kafka takes the record.
          absl::Status s = OpenSealedLogEntry(*sealed, partition, 0, key, &opened);
          if (absl::IsDataLoss(s)) return damage("does not authenticate");
          if (!s.ok()) return s;
          entry_bytes = opened;
        } else {
          entry_bytes = StoredLogEntryBytes(stored);
        }
        ingest::v1::LogEntry* entry = batch->add_entries();
        if (entry_bytes.empty() ||
            !entry->ParseFromArray(entry_bytes.data(), static_cast<int>(entry_bytes.size())) ||
            entry->partition() != partition) {
          return damage("does not parse as a log entry of its partition");
        }
        entry->set_sequence(sequence);
      }
      through = sequence;
    }
    batch->set_through_sequence(through);
    // The head as the last fetch reported it (librdkafka's cached high-water mark), for lag.
    int64_t low = 0, high = 0;
    if (rd_kafka_get_watermark_offsets(rk_, topic_.c_str(), static_cast<int32_t>(partition), &low,
                                       &high) == RD_KAFKA_RESP_ERR_NO_ERROR &&
        high > 0) {
      batch->set_last_sequence(static_cast<uint64_t>(high));
    }
    next_sequence_ = through + 1;
    return absl::OkStatus();
  }

  const log::LogReadRequest request_;
  const std::shared_ptr<SubjectKeySource> keys_;
  const std::string topic_;
  rd_kafka_t* rk_ = nullptr;
  uint64_t next_sequence_ = 1;  // The next sequence to deliver.
  absl::Status status_;         // Read's thread only.
  std::atomic<bool> cancelled_{false};
};

}  // namespace

std::unique_ptr<SubjectKeySource> NewGrpcSubjectKeySource(log::ChannelForPartition channels) {
  return std::make_unique<GrpcSubjectKeySource>(std::move(channels));
}

KafkaLogReader::KafkaLogReader(log::LogBackendOptions options,
                               std::shared_ptr<SubjectKeySource> keys)
    : options_(std::move(options)), keys_(std::move(keys)) {}

KafkaLogReader::~KafkaLogReader() {
  absl::MutexLock l(&mu_);
  if (meta_ != nullptr) rd_kafka_destroy(meta_);
}

std::unique_ptr<log::LogStream> KafkaLogReader::Open(const log::LogReadRequest& request) {
  return std::make_unique<KafkaLogStream>(options_, request, keys_);
}

absl::StatusOr<uint64_t> KafkaLogReader::EndOfLog(uint32_t partition) {
  absl::MutexLock l(&mu_);
  if (meta_ == nullptr) {
    absl::StatusOr<rd_kafka_conf_t*> conf =
        NewKafkaConf(options_, {{"client.id", "clientele-log-reader"}}, {});
    if (!conf.ok()) return conf.status();
    char error[512];
    meta_ = rd_kafka_new(RD_KAFKA_PRODUCER, *conf, error, sizeof(error));
    if (meta_ == nullptr) {
      rd_kafka_conf_destroy(*conf);
      return absl::InvalidArgumentError(absl::StrCat("kafka: ", error));
    }
  }
  int64_t low = 0, high = 0;
  rd_kafka_resp_err_t err = rd_kafka_query_watermark_offsets(
      meta_, options_.kafka_topic.c_str(), static_cast<int32_t>(partition), &low, &high, 5000);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return absl::UnavailableError(
        absl::StrCat("kafka partition ", partition, ": ", rd_kafka_err2str(err)));
  }
  return static_cast<uint64_t>(std::max<int64_t>(high, 0));
}

}  // namespace clientele::ingest::kafka
