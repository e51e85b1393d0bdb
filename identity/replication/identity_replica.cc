#include "identity/replication/identity_replica.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/status/status_macros.h"
#include "common/storage/key_encoding.h"
#include "common/storage/rocksdb_store.h"
#include "identity/resolution/fellegi_sunter_matcher.h"
#include "identity/resolution/identity_schema.h"
#include "spdlog/spdlog.h"

namespace clientele::identity {
namespace {

namespace fs = std::filesystem;

constexpr char kAppliedKey[] = "replica/applied";
constexpr char kCurrentFile[] = "CURRENT";
constexpr size_t kBatchBytes = 4 << 20;

absl::Status FromGrpc(const grpc::Status& s, const char* what) {
  return absl::Status(static_cast<absl::StatusCode>(s.error_code()),
                      absl::StrCat(what, ": ", s.error_message()));
}

const std::map<std::string, storage::ColumnFamilyId, std::less<>>& FamiliesByName() {
  static const auto* const kFamilies = [] {
    auto* m = new std::map<std::string, storage::ColumnFamilyId, std::less<>>();
    const std::vector<storage::ColumnFamilySpec> specs = IdentityColumnFamilies();
    for (size_t i = 0; i < specs.size(); ++i) {
      (*m)[specs[i].name] = static_cast<storage::ColumnFamilyId>(i);
    }
    return m;
  }();
  return *kFamilies;
}

absl::Status AddOp(const v1::KvChange& op, storage::WriteBatch& batch) {
  auto cf = FamiliesByName().find(op.column_family());
  if (cf == FamiliesByName().end() || cf->second == kProgressCf || cf->second == kChangesCf) {
    return absl::DataLossError(
        absl::StrCat("replicated change on unknown column family '", op.column_family(), "'"));
  }
  switch (op.kind()) {
    case v1::KvChange::KIND_PUT:
      batch.Put(cf->second, op.key(), op.value());
      return absl::OkStatus();
    case v1::KvChange::KIND_DELETE:
      batch.Delete(cf->second, op.key());
      return absl::OkStatus();
    case v1::KvChange::KIND_DELETE_RANGE:
      return batch.DeleteRange(cf->second, op.key(), op.end_key());
    default:
      return absl::DataLossError(absl::StrCat("replicated change of unknown kind ", op.kind()));
  }
}

std::vector<storage::ColumnFamilyId> AllFamilies() {
  std::vector<storage::ColumnFamilyId> out;
  for (size_t i = 0; i < IdentityColumnFamilies().size(); ++i) {
    out.push_back(static_cast<storage::ColumnFamilyId>(i));
  }
  return out;
}

absl::StatusOr<std::unique_ptr<storage::KvStore>> OpenGeneration(const std::string& path,
                                                                 bool sync_writes) {
  storage::RocksDbOptions db;
  db.path = path;
  db.name = "identity-replica";
  db.column_families = IdentityColumnFamilies();
  db.sync_writes = sync_writes;
  return storage::OpenRocksDbStore(db);
}

absl::StatusOr<std::unique_ptr<Resolver>> OpenResolver(storage::KvStore* store) {
  return Resolver::Open(store, std::make_unique<FellegiSunterMatcher>(), ResolverOptions());
}

}  // namespace

ReplicaStore::~ReplicaStore() {
  kv.reset();
  if (remove_on_close.load()) {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
}

absl::StatusOr<std::unique_ptr<IdentityReplica>> IdentityReplica::Open(ReplicaOptions options) {
  std::error_code ec;
  fs::create_directories(options.dir, ec);
  if (ec) {
    return absl::UnavailableError(
        absl::StrCat("cannot create data directory ", options.dir, ": ", ec.message()));
  }
  auto replica = std::unique_ptr<IdentityReplica>(new IdentityReplica(options));
  {
    std::ifstream current(fs::path(options.dir) / kCurrentFile);
    std::string name;
    if (current >> name && name.size() > 1 && name[0] == 'g') {
      replica->generation_ = std::strtoull(name.c_str() + 1, nullptr, 10);
    }
  }
  const std::string in_use = absl::StrCat("g", replica->generation_);
  for (const auto& entry : fs::directory_iterator(options.dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (entry.is_directory() && name != in_use) fs::remove_all(entry.path(), ec);
  }
  if (replica->generation_ == 0) return replica;
  auto store = std::make_shared<ReplicaStore>();
  store->path = (fs::path(options.dir) / in_use).string();
  absl::StatusOr<std::unique_ptr<storage::KvStore>> kv =
      OpenGeneration(store->path, options.sync_writes);
  if (!kv.ok()) return kv.status();
  store->kv = *std::move(kv);
  absl::StatusOr<std::optional<std::string>> applied = store->kv->Get(kProgressCf, kAppliedKey);
  if (!applied.ok()) return applied.status();
  if (!applied->has_value() || (*applied)->size() != 8) {
    store->remove_on_close = true;  // Never completed: bootstrap again.
    return replica;
  }
  replica->applied_ = storage::DecodeUint64(**applied);
  replica->store_ = std::move(store);
  if (absl::Status s = replica->Rebuild(); !s.ok()) return s;
  return replica;
}

IdentityReplica::~IdentityReplica() { Stop(); }

void IdentityReplica::Start(std::shared_ptr<grpc::Channel> primary) {
  stub_ = v1::IdentityReplication::NewStub(std::move(primary));
  thread_ = std::thread([this] { Run(); });
}

void IdentityReplica::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
    if (call_ != nullptr) call_->TryCancel();
  }
  if (thread_.joinable()) thread_.join();
}

std::shared_ptr<const ReplicaState> IdentityReplica::state() const {
  absl::MutexLock lock(&mu_);
  return state_;
}

uint64_t IdentityReplica::visible_sequence() const {
  absl::MutexLock lock(&mu_);
  return state_ == nullptr ? 0 : state_->sequence;
}

uint64_t IdentityReplica::lag_changes() const {
  const uint64_t head = primary_head_.load();
  const uint64_t visible = visible_sequence();
  return head > visible ? head - visible : 0;
}

absl::Duration IdentityReplica::lag() const {
  const uint64_t head = primary_head_.load();
  absl::MutexLock lock(&mu_);
  const uint64_t visible = state_ == nullptr ? 0 : state_->sequence;
  if (visible >= head || caught_up_at_ == absl::Time()) return absl::ZeroDuration();
  return absl::Now() - caught_up_at_;
}

bool IdentityReplica::WaitForVisible(uint64_t sequence, absl::Time deadline) const {
  absl::MutexLock lock(&mu_);
  auto visible = [this, sequence]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return state_ != nullptr && state_->sequence >= sequence;
  };
  return mu_.AwaitWithDeadline(absl::Condition(&visible), deadline);
}

