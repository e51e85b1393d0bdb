// The serving replica component of clienteled (--services=recommender-serving
// --model_source=ADDR): a stateless pod that follows the training recommender's served
// snapshot over RecommenderReplication.WatchModel (replication/replica_follower.h) and answers
// the read calls of clientele.recommender.v1.RecommenderService from it (Recommend,
// SimilarItems, CompleteBasket, ListRules, GetModelInfo; PutItemVectors is the trainer's:
// FAILED_PRECONDITION). No store and no data directory: everything is in memory.
//
// Differences from the trainer's answers (docs/recommender.md, "Serving replicas"): items
// bought since the last training are not excluded (the trainer's live purchase history stays
// on the trainer); a customer absent from the snapshot is looked up on the trainer
// (KnowsCustomer), UNAVAILABLE while it is unreachable.
//
// Health: NOT_SERVING until the first snapshot arrives, then SERVING for good (a replica cut
// off from the trainer serves its last snapshot). `--services=all` does not include it.
#ifndef CLIENTELE_RECOMMENDER_RECOMMENDER_SERVING_COMPONENT_H_
#define CLIENTELE_RECOMMENDER_RECOMMENDER_SERVING_COMPONENT_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "clientele/recommender/v1/recommender_replication.grpc.pb.h"
#include "common/server/component_registry.h"
#include "recommender/recommender_service.h"
#include "recommender/replication/replica_follower.h"
#include "recommender/serving/recommender_queries.h"
#include "recommender/serving/snapshot_holder.h"

namespace clientele::recommender {

class RecommenderServingComponent final : public server::Component {
 public:
  // "recommender-serving", registered in cmd/clienteled/components.cc.
  static server::ComponentInfo Info();

  ~RecommenderServingComponent() override;  // Stop().

  // --model_source.
  void AddFlags(CLI::App& app) override;
  // InvalidArgument naming the flag without --model_source, or beside the recommender.
  absl::Status Open(const server::ComponentEnvironment& env) override;
  std::vector<grpc::Service*> services() override { return {service_.get()}; }
  std::vector<std::string> health_names() const override;
  // Opens the model stream to --model_source.
  absl::Status Start(std::shared_ptr<const server::ComponentChannels> channels) override;
  // Unavailable until the first snapshot.
  absl::Status Health() const override;
  // Closes the model stream.
  void Drain() override;
  void Stop() override { Drain(); }

 private:
  // KnownCustomerFn over the trainer's KnowsCustomer.
  absl::StatusOr<bool> KnownOnTrainer(const std::string& who, bool by_source_key) const;

  std::string model_source_;
  metrics::Registry* metrics_ = nullptr;
  std::unique_ptr<SnapshotHolder> holder_;
  std::unique_ptr<RecommenderQueries> queries_;
  std::unique_ptr<RecommenderServiceImpl> service_;
  std::unique_ptr<ReplicaFollower> follower_;
  mutable absl::Mutex trainer_mu_;
  // Set in Start; read by serving threads (which may run before).
  std::unique_ptr<v1::RecommenderReplication::Stub> trainer_ ABSL_GUARDED_BY(trainer_mu_);
};

}  // namespace clientele::recommender

#endif  // CLIENTELE_RECOMMENDER_RECOMMENDER_SERVING_COMPONENT_H_
