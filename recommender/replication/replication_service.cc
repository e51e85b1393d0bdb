#include "recommender/replication/replication_service.h"

#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/status/grpc_status.h"
#include "recommender/jobs/model_versions.h"

namespace clientele::recommender {
namespace {

constexpr int kDefaultChunkBytes = 1 << 20;
constexpr int kMaxChunkBytes = 4 << 20;
// How often a waiting stream checks for cancellation and Stop.
constexpr absl::Duration kWakeUp = absl::Seconds(1);

// Writes one update: begin, then per artifact its size and its chunks, then end. Counts the
// bytes. False when the stream broke (the client went away).
class UpdateWriter {
 public:
  UpdateWriter(grpc::ServerWriter<v1::WatchModelResponse>* writer, int chunk_bytes)
      : writer_(writer), chunk_bytes_(chunk_bytes) {}

  bool Begin(uint64_t stream_id, uint64_t sequence, v1::UpdateBegin::Kind kind, uint64_t version,
             uint64_t publication, int32_t artifacts) {
    v1::WatchModelResponse message;
    v1::UpdateBegin* begin = message.mutable_begin();
    begin->set_stream_id(stream_id);
    begin->set_sequence(sequence);
    begin->set_kind(kind);
    begin->set_version(version);
    begin->set_publication(publication);
    begin->set_artifacts(artifacts);
    return writer_->Write(message);
  }

  bool Artifact(const std::string& name, const std::string& bytes) {
    v1::WatchModelResponse message;
    message.mutable_artifact()->set_name(name);
    message.mutable_artifact()->set_bytes(bytes.size());
    if (!writer_->Write(message)) return false;
    for (size_t offset = 0; offset < bytes.size(); offset += chunk_bytes_) {
      v1::WatchModelResponse chunk;
      chunk.set_chunk(bytes.substr(offset, std::min<size_t>(chunk_bytes_, bytes.size() - offset)));
      if (!writer_->Write(chunk)) return false;
    }
    bytes_ += bytes.size();
    return true;
  }

  bool End() {
    v1::WatchModelResponse message;
    message.mutable_end();
    return writer_->Write(message);
  }

  uint64_t bytes() const { return bytes_; }