absl::Status IdentityReplica::last_error() const {
  absl::MutexLock lock(&mu_);
  return last_error_;
}

grpc::ClientContext* IdentityReplica::BeginCall() {
  absl::MutexLock lock(&mu_);
  if (stopping_) return nullptr;
  call_ = std::make_unique<grpc::ClientContext>();
  return call_.get();
}

void IdentityReplica::EndCall() {
  absl::MutexLock lock(&mu_);
  call_.reset();
}

bool IdentityReplica::Pause(absl::Duration pause) {
  absl::MutexLock lock(&mu_);
  auto stopping = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return stopping_; };
  return !mu_.AwaitWithTimeout(absl::Condition(&stopping), pause);
}

void IdentityReplica::Run() {
  absl::Duration retry = options_.first_retry;
  bool bootstrap = store_ == nullptr;
  while (true) {
    absl::Status s = bootstrap ? Bootstrap() : Tail();
    {
      absl::MutexLock lock(&mu_);
      if (stopping_) return;
      last_error_ = s;
    }
    if (s.ok()) {
      bootstrap = false;
      retry = options_.first_retry;
      continue;
    }
    if (absl::IsOutOfRange(s)) {
      spdlog::warn("identity-replica: {}; bootstrapping again", std::string(s.message()));
      bootstrap = true;
      continue;
    }
    spdlog::warn("identity-replica: {} (retrying in {} ms)", s.ToString(),
                 absl::ToInt64Milliseconds(retry));
    if (!Pause(retry)) return;
    retry = std::min(retry * 2, absl::Seconds(2));
  }
}

absl::Status IdentityReplica::Bootstrap() {
  const uint64_t generation = generation_ + 1;
  auto store = std::make_shared<ReplicaStore>();
  store->path = (fs::path(options_.dir) / absl::StrCat("g", generation)).string();
  std::error_code ec;
  fs::remove_all(store->path, ec);
  store->remove_on_close = true;  // Until it is in use.
  absl::StatusOr<std::unique_ptr<storage::KvStore>> kv =
      OpenGeneration(store->path, options_.sync_writes);
  if (!kv.ok()) return kv.status();
  store->kv = *std::move(kv);

  grpc::ClientContext* context = BeginCall();
  if (context == nullptr) return absl::CancelledError("stopping");
  std::unique_ptr<grpc::ClientReader<v1::StreamSnapshotResponse>> reader =
      stub_->StreamSnapshot(context, v1::StreamSnapshotRequest());
  v1::StreamSnapshotResponse response;
  std::unique_ptr<storage::WriteBatch> batch = store->kv->NewWriteBatch();
  std::optional<uint64_t> sequence;
  absl::Status status;
  while (status.ok() && reader->Read(&response)) {
    for (const v1::KvChange& row : response.rows()) {
      status = AddOp(row, *batch);
      if (!status.ok()) break;
    }
    if (status.ok() && batch->ByteSize() >= kBatchBytes) {
      status = store->kv->Write(*batch);
      batch->Clear();
    }
    if (response.done()) sequence = response.sequence();
  }
  if (!status.ok()) context->TryCancel();
  const grpc::Status finished = reader->Finish();
  EndCall();
  if (!status.ok()) return status;
  if (!finished.ok()) return FromGrpc(finished, "snapshot from the identity primary");
  if (!sequence.has_value()) return absl::UnavailableError("snapshot ended early");
  batch->Put(kProgressCf, kAppliedKey, storage::EncodeUint64(*sequence));
  if (absl::Status s = store->kv->Write(*batch); !s.ok()) return s;
  if (absl::Status s = store->kv->Flush(); !s.ok()) return s;
  // Switch: CURRENT names the new generation (written whole, then renamed over the old).
  const fs::path current = fs::path(options_.dir) / kCurrentFile;
  const fs::path temporary = fs::path(options_.dir) / "CURRENT.tmp";
  {
    std::ofstream out(temporary, std::ios::trunc);
    out << "g" << generation << "\n";
    out.flush();
    if (!out) return absl::UnavailableError(absl::StrCat("cannot write ", temporary.string()));
  }
  fs::rename(temporary, current, ec);
  if (ec) return absl::UnavailableError(absl::StrCat("cannot write ", current.string()));
  store->remove_on_close = false;
  if (store_ != nullptr) store_->remove_on_close = true;  // Deleted once no reader holds it.
  store_ = std::move(store);
  generation_ = generation;
  applied_ = *sequence;
  bootstraps_.fetch_add(1);
  spdlog::info("identity-replica: bootstrapped at change {}", applied_);
  return Rebuild();
}

