// IdentityReplica: an identity read replica's state and the thread that keeps it following the
// primary (docs/identity.md, "Read replicas").
//
// The replica's store is a RocksDB store with identity's column families under
// <dir>/g<generation> (<dir>/CURRENT names the generation in use). A fresh replica bootstraps:
// it streams the primary's snapshot (IdentityReplication.StreamSnapshot) into a new
// generation, with the snapshot's change sequence, then switches to it and deletes the old
// generation's files. It then tails the primary's changes after its applied sequence
// (StreamChanges) and writes each message's changes with the new applied sequence in one
// WriteBatch, so after a restart it resumes where it stopped (no bootstrap). When the primary
// no longer keeps the next change (OUT_OF_RANGE: retention, or an erasure trimmed it), it
// bootstraps again.
//
// The read RPCs need the Resolver's in-memory indexes (records, blocking keys, contact maps,
// profiles, consents): after applying changes the replica opens a new Resolver over its store
// (Resolver::Open rebuilds them) and swaps it in, at most every `rebuild_interval` while it is
// behind and at once when it has caught up. Readers keep the state they took
// (ReplicaState, shared), so a rebuild never blocks them. After applying an erasure change it
// purges its store's files (KvStore::PurgeDeleted) before it reports the change applied.
//
// Thread-safe.
#ifndef CLIENTELE_IDENTITY_REPLICATION_IDENTITY_REPLICA_H_
#define CLIENTELE_IDENTITY_REPLICATION_IDENTITY_REPLICA_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "clientele/identity/v1/replication.grpc.pb.h"
#include "common/storage/kv_store.h"
#include "grpcpp/channel.h"
#include "grpcpp/client_context.h"
#include "identity/resolution/resolver.h"

namespace clientele::identity {

struct ReplicaOptions {
  std::string dir;  // Created if missing.
  bool sync_writes = false;
  // While behind, the longest time between two rebuilds of the in-memory indexes.
  absl::Duration rebuild_interval = absl::Milliseconds(500);
  // Pause after a failed bootstrap or a broken stream (doubled up to 2 s).
  absl::Duration first_retry = absl::Milliseconds(50);
};

// One generation's store; its files are deleted when it closes if it was replaced.
struct ReplicaStore {
  ~ReplicaStore();
  std::unique_ptr<storage::KvStore> kv;
  std::string path;
  std::atomic<bool> remove_on_close{false};
};

// What the read RPCs use: immutable once published.
struct ReplicaState {
  std::shared_ptr<ReplicaStore> store;  // Declared first: outlives the resolver.
  std::unique_ptr<Resolver> resolver;
  uint64_t sequence = 0;  // The primary's change sequence this state is at.
};

class IdentityReplica {
 public:
  // Opens the generation in use, if any (then the replica serves at once), and deletes the
  // files of any other (an interrupted bootstrap, a replaced generation).
  static absl::StatusOr<std::unique_ptr<IdentityReplica>> Open(ReplicaOptions options);
  ~IdentityReplica();  // Stop().

  // Starts following the primary over `primary` (IdentityReplication). Once.
  void Start(std::shared_ptr<grpc::Channel> primary);
  // Ends the stream in flight and joins the thread. Idempotent.
  void Stop();

  // The state reads use; null until the first bootstrap.
  std::shared_ptr<const ReplicaState> state() const;
  // The sequence of state() (0 before it exists) and the primary's head as last heard.
  uint64_t visible_sequence() const;
  uint64_t primary_head() const { return primary_head_.load(); }
  // Changes the state is behind the primary's head as last heard (0 when caught up).
  uint64_t lag_changes() const;
  // How long the state has been behind (0 when caught up).
  absl::Duration lag() const;
  // True once the state is at `sequence` or later (and purged, after an erasure change).
  bool WaitForVisible(uint64_t sequence, absl::Time deadline) const;
  // Bootstraps done since Open.
  uint64_t bootstraps() const { return bootstraps_.load(); }
  // The last error of following the primary (OK while it follows).
  absl::Status last_error() const;

 private:
  explicit IdentityReplica(ReplicaOptions options) : options_(std::move(options)) {}

  void Run();
  absl::Status Bootstrap();
  // Tails until the stream ends; the stream's error.
  absl::Status Tail();
  // Applies `response`'s changes to the store in one batch.
  absl::Status Apply(const v1::StreamChangesResponse& response, bool* erasure);
  // A new Resolver over the current store, published at `sequence_`.
  absl::Status Rebuild();
  // Publishes `state` (replacing the current one).
  void Publish(std::shared_ptr<const ReplicaState> state);
  // A context for the next call, cancelled by Stop (null when stopping).
  grpc::ClientContext* BeginCall();
  void EndCall();
  bool Pause(absl::Duration pause);

  const ReplicaOptions options_;
  std::unique_ptr<v1::IdentityReplication::Stub> stub_;
  std::thread thread_;
  // Written by the follower thread only.
  std::shared_ptr<ReplicaStore> store_;
  uint64_t generation_ = 0;
  uint64_t applied_ = 0;  // In store_.
  absl::Time last_rebuild_;

  mutable absl::Mutex mu_;
  std::shared_ptr<const ReplicaState> state_ ABSL_GUARDED_BY(mu_);
  absl::Time caught_up_at_ ABSL_GUARDED_BY(mu_);
  absl::Status last_error_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::unique_ptr<grpc::ClientContext> call_ ABSL_GUARDED_BY(mu_);
  std::atomic<uint64_t> primary_head_{0};
  std::atomic<uint64_t> bootstraps_{0};
};

}  // namespace clientele::identity

#endif  // CLIENTELE_IDENTITY_REPLICATION_IDENTITY_REPLICA_H_
