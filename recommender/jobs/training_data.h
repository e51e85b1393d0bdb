// Reads the recommender's stored events into what training needs: the user x item Dataset
// (users are profile ids: member source keys of one identity profile pool their history),
// the baskets for FP-Growth (one per order with positive lines, guest orders included; item
// indexes are the Dataset's), and the manifest's catalog and profile lists.
//
// Values: order lines -> DatasetBuilder::AddOrderLine (implicit 1-5 ratings); RATING
// interactions -> AddRating; other interactions -> AddInteraction with weight VIEW 1,
// WISHLIST 2, ADD_TO_CART 3, PURCHASE 5. Item metadata from ProductUpsert, else from the first
// order line's description and category.
#ifndef CLIENTELE_RECOMMENDER_JOBS_TRAINING_DATA_H_
#define CLIENTELE_RECOMMENDER_JOBS_TRAINING_DATA_H_

#include <cstdint>
#include <functional>

#include "absl/status/statusor.h"
#include "clientele/recommender/v1/recommender_state.pb.h"
#include "recommender/data/dataset.h"
#include "recommender/jobs/recommender_jobs.h"
#include "recommender/rules/transactions.h"
#include "recommender/state/recommender_store.h"

namespace clientele::recommender {

struct TrainingData {
  Dataset data;
  Transactions baskets;
  // catalog (one entry per Dataset item, same order) and profiles filled; the rest unset.
  v1::ModelManifest manifest;
};

// `cancelled` (may be null) is polled; Cancelled when it returns true.
absl::StatusOr<TrainingData> ReadTrainingData(const RecommenderStore& store,
                                              const ProfileMap& profiles,
                                              const std::function<bool()>& cancelled = nullptr);

}  // namespace clientele::recommender

#endif  // CLIENTELE_RECOMMENDER_JOBS_TRAINING_DATA_H_
