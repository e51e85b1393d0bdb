// The recommender's part of a data subject's erasure and access export (docs/privacy.md,
// docs/recommender.md "Privacy"). A subject is the source keys of a person's member records and
// their profile ids (privacy.v1.Subject).
//
// Erase removes, for every source key: its orders, interactions, live purchase history,
// customer entry and profiling consent (the store's rows keyed by it), and the live consent
// the serving path holds for it. In every stored model version whose manifest lists a profile
// of the subject (by profile id, or by a member source key), that profile leaves the manifest
// and its user leaves every model artifact (RecommenderModel::ForgetUsers: id, training
// history, per-user state) without retraining; when that version is the one served, the
// rewritten copy replaces the snapshot in memory. Then the touched column families are purged
// (KvStore::PurgeDeleted). Afterwards Recommend answers the erased profile as it answers a
// customer it has never seen: NOT_FOUND (it has no customer entry and no snapshot profile).
// Idempotent: erasing again finds nothing and counts 0.
//
// Serving replicas: `await_replicas` (optional) runs last in every Erase and its error fails
// the erasure (the trainer's component waits there until every connected serving replica
// serves the rewritten state: RecommenderReplicationServiceImpl::AwaitReplicas).
//
// Export gives {"interactions": [Event...], "recommendations": RecommendResponse or {}}:
// the stored interaction events of the source keys and the current top list as Recommend
// answers it with respect_consent.
//
// Not covered: a Train job that read its data before the erasure and publishes after it
// serves the subject again until the next erasure or training (run erasures when no training
// runs, or erase again after it).
//
// Thread-safe: erasures are serialized by a mutex; exports may run at any time. `store`,
// `holder` and `queries` are not owned and must outlive this object.
#ifndef CLIENTELE_RECOMMENDER_PRIVACY_RECOMMENDER_SUBJECT_DATA_H_
#define CLIENTELE_RECOMMENDER_PRIVACY_RECOMMENDER_SUBJECT_DATA_H_

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "clientele/privacy/v1/privacy.pb.h"
#include "recommender/serving/recommender_queries.h"
#include "recommender/serving/snapshot_holder.h"
#include "recommender/state/recommender_store.h"

namespace clientele::recommender {

class RecommenderSubjectData {
 public:
  RecommenderSubjectData(RecommenderStore* store, SnapshotHolder* holder,
                         const RecommenderQueries* queries,
                         std::function<absl::Status()> await_replicas = nullptr)
      : store_(store),
        holder_(holder),
        queries_(queries),
        await_replicas_(std::move(await_replicas)) {}

  // Erases every subject of `subjects`; returns the number of stored rows removed (keys
  // deleted plus profiles taken out of stored model versions). InvalidArgument naming the
  // field for a source key without system or id.
  absl::StatusOr<int64_t> Erase(const std::vector<privacy::v1::Subject>& subjects);

  // The JSON object text described above.
  absl::StatusOr<std::string> Export(const privacy::v1::Subject& subject) const;

 private:
  RecommenderStore* const store_;
  SnapshotHolder* const holder_;
  const RecommenderQueries* const queries_;
  const std::function<absl::Status()> await_replicas_;
  absl::Mutex erase_mu_;
};

}  // namespace clientele::recommender

#endif  // CLIENTELE_RECOMMENDER_PRIVACY_RECOMMENDER_SUBJECT_DATA_H_
