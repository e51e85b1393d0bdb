#include "analytics/jobs/profile_figures.h"

#include <algorithm>
#include <map>
#include <utility>

#include "absl/strings/str_cat.h"
#include "analytics/analytics_applier.h"
#include "common/status/status_macros.h"

namespace clientele::analytics {

absl::StatusOr<std::vector<ProfileFigures>> CollectProfiles(
    const AnalyticsStore& store, ProfileDirectory& directory, RfmConvention convention,
    JobControl& control, double progress_from, double progress_to) {
  control.SetProgress(progress_from, "reading the profile map");
  CLT_ASSIGN_OR_RETURN(ProfileMap map,
                       directory.GetProfileMap([&control] { return control.cancelled(); }));
  auto profile_of = [&map](const common::v1::SourceKey& key) {
    auto it = map.find(EncodeSourceKey(key));
    return it == map.end() ? FormatSourceKey(key) : it->second;
  };
  std::map<std::string, ProfileFigures> profiles;
  auto profile = [&profiles](const std::string& id) -> ProfileFigures& {
    ProfileFigures& p = profiles[id];
    p.profile_id = id;
    return p;
  };
  int64_t visited = 0;
  const double middle = (progress_from + progress_to) / 2;
  control.SetProgress(progress_from, "reading order aggregates");
  CLT_RETURN_IF_ERROR(store.ForEachAggregate(
      [&](const common::v1::SourceKey& key, const CustomerOrderAggregate& aggregate) {
        if (++visited % 4096 == 0 && control.cancelled()) return absl::CancelledError("cancelled");
        ProfileFigures& p = profile(profile_of(key));
        p.members.push_back(key);
        p.has_orders = true;
        p.gross_spend += aggregate.MajorUnits(aggregate.gross_revenue());
        std::optional<CustomerAggregate> in = aggregate.ToRfmInput(p.profile_id, convention);
        if (!in) return absl::OkStatus();
        if (!p.rfm) {
          p.rfm = std::move(in);
        } else {
          p.rfm->frequency += in->frequency;
          p.rfm->monetary += in->monetary;
          p.rfm->first_purchase = std::min(p.rfm->first_purchase, in->first_purchase);
          p.rfm->last_purchase = std::max(p.rfm->last_purchase, in->last_purchase);
        }
        return absl::OkStatus();
      }));
  control.SetProgress(middle, "reading attributes");
  CLT_RETURN_IF_ERROR(store.ForEachAttributes(
      [&](const common::v1::SourceKey& key, const common::v1::CustomerUpsert& attributes) {
        if (++visited % 4096 == 0 && control.cancelled()) return absl::CancelledError("cancelled");
        ProfileFigures& p = profile(profile_of(key));
        if (std::none_of(p.members.begin(), p.members.end(), [&](const auto& m) {
              return m.system() == key.system() && m.id() == key.id();
            })) {
          p.members.push_back(key);
        }
        MergeCustomerUpsert(attributes, &p.attributes);
        return absl::OkStatus();
      }));
  std::vector<ProfileFigures> out;
  out.reserve(profiles.size());
  for (auto& [id, p] : profiles) {
    std::sort(p.members.begin(), p.members.end(), [](const auto& a, const auto& b) {
      return std::tie(a.system(), a.id()) < std::tie(b.system(), b.id());
    });
    out.push_back(std::move(p));
  }
  control.SetProgress(progress_to, absl::StrCat(out.size(), " profiles"));
  return out;
}

}  // namespace clientele::analytics
