#include "analytics/jobs/feature_sets.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace clientele::analytics {
namespace {

constexpr double kMissing = std::numeric_limits<double>::quiet_NaN();

struct Derived {
  double recency_days = kMissing;
  double frequency = kMissing;
  double monetary = kMissing;
  double spend = kMissing;
};

Derived DerivedOf(const ProfileFigures& p, absl::Time reference) {
  Derived d;
  if (p.rfm) {
    d.recency_days = std::max<double>(
        0, std::floor(absl::ToDoubleHours(reference - p.rfm->last_purchase) / 24.0));
    d.frequency = static_cast<double>(p.rfm->frequency);
    d.monetary = std::max(0.0, p.rfm->monetary);
  }
  if (p.has_orders) {
    d.spend = std::max(0.0, p.gross_spend);
  } else {
    double sum = 0;
    bool any = false;
    for (const auto& [key, value] : p.attributes.attributes()) {
      if (!absl::StartsWith(key, "mnt_")) continue;
      if (value.kind_case() == common::v1::AttributeValue::kIntValue) {
        sum += static_cast<double>(value.int_value());
        any = true;
      } else if (value.kind_case() == common::v1::AttributeValue::kDoubleValue) {
        sum += value.double_value();
        any = true;
      }
    }
    if (any) d.spend = std::max(0.0, sum);
  }
  return d;
}

// A numeric reading of an attribute; nullopt for strings and absent values.
std::optional<double> NumberOf(const common::v1::AttributeValue& v) {
  switch (v.kind_case()) {
    case common::v1::AttributeValue::kIntValue:
      return static_cast<double>(v.int_value());
    case common::v1::AttributeValue::kDoubleValue:
      return std::isfinite(v.double_value()) ? std::optional<double>(v.double_value())
                                             : std::nullopt;
    case common::v1::AttributeValue::kBoolValue:
      return v.bool_value() ? 1.0 : 0.0;
    case common::v1::AttributeValue::kTimeValue:
      return static_cast<double>(v.time_value().seconds()) / 86400.0;
    case common::v1::AttributeValue::kDateValue: {
      const absl::CivilDay day(v.date_value().year(), v.date_value().month(), v.date_value().day());
      return static_cast<double>(day - absl::CivilDay(1970, 1, 1));
    }
    case common::v1::AttributeValue::kMoneyValue:
      return static_cast<double>(v.money_value().minor_units()) /
             std::pow(10.0, 2 + v.money_value().extra_decimals());
    default:
      return std::nullopt;
  }
}

bool IsDerived(const std::string& name) {
  return name == "recency_days" || name == "frequency" || name == "monetary" || name == "spend";
}

double DerivedValue(const Derived& d, const std::string& name) {
  if (name == "recency_days") return d.recency_days;
  if (name == "frequency") return d.frequency;
  if (name == "monetary") return d.monetary;
  return d.spend;
}

struct Spec {
  std::string name;
  bool categorical = false;
  bool log1p = false;
};

}  // namespace

absl::StatusOr<FeatureTable> BuildFeatureTable(const std::vector<ProfileFigures>& profiles,
                                               const v1::ReclusterJobSpec& spec,
                                               absl::Time reference_date) {
  FeatureTable table;
  std::vector<Spec> columns;
  std::vector<Derived> derived;
  const v1::FeatureSet set =
      spec.feature_set() == v1::FEATURE_SET_UNSPECIFIED ? v1::FEATURE_SET_RFM : spec.feature_set();
  if (set == v1::FEATURE_SET_RFM) {
    columns = {
        {"recency_days", false, true}, {"frequency", false, true}, {"monetary", false, true}};
    for (const ProfileFigures& p : profiles) {
      if (p.rfm) table.rows.push_back(&p);
    }
  } else {
    if (set == v1::FEATURE_SET_DEMOGRAPHICS_SPEND) {
      columns = {{"year_birth"},
                 {"income"},
                 {"kidhome"},
                 {"teenhome"},
                 {"spend", false, true},
                 {"education", true},
                 {"marital_status", true}};
    } else {
      for (const std::string& name : spec.attributes()) {
        bool categorical = false;
        if (!IsDerived(name)) {
          for (const ProfileFigures& p : profiles) {
            auto it = p.attributes.attributes().find(name);
            if (it != p.attributes.attributes().end() &&
                it->second.kind_case() == common::v1::AttributeValue::kStringValue) {
              categorical = true;
              break;
            }
          }
        }
        columns.push_back({name, categorical, name == "monetary" || name == "spend"});
      }
    }
    for (const ProfileFigures& p : profiles) {
      bool any = p.has_orders && set == v1::FEATURE_SET_DEMOGRAPHICS_SPEND;
      for (const Spec& c : columns) {
        any = any || p.attributes.attributes().contains(c.name) || (IsDerived(c.name) && p.rfm);
      }
      if (any) table.rows.push_back(&p);
    }
  }
  for (const ProfileFigures* p : table.rows) derived.push_back(DerivedOf(*p, reference_date));

  for (const Spec& c : columns) {
    if (c.categorical) {
      std::vector<std::string> values;
      bool any = false;
      for (const ProfileFigures* p : table.rows) {
        auto it = p->attributes.attributes().find(c.name);
        std::string v;
        if (it != p->attributes.attributes().end() &&
            it->second.kind_case() == common::v1::AttributeValue::kStringValue) {
          v = it->second.string_value();
        }
        any = any || !v.empty();
        values.push_back(std::move(v));
      }
      if (!any) {
        table.dropped.push_back(c.name);
        continue;
      }
      table.frame.push_back(CategoricalColumn(c.name, std::move(values)));
    } else {
      std::vector<double> values;
      bool any = false;
      for (size_t i = 0; i < table.rows.size(); ++i) {
        double v = kMissing;
        if (IsDerived(c.name)) {
          v = DerivedValue(derived[i], c.name);
        } else {
          auto it = table.rows[i]->attributes.attributes().find(c.name);
          if (it != table.rows[i]->attributes.attributes().end()) {
            v = NumberOf(it->second).value_or(kMissing);
          }
        }
        if (c.log1p && !std::isnan(v)) v = std::max(0.0, v);
        any = any || !std::isnan(v);
        values.push_back(v);
      }
      if (!any) {
        table.dropped.push_back(c.name);
        continue;
      }
      table.frame.push_back(NumericColumn(c.name, std::move(values), c.log1p));
    }
  }
  if (table.frame.empty() || table.rows.empty()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "no profile has any of the features (",
        table.dropped.empty() ? "no profiles" : absl::StrJoin(table.dropped, ", "), ")"));
  }
  return table;
}

}  // namespace clientele::analytics
