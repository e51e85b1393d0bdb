#include "recommender/serving/known_customer.h"

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/source_key/source_key.h"
#include "common/status/status_macros.h"

namespace clientele::recommender {

absl::StatusOr<identity::LogPositions> AppliedPositions(const RecommenderStore& store) {
  CLT_ASSIGN_OR_RETURN(const std::vector<v1::AppliedPosition> applied, store.AppliedLog());
  identity::LogPositions out;
  for (const auto& p : applied) out.emplace_back(p.partition(), p.sequence());
  return out;
}

KnownCustomerFn KnownCustomerWithIdentity(const RecommenderStore* store, IdentityClientFn identity,
                                          absl::Duration catch_up_wait) {
  return [store, identity = std::move(identity), catch_up_wait](
             const std::string& who, bool by_source_key) -> absl::StatusOr<bool> {
    if (absl::StatusOr<common::v1::SourceKey> key = ParseSourceKey(who, "source_key"); key.ok()) {
      CLT_ASSIGN_OR_RETURN(const bool seen, store->HasCustomer(*key));
      if (seen) return true;
    }
    if (by_source_key) return false;
    const std::shared_ptr<identity::IdentityClient> client = identity();
    if (client == nullptr) return false;
    CLT_ASSIGN_OR_RETURN(const bool known, client->KnowsProfile(who));
    if (known) return true;
    CLT_ASSIGN_OR_RETURN(const identity::LogPositions applied, AppliedPositions(*store));
    CLT_RETURN_IF_ERROR(client->CheckCaughtUp(applied, catch_up_wait));
    return false;
  };
}

}  // namespace clientele::recommender
