#include "recommender/replication/replica_follower.h"

#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/status/grpc_status.h"
#include "grpcpp/client_context.h"
#include "recommender/jobs/model_versions.h"
#include "recommender/replication/replica_snapshot.h"
#include "spdlog/spdlog.h"

namespace clientele::recommender {
namespace {

// One update as it arrives: begin, then per artifact its size and its chunks, then end.
class UpdateAssembler {
 public:
  // Feeds one message; an error names what broke the protocol. `done` is set on the end of
  // an update, whose parts are then in begin() and artifacts().
  absl::Status Add(v1::WatchModelResponse& message, bool* done) {
    *done = false;
    switch (message.kind_case()) {
      case v1::WatchModelResponse::kBegin:
        if (open_) return Broken("an update began inside another");
        open_ = true;
        begin_ = message.begin();
        artifacts_.clear();
        current_ = nullptr;
        return absl::OkStatus();
      case v1::WatchModelResponse::kArtifact: {
        if (!open_) return Broken("an artifact outside an update");
        if (current_ != nullptr && current_->size() != expected_) {
          return Broken("an artifact shorter than announced");
        }
        if (static_cast<int32_t>(artifacts_.size()) >= begin_.artifacts()) {
          return Broken("more artifacts than the update announced");
        }
        current_ = &artifacts_[message.artifact().name()];
        current_->clear();
        current_->reserve(message.artifact().bytes());
        expected_ = message.artifact().bytes();
        return absl::OkStatus();
      }
      case v1::WatchModelResponse::kChunk:
        if (current_ == nullptr) return Broken("a chunk outside an artifact");
        if (current_->size() + message.chunk().size() > expected_) {
          return Broken("an artifact longer than announced");
        }
        current_->append(message.chunk());
        return absl::OkStatus();
      case v1::WatchModelResponse::kEnd:
        if (!open_) return Broken("an update ended that never began");
        if (current_ != nullptr && current_->size() != expected_) {
          return Broken("an artifact shorter than announced");
        }
        if (static_cast<int32_t>(artifacts_.size()) != begin_.artifacts()) {
          return Broken("fewer artifacts than the update announced");
        }
        open_ = false;
        current_ = nullptr;
        *done = true;
        return absl::OkStatus();
      case v1::WatchModelResponse::kHeartbeat:
        return absl::OkStatus();
      default:
        return Broken("a message of an unknown kind");
    }
  }

  const v1::UpdateBegin& begin() const { return begin_; }
  std::map<std::string, std::string>& artifacts() { return artifacts_; }

 private:
  static absl::Status Broken(const std::string& what) {
    return absl::DataLossError(absl::StrCat("model stream from --model_source: ", what));
  }

  bool open_ = false;
  v1::UpdateBegin begin_;
  std::map<std::string, std::string> artifacts_;
  std::string* current_ = nullptr;
  size_t expected_ = 0;
};

// Sets `*slot` (guarded by `mu`) back to null when it goes out of scope: a ClientContext that
// Stop may cancel is registered there only while it lives.
class ClearedOnExit {
 public:
  ClearedOnExit(absl::Mutex* mu, grpc::ClientContext** slot) : mu_(mu), slot_(slot) {}
  ~ClearedOnExit() {
    absl::MutexLock lock(mu_);
    *slot_ = nullptr;
  }

 private:
  absl::Mutex* const mu_;
  grpc::ClientContext** const slot_;
};

absl::StatusOr<std::shared_ptr<const ConsentMap>> ConsentsOf(
    const std::map<std::string, std::string>& artifacts) {
  v1::ConsentList list;
  auto it = artifacts.find("consents");
  if (it == artifacts.end() || !list.ParseFromString(it->second)) {
    return absl::DataLossError("model stream from --model_source: no readable consent list");
  }
  auto consents = std::make_shared<ConsentMap>();
  consents->reserve(list.consents_size());
  for (const v1::LiveConsent& c : list.consents()) {
    (*consents)[c.source_key()] = {c.status(), c.time_seconds()};
  }
  return std::shared_ptr<const ConsentMap>(std::move(consents));
}

}  // namespace

ReplicaFollower::ReplicaFollower(std::shared_ptr<grpc::Channel> trainer, SnapshotHolder* holder,
                                 metrics::Registry* registry, ReplicaFollowerOptions options)
    : stub_(v1::RecommenderReplication::NewStub(std::move(trainer))),
      holder_(holder),
      options_(options) {
  if (registry != nullptr) {
    version_ = registry->GetGauge("clientele_recommender_serving_model_version",
                                  "Model version this serving replica serves (0: none yet).");
    connected_ = registry->GetGauge("clientele_recommender_serving_connected",
                                    "1 while the replica's model stream to the trainer is open.");
    received_ = registry->GetCounter("clientele_recommender_serving_snapshots_received_total",
                                     "Model snapshots received from the trainer.");
    errors_ = registry->GetCounter("clientele_recommender_serving_stream_errors_total",
                                   "Model streams to the trainer that failed or broke off.");
  }
}

ReplicaFollower::~ReplicaFollower() { Stop(); }

void ReplicaFollower::Start() {
  if (thread_.joinable()) return;
  thread_ = std::thread([this] { Run(); });
  // Ends a stream that stays silent (a trainer lost without a reset connection).
  watchdog_ = std::thread([this] {
    absl::MutexLock lock(&mu_);
    while (!stopping_) {
      mu_.AwaitWithTimeout(absl::Condition(&stopping_), absl::Seconds(1));
      if (context_ != nullptr && absl::Now() - last_message_ > options_.silence_timeout) {
        context_->TryCancel();
        last_message_ = absl::Now();  // Once per silence.
      }
    }
  });
}

void ReplicaFollower::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
    if (context_ != nullptr) context_->TryCancel();
    if (ack_context_ != nullptr) ack_context_->TryCancel();
  }
  if (thread_.joinable()) thread_.join();
  if (watchdog_.joinable()) watchdog_.join();
}