absl::Status IdentityReplica::Tail() {
  grpc::ClientContext* context = BeginCall();
  if (context == nullptr) return absl::CancelledError("stopping");
  v1::StreamChangesRequest request;
  request.set_from_sequence(applied_);
  std::unique_ptr<grpc::ClientReader<v1::StreamChangesResponse>> reader =
      stub_->StreamChanges(context, request);
  v1::StreamChangesResponse response;
  absl::Status status;
  {
    absl::MutexLock lock(&mu_);
    last_error_ = absl::OkStatus();
  }
  while (status.ok() && reader->Read(&response)) {
    primary_head_.store(std::max(response.head_sequence(), applied_));
    bool erasure = false;
    status = Apply(response, &erasure);
    if (!status.ok()) break;
    // An erasure's values leave the files before the change counts as applied.
    if (erasure) status = store_->kv->PurgeDeleted(AllFamilies());
    if (!status.ok()) break;
    const bool caught_up = applied_ >= response.head_sequence();
    const uint64_t visible = visible_sequence();
    if (applied_ > visible &&
        (caught_up || erasure || absl::Now() - last_rebuild_ >= options_.rebuild_interval)) {
      status = Rebuild();
    } else if (caught_up) {
      absl::MutexLock lock(&mu_);
      caught_up_at_ = absl::Now();
    }
  }
  if (!status.ok()) context->TryCancel();
  const grpc::Status finished = reader->Finish();
  EndCall();
  if (!status.ok()) return status;
  return FromGrpc(finished, "change stream from the identity primary");
}

absl::Status IdentityReplica::Apply(const v1::StreamChangesResponse& response, bool* erasure) {
  if (response.changes().empty()) return absl::OkStatus();
  std::unique_ptr<storage::WriteBatch> batch = store_->kv->NewWriteBatch();
  uint64_t expected = applied_ + 1;
  for (const v1::Change& change : response.changes()) {
    if (change.sequence() != expected) {
      return absl::DataLossError(
          absl::StrCat("change stream skipped from ", expected - 1, " to ", change.sequence()));
    }
    for (const v1::KvChange& op : change.ops()) CLT_RETURN_IF_ERROR(AddOp(op, *batch));
    *erasure = *erasure || change.erasure();
    ++expected;
  }
  const uint64_t last = expected - 1;
  batch->Put(kProgressCf, kAppliedKey, storage::EncodeUint64(last));
  if (absl::Status s = store_->kv->Write(*batch); !s.ok()) return s;
  applied_ = last;
  return absl::OkStatus();
}

absl::Status IdentityReplica::Rebuild() {
  auto state = std::make_shared<ReplicaState>();
  state->store = store_;
  absl::StatusOr<std::unique_ptr<Resolver>> resolver = OpenResolver(store_->kv.get());
  if (!resolver.ok()) return resolver.status();
  state->resolver = *std::move(resolver);
  state->sequence = applied_;
  last_rebuild_ = absl::Now();
  Publish(std::move(state));
  return absl::OkStatus();
}

void IdentityReplica::Publish(std::shared_ptr<const ReplicaState> state) {
  std::shared_ptr<const ReplicaState> old;
  {
    absl::MutexLock lock(&mu_);
    old = std::move(state_);
    state_ = std::move(state);
    // Before it first catches up, the lag counts from its first state.
    if (state_->sequence >= primary_head_.load() || caught_up_at_ == absl::Time()) {
      caught_up_at_ = absl::Now();
    }
  }
  // Released outside the lock: a replaced generation's store deletes its files here, unless a
  // reader still holds it.
  old.reset();
}

}  // namespace clientele::identity
