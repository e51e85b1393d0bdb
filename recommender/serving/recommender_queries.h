// The recommender's read calls over the current ServingSnapshot: Recommend, SimilarItems,
// CompleteBasket, ListRules, GetModelInfo. Request and response are the API messages; errors
// name the field (InvalidArgument), unknown profiles and SKUs are NotFound (a SKU's names the
// nearest known items: unknown_item.h), calls before the first trained model are
// FailedPrecondition.
//
// The common path of Recommend reads only memory: one snapshot load (see SnapshotHolder), a
// hash lookup of the profile, the model's scoring. A customer the snapshot does not know
// (new since training) takes the slow path: `known_customer` (a store read) decides between a
// cold-start answer (popular items) and NotFound.
//
// Purchased items (exclude_purchased, the default): the snapshot's history of the user plus
// the live purchase history since training (`live_purchases`: one store lookup per member
// source key), so an item bought after the last training is not suggested again.
//
// Consent (respect_consent): a profile whose latest PROFILING consent (live changes first,
// then the snapshot's) is not GRANTED gets overall popular items, never a list derived from
// its history or segment; `personalized` is false and `note` says why.
//
// Thread-safe; `holder` is not owned and must outlive the queries.
#ifndef CLIENTELE_RECOMMENDER_SERVING_RECOMMENDER_QUERIES_H_
#define CLIENTELE_RECOMMENDER_SERVING_RECOMMENDER_QUERIES_H_

#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "clientele/recommender/v1/recommender.pb.h"
#include "recommender/serving/snapshot_holder.h"

namespace clientele::recommender {

// Whether a customer absent from the snapshot exists: `who` is a source key text "system/id"
// when `by_source_key`, else a profile id (with identity, one identity created after the last
// training counts as known). May read storage or call identity; called only for customers the
// snapshot does not know. An error (identity unreachable) fails the call with that status.
using KnownCustomerFn =
    std::function<absl::StatusOr<bool>(const std::string& who, bool by_source_key)>;

// Visits the SKUs source key `source_key` ("system/id") bought or rated in events the
// recommender applied after `snapshot` was trained (its manifest's trained_through): the live
// purchase history that Recommend excludes along with the snapshot's. Called on every
// Recommend that excludes purchased items, once per member source key: a per-customer lookup.
using LivePurchasesFn =
    std::function<absl::Status(const std::string& source_key, const ServingSnapshot& snapshot,
                               const std::function<void(const std::string& sku)>& visit)>;

class RecommenderQueries {
 public:
  // `live_purchases` may be null: only the snapshot's history is excluded.
  RecommenderQueries(const SnapshotHolder* holder, KnownCustomerFn known_customer,
                     LivePurchasesFn live_purchases = nullptr)
      : holder_(holder),
        known_customer_(std::move(known_customer)),
        live_purchases_(std::move(live_purchases)) {}

  // What Recommend, SimilarItems, CompleteBasket and ListRules answer while
  // `holder` has no snapshot: FAILED_PRECONDITION "no trained model yet" unless set (a serving
  // replica, whose snapshot is on its way, sets UNAVAILABLE: retryable on another replica).
  // Call before the first query.
  void set_no_snapshot_status(absl::Status status) { no_snapshot_ = std::move(status); }

  absl::StatusOr<v1::RecommendResponse> Recommend(const v1::RecommendRequest& request) const;
  absl::StatusOr<v1::SimilarItemsResponse> SimilarItems(
      const v1::SimilarItemsRequest& request) const;
  absl::StatusOr<v1::CompleteBasketResponse> CompleteBasket(
      const v1::CompleteBasketRequest& request) const;
  absl::StatusOr<v1::ListRulesResponse> ListRules(const v1::ListRulesRequest& request) const;
  absl::StatusOr<v1::GetModelInfoResponse> GetModelInfo() const;

 private:
  const SnapshotHolder* const holder_;  // Not owned.
  const KnownCustomerFn known_customer_;
  const LivePurchasesFn live_purchases_;
  absl::Status no_snapshot_;  // OK: NoModel().
};

// The factory name of the model a strategy uses ("" for RULES / CONTENT / UNSPECIFIED).
std::string StrategyModelName(v1::Strategy strategy);

}  // namespace clientele::recommender

#endif  // CLIENTELE_RECOMMENDER_SERVING_RECOMMENDER_QUERIES_H_
