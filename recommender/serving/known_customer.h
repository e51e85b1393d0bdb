// Recommend's slow path for a customer its snapshot does not know (KnownCustomerFn in
// recommender_queries.h): known is a source key the store has seen, a "system/id" profile id
// of one, or a profile id identity knows. Identity's "not known" counts only from an identity
// that has applied the log as far as the recommender (else Unavailable: it may be replaying
// the log and not know the profile yet).
#ifndef CLIENTELE_RECOMMENDER_SERVING_KNOWN_CUSTOMER_H_
#define CLIENTELE_RECOMMENDER_SERVING_KNOWN_CUSTOMER_H_

#include <functional>
#include <memory>

#include "absl/time/time.h"
#include "identity/client/identity_client.h"
#include "recommender/serving/recommender_queries.h"
#include "recommender/state/recommender_store.h"

namespace clientele::recommender {

// The identity client now; null without identity (a profile id is then known only as the
// source key text of a customer the store has seen). Thread-safe.
using IdentityClientFn = std::function<std::shared_ptr<identity::IdentityClient>()>;

// `store` (not owned) must outlive the function. `catch_up_wait`: how long identity may wait
// to reach the recommender's applied positions (the store's) before a profile it does not
// know is Unavailable rather than unknown.
KnownCustomerFn KnownCustomerWithIdentity(const RecommenderStore* store, IdentityClientFn identity,
                                          absl::Duration catch_up_wait = absl::Seconds(1));

// The recommender's applied positions of the log (from its store).
absl::StatusOr<identity::LogPositions> AppliedPositions(const RecommenderStore& store);

}  // namespace clientele::recommender

#endif  // CLIENTELE_RECOMMENDER_SERVING_KNOWN_CUSTOMER_H_
