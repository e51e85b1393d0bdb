// Per-profile figures of a job run: the stored per-source-key aggregates and attributes,
// combined over each profile's member source keys.
//
// Combining: frequency and monetary add up, first purchase is the earliest and last purchase
// the latest of the members (amounts in major units: members of one profile may use
// different currencies, which a single figure cannot honour; see docs/analytics.md).
#ifndef CLIENTELE_ANALYTICS_JOBS_PROFILE_FIGURES_H_
#define CLIENTELE_ANALYTICS_JOBS_PROFILE_FIGURES_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "analytics/aggregates/customer_aggregate.h"
#include "analytics/jobs/job_runner.h"
#include "analytics/jobs/profile_directory.h"
#include "analytics/rfm/rfm.h"
#include "analytics/state/analytics_store.h"

namespace clientele::analytics {

struct ProfileFigures {
  std::string profile_id;
  std::vector<common::v1::SourceKey> members;  // In key order.
  // RFM input under the run's convention (key = profile_id); nullopt without counted orders.
  std::optional<CustomerAggregate> rfm;
  double gross_spend = 0;  // Kept lines, major units, all members.
  bool has_orders = false;
  common::v1::CustomerUpsert attributes;  // Members' attributes merged in key order.
};

// Every profile that has an aggregate or attributes, in profile id order. Checks
// `control.cancelled()` as it goes (CancelledError) and reports progress from
// `progress_from` to `progress_to`.
absl::StatusOr<std::vector<ProfileFigures>> CollectProfiles(
    const AnalyticsStore& store, ProfileDirectory& directory, RfmConvention convention,
    JobControl& control, double progress_from, double progress_to);

}  // namespace clientele::analytics

#endif  // CLIENTELE_ANALYTICS_JOBS_PROFILE_FIGURES_H_