void ReplicaFollower::Run() {
  absl::Duration backoff = options_.initial_backoff;
  while (true) {
    bool delivered = false;
    const absl::Status status = FollowOnce(&delivered);
    if (connected_ != nullptr) connected_->Set(0);
    absl::MutexLock lock(&mu_);
    if (stopping_) return;
    if (errors_ != nullptr) errors_->Increment();
    if (delivered) backoff = options_.initial_backoff;
    spdlog::warn("model stream from the trainer ended ({}); reconnecting in {}", status.ToString(),
                 absl::FormatDuration(backoff));
    mu_.AwaitWithTimeout(absl::Condition(&stopping_), backoff);
    if (stopping_) return;
    backoff = std::min(backoff * 2, options_.max_backoff);
  }
}

bool ReplicaFollower::Stopping() {
  absl::MutexLock lock(&mu_);
  return stopping_;
}

void ReplicaFollower::Ack(uint64_t stream_id, uint64_t sequence) {
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(5)));
  {
    absl::MutexLock lock(&mu_);
    if (stopping_) return;    // The trainer learns of the update from the next connection.
    ack_context_ = &context;  // Stop cancels it.
  }
  const ClearedOnExit cleared(&mu_, &ack_context_);
  v1::AckModelRequest request;
  request.set_stream_id(stream_id);
  request.set_sequence(sequence);
  v1::AckModelResponse response;
  // A lost ack delays the trainer's erasure (it waits, then fails for a retry); nothing else.
  const grpc::Status status = stub_->AckModel(&context, request, &response);
  if (!status.ok()) {
    spdlog::warn("acknowledging model update {} to the trainer failed: {}", sequence,
                 status.error_message());
  }
}

absl::Status ReplicaFollower::FollowOnce(bool* delivered) {
  grpc::ClientContext context;
  {
    absl::MutexLock lock(&mu_);
    if (stopping_) return absl::OkStatus();
    context_ = &context;
    last_message_ = absl::Now();
  }
  const ClearedOnExit cleared(&mu_, &context_);
  v1::WatchModelRequest request;
  request.set_chunk_bytes(options_.chunk_bytes);
  std::unique_ptr<grpc::ClientReader<v1::WatchModelResponse>> reader =
      stub_->WatchModel(&context, request);
  UpdateAssembler assembler;
  v1::WatchModelResponse message;
  bool first = true;
  absl::Time update_began;  // When the current update's first message arrived.
  uint64_t update_bytes = 0;
  while (reader->Read(&message)) {
    if (message.has_begin()) {
      update_began = absl::Now();
      update_bytes = 0;
    } else if (message.has_artifact()) {
      update_bytes += message.artifact().bytes();
    }
    {
      absl::MutexLock lock(&mu_);
      last_message_ = absl::Now();
    }
    if (first && connected_ != nullptr) connected_->Set(1);
    first = false;
    bool done = false;
    if (absl::Status s = assembler.Add(message, &done); !s.ok()) {
      context.TryCancel();
      reader->Finish();
      return s;
    }
    if (!done) continue;
    const absl::Time received = absl::Now();
    const v1::UpdateBegin& begin = assembler.begin();
    if (begin.kind() == v1::UpdateBegin::KIND_SNAPSHOT) {
      absl::StatusOr<std::shared_ptr<const ServingSnapshot>> snapshot =
          SnapshotOfUpdate(assembler.artifacts(), [this] { return Stopping(); });
      if (!snapshot.ok()) {
        context.TryCancel();
        reader->Finish();
        return Stopping() ? absl::OkStatus() : snapshot.status();
      }
      holder_->Publish(*snapshot);
      spdlog::info(
          "serving model version {} from the trainer (publication {}): {} bytes received in "
          "{:.3f} s, loaded in {:.3f} s",
          begin.version(), begin.publication(), update_bytes,
          absl::ToDoubleSeconds(received - update_began),
          absl::ToDoubleSeconds(absl::Now() - received));
      if (version_ != nullptr) version_->Set(static_cast<double>(begin.version()));
      if (received_ != nullptr) received_->Increment();
    } else if (begin.kind() == v1::UpdateBegin::KIND_CONSENTS) {
      absl::StatusOr<std::shared_ptr<const ConsentMap>> consents =
          ConsentsOf(assembler.artifacts());
      if (!consents.ok()) {
        context.TryCancel();
        reader->Finish();
        return consents.status();
      }
      holder_->SetConsents(*std::move(consents));
    }
    *delivered = true;
    Ack(begin.stream_id(), begin.sequence());
  }
  const grpc::Status status = reader->Finish();
  {
    absl::MutexLock lock(&mu_);
    if (stopping_) return absl::OkStatus();
  }
  if (status.ok()) return absl::UnavailableError("the trainer ended the model stream");
  return FromGrpcStatus(status);
}

}  // namespace clientele::recommender