 private:
  grpc::ServerWriter<v1::WatchModelResponse>* const writer_;
  const size_t chunk_bytes_;
  uint64_t bytes_ = 0;
};

grpc::Status StreamBroken() {
  return grpc::Status(grpc::StatusCode::CANCELLED, "the replica stopped reading");
}

}  // namespace

RecommenderReplicationServiceImpl::RecommenderReplicationServiceImpl(
    const RecommenderStore* store, const SnapshotHolder* holder, KnownCustomerFn known_customer,
    metrics::Registry* registry, ReplicationServiceOptions options)
    : store_(store),
      holder_(holder),
      known_customer_(std::move(known_customer)),
      options_(options) {
  if (registry != nullptr) {
    streams_ = registry->GetGauge("clientele_recommender_replication_streams",
                                  "Serving replicas watching the model (WatchModel streams).");
    snapshots_sent_ = registry->GetCounter("clientele_recommender_replication_snapshots_sent_total",
                                           "Model snapshots shipped to serving replicas.");
    bytes_sent_ = registry->GetCounter("clientele_recommender_replication_bytes_sent_total",
                                       "Artifact bytes shipped to serving replicas.");
  }
}

grpc::Status RecommenderReplicationServiceImpl::WatchModel(
    grpc::ServerContext* context, const v1::WatchModelRequest* request,
    grpc::ServerWriter<v1::WatchModelResponse>* writer) {
  if (request->chunk_bytes() < 0 || request->chunk_bytes() > kMaxChunkBytes) {
    return grpc::Status(
        grpc::StatusCode::INVALID_ARGUMENT,
        absl::StrCat("chunk_bytes: must be between 0 and ", kMaxChunkBytes, " (0 means ",
                     kDefaultChunkBytes, "), got ", request->chunk_bytes()));
  }
  const int chunk_bytes = request->chunk_bytes() == 0 ? kDefaultChunkBytes : request->chunk_bytes();
  if (streams_ != nullptr) streams_->Add(1);
  uint64_t id = 0;
  {
    absl::MutexLock lock(&streams_mu_);
    id = next_stream_id_++;
    open_streams_[id];
  }
  struct Untrack {
    RecommenderReplicationServiceImpl* self;
    uint64_t id;
    ~Untrack() {
      if (self->streams_ != nullptr) self->streams_->Add(-1);
      absl::MutexLock lock(&self->streams_mu_);
      self->open_streams_.erase(id);
    }
  } untrack{this, id};

  // What this stream sent last (kept alive so that a new snapshot can never reuse its
  // address).
  std::shared_ptr<const ServingSnapshot> sent_snapshot;
  std::shared_ptr<const ConsentMap> sent_consents;
  absl::Time last_write = absl::Now();
  uint64_t sequence = 0;  // Of the last update written.
  // Read before the state, so that a change after the read wakes the wait below.
  uint64_t seen = holder_->changes();
  while (true) {
    if (stopping_.load()) {
      return grpc::Status(grpc::StatusCode::UNAVAILABLE, "the recommender is shutting down");
    }
    if (context->IsCancelled()) return grpc::Status::CANCELLED;
    const std::shared_ptr<const ServingSnapshot> snapshot = holder_->Get();
    if (snapshot != nullptr && snapshot != sent_snapshot) {
      const uint64_t version = snapshot->version();
      absl::StatusOr<std::optional<v1::ModelManifest>> manifest = store_->GetManifest(version);
      if (!manifest.ok()) return ToGrpcStatus(manifest.status());
      if (!*manifest) {
        return grpc::Status(grpc::StatusCode::DATA_LOSS,
                            absl::StrCat("recommender model version ", version,
                                         ": served but not in the model store"));
      }
      const std::vector<std::string> names = ArtifactNames(**manifest);
      UpdateWriter update(writer, chunk_bytes);
      if (!update.Begin(id, ++sequence, v1::UpdateBegin::KIND_SNAPSHOT, version, seen,
                        static_cast<int32_t>(names.size()) + 1) ||
          !update.Artifact("manifest", (*manifest)->SerializeAsString())) {
        return StreamBroken();
      }
      for (const std::string& name : names) {
        absl::StatusOr<std::optional<std::string>> bytes = store_->GetArtifact(version, name);
        if (!bytes.ok()) return ToGrpcStatus(bytes.status());
        if (!*bytes) {
          return grpc::Status(grpc::StatusCode::DATA_LOSS,
                              absl::StrCat("recommender model version ", version, ": artifact '",
                                           name, "' missing"));
        }
        if (!update.Artifact(name, **bytes)) return StreamBroken();
      }
      if (!update.End()) return StreamBroken();
      sent_snapshot = snapshot;
      last_write = absl::Now();
      if (snapshots_sent_ != nullptr) snapshots_sent_->Increment();
      if (bytes_sent_ != nullptr) bytes_sent_->Increment(update.bytes());
    }
    const std::shared_ptr<const ConsentMap> consents = holder_->consents();
    if (consents != sent_consents) {
      v1::ConsentList list;
      list.mutable_consents()->Reserve(static_cast<int>(consents->size()));
      for (const auto& [key, value] : *consents) {
        v1::LiveConsent* consent = list.add_consents();
        consent->set_source_key(key);
        consent->set_status(value.first);
        consent->set_time_seconds(value.second);
      }
      UpdateWriter update(writer, chunk_bytes);
      if (!update.Begin(id, ++sequence, v1::UpdateBegin::KIND_CONSENTS, 0, seen, 1) ||
          !update.Artifact("consents", list.SerializeAsString()) || !update.End()) {
        return StreamBroken();
      }
      sent_consents = consents;
      last_write = absl::Now();
      if (bytes_sent_ != nullptr) bytes_sent_->Increment(update.bytes());
    }
    Passed(id, seen, sequence);
    if (absl::Now() - last_write >= options_.heartbeat_interval) {
      v1::WatchModelResponse heartbeat;
      heartbeat.mutable_heartbeat();
      if (!writer->Write(heartbeat)) return StreamBroken();
      last_write = absl::Now();
    }
    const absl::Time wake =
        std::min(absl::Now() + kWakeUp, last_write + options_.heartbeat_interval);
    seen = holder_->AwaitChange(seen, wake);
  }
}

void RecommenderReplicationServiceImpl::Passed(uint64_t id, uint64_t seen, uint64_t written) {
  absl::MutexLock lock(&streams_mu_);
  StreamState& stream = open_streams_[id];
  const bool wrote = written > stream.written;
  stream.written = written;
  if (stream.acked >= stream.written) {
    // The replica has applied everything written: it reflects the state as of `seen`.
    stream.confirmed = std::max(stream.confirmed, seen);
    stream.pending = 0;
  } else if (wrote) {
    stream.pending = seen;  // Confirmed by the AckModel of `written`.
  }
}

grpc::Status RecommenderReplicationServiceImpl::AckModel(grpc::ServerContext* /*context*/,
                                                         const v1::AckModelRequest* request,
                                                         v1::AckModelResponse* /*response*/) {
  absl::MutexLock lock(&streams_mu_);
  auto it = open_streams_.find(request->stream_id());
  if (it == open_streams_.end()) {
    return grpc::Status(grpc::StatusCode::NOT_FOUND,
                        absl::StrCat("stream_id: no open model stream ", request->stream_id()));
  }
  StreamState& stream = it->second;
  stream.acked = std::max(stream.acked, request->sequence());
  if (stream.acked >= stream.written && stream.pending != 0) {
    stream.confirmed = std::max(stream.confirmed, stream.pending);
    stream.pending = 0;
  }
  return grpc::Status::OK;
}

absl::Status RecommenderReplicationServiceImpl::AwaitReplicas(uint64_t publication,
                                                              absl::Duration timeout) {
  absl::MutexLock lock(&streams_mu_);
  auto lagging = [this, publication]() ABSL_NO_THREAD_SAFETY_ANALYSIS {
    int n = 0;
    for (const auto& [id, stream] : open_streams_) n += stream.confirmed < publication ? 1 : 0;
    return n;
  };
  auto all_confirmed = [&lagging]() { return lagging() == 0; };
  if (streams_mu_.AwaitWithTimeout(absl::Condition(&all_confirmed), timeout)) {
    return absl::OkStatus();
  }
  return absl::UnavailableError(absl::StrCat(
      lagging(), " serving replica(s) did not confirm the new state within ",
      absl::FormatDuration(timeout), "; until they do they may serve the erased data (retry)"));
}

grpc::Status RecommenderReplicationServiceImpl::KnowsCustomer(
    grpc::ServerContext* /*context*/, const v1::KnowsCustomerRequest* request,
    v1::KnowsCustomerResponse* response) {
  if (request->who().empty()) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "who: required");
  }
  if (!known_customer_) {
    response->set_known(false);
    return grpc::Status::OK;
  }
  absl::StatusOr<bool> known = known_customer_(request->who(), request->by_source_key());
  if (!known.ok()) return ToGrpcStatus(known.status());
  response->set_known(*known);
  return grpc::Status::OK;
}

}  // namespace clientele::recommender
