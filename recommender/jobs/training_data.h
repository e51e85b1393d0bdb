// Reads the recommender's stored events into what training needs: the user x item Dataset
// (users are profile ids: member source keys of one identity profile pool their history),
// the baskets for FP-Growth (one per order with positive lines, guest orders included; item
// indexes are the Dataset's), and the manifest's catalog and profile lists.
//
// Values: order lines -> DatasetBuilder::AddOrderLine (implicit 1-5 ratings); RATING
// interactions -> AddRating; other interactions -> AddInteraction with weight VIEW 1,
// WISHLIST 2, ADD_TO_CART 3, PURCHASE 5. Item metadata from ProductUpsert, else from the first
// order line's description and category. Users' RFM segments from their orders (below).
#ifndef CLIENTELE_RECOMMENDER_JOBS_TRAINING_DATA_H_
#define CLIENTELE_RECOMMENDER_JOBS_TRAINING_DATA_H_

#include <cstdint>
#include <functional>
#include <string>

#include "absl/container/flat_hash_map.h"
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
  // RFM segment (analytics/rfm names, e.g. "Champions") of each user with a counted order,
  // scored as analytics' RFM job does by default: the notebook convention (cancellations and
  // lines with quantity or unit price <= 0 left out), quintiles over these users, ties broken
  // by the profile's smallest member source key, reference date the day after the latest
  // counted purchase. Orders whose currency differs from the user's earlier ones are left out.
  absl::flat_hash_map<std::string, std::string> user_segments;
};

// `cancelled` (may be null) is polled; Cancelled when it returns true.
absl::StatusOr<TrainingData> ReadTrainingData(const RecommenderStore& store,
                                              const ProfileMap& profiles,
                                              const std::function<bool()>& cancelled = nullptr);

}  // namespace clientele::recommender

#endif  // CLIENTELE_RECOMMENDER_JOBS_TRAINING_DATA_H_
