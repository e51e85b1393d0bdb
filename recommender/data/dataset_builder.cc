#include "recommender/data/dataset_builder.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace clientele::recommender {
namespace {

absl::Status CheckId(absl::string_view field, absl::string_view value) {
  if (value.empty()) return absl::InvalidArgumentError(absl::StrCat(field, " is empty"));
  return absl::OkStatus();
}

absl::Status CheckFinite(absl::string_view field, double value) {
  if (!std::isfinite(value)) {
    return absl::InvalidArgumentError(absl::StrCat(field, " is not a finite number"));
  }
  return absl::OkStatus();
}

// Min-max scaler over log1p values; 1 when every value is equal.
struct Scaler {
  double lo = HUGE_VAL;
  double hi = -HUGE_VAL;
  void Add(double v) {
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
  double operator()(double v) const { return hi > lo ? (v - lo) / (hi - lo) : 1.0; }
};

double Log1pPos(double x) { return std::log1p(std::max(x, 0.0)); }

}  // namespace

int ImplicitRatingBin(double weighted_score) {
  double s = std::clamp(weighted_score, 0.0, 1.0);
  return 1 + std::min(4, static_cast<int>(std::floor(5 * s)));
}

DatasetBuilder::DatasetBuilder(DatasetBuilderOptions options) : options_(std::move(options)) {}

DatasetBuilder::PairAgg& DatasetBuilder::Pair(absl::string_view user, absl::string_view item) {
  int32_t u = users_.Add(user);
  int32_t i = items_.Add(item);
  if (meta_.size() < static_cast<size_t>(items_.size())) meta_.resize(items_.size());
  return pairs_[{u, i}];
}

absl::Status DatasetBuilder::AddOrderLine(absl::string_view user, absl::string_view order_id,
                                          absl::string_view item, double quantity, double revenue,
                                          absl::Time time) {
  if (auto s = CheckId("user", user); !s.ok()) return s;
  if (auto s = CheckId("order_id", order_id); !s.ok()) return s;
  if (auto s = CheckId("item", item); !s.ok()) return s;
  if (auto s = CheckFinite("quantity", quantity); !s.ok()) return s;
  if (auto s = CheckFinite("revenue", revenue); !s.ok()) return s;
  PairAgg& p = Pair(user, item);
  int64_t t = absl::ToUnixSeconds(time);
  p.has_orders = true;
  p.quantity += quantity;
  p.revenue += revenue;
  if (quantity > 0) {
    if (std::find(p.orders.begin(), p.orders.end(), order_id) == p.orders.end()) {
      p.orders.emplace_back(order_id);
    }
    p.last_order_time = std::max(p.last_order_time, t);
    latest_order_time_ = std::max(latest_order_time_, t);
  }
  p.last_time = std::max(p.last_time, t);
  return absl::OkStatus();
}

absl::Status DatasetBuilder::AddInteraction(absl::string_view user, absl::string_view item,
                                            double weight, absl::Time time) {
  if (auto s = CheckId("user", user); !s.ok()) return s;
  if (auto s = CheckId("item", item); !s.ok()) return s;
  if (auto s = CheckFinite("weight", weight); !s.ok()) return s;
  PairAgg& p = Pair(user, item);
  p.has_interactions = true;
  p.interaction_weight += weight;
  p.last_time = std::max(p.last_time, absl::ToUnixSeconds(time));
  return absl::OkStatus();
}

absl::Status DatasetBuilder::AddRating(absl::string_view user, absl::string_view item,
                                       double rating, absl::Time time) {
  if (auto s = CheckId("user", user); !s.ok()) return s;
  if (auto s = CheckId("item", item); !s.ok()) return s;
  if (auto s = CheckFinite("rating", rating); !s.ok()) return s;
  PairAgg& p = Pair(user, item);
  int64_t t = absl::ToUnixSeconds(time);
  if (!p.rating.has_value() || t >= p.rating_time) {
    p.rating = rating;
    p.rating_time = t;
  }
  p.last_time = std::max(p.last_time, t);
  return absl::OkStatus();
}

absl::Status DatasetBuilder::SetItemMeta(absl::string_view item, ItemMeta meta) {
  if (auto s = CheckId("item", item); !s.ok()) return s;
  int32_t i = items_.Add(item);
  if (meta_.size() < static_cast<size_t>(items_.size())) meta_.resize(items_.size());
  meta_[i] = std::move(meta);
  return absl::OkStatus();
}

absl::StatusOr<Dataset> DatasetBuilder::Build() const {
  const int64_t ref_time = options_.reference_time.has_value()
                               ? absl::ToUnixSeconds(*options_.reference_time)
                               : latest_order_time_;
  const ImplicitRatingWeights& w = options_.weights;
  const double wsum = w.transactions + w.revenue + w.average_price + w.recency + w.volume;
  if (!(wsum > 0) || w.transactions < 0 || w.revenue < 0 || w.average_price < 0 || w.recency < 0 ||
      w.volume < 0) {
    return absl::InvalidArgumentError("weights: must be >= 0 with a positive sum");
  }
  // Features of the pairs that get an implicit rating.
  struct Features {
    double t, q, r, p, d;
  };
  auto features_of = [&](const PairAgg& a) -> std::optional<Features> {
    if (!a.has_orders || a.orders.empty() || !(a.quantity > 0)) return std::nullopt;
    double days = static_cast<double>(ref_time - a.last_order_time) / 86400.0;
    return Features{Log1pPos(static_cast<double>(a.orders.size())), Log1pPos(a.quantity),
                    Log1pPos(a.revenue), Log1pPos(a.revenue / a.quantity), Log1pPos(days)};
  };
  Scaler st, sq, sr, sp, sd;
  for (const auto& [key, a] : pairs_) {
    if (a.rating.has_value()) continue;
    if (auto f = features_of(a)) {
      st.Add(f->t);
      sq.Add(f->q);
      sr.Add(f->r);
      sp.Add(f->p);
      sd.Add(f->d);
    }
  }
  std::vector<Triplet> cells;
  cells.reserve(pairs_.size());
  for (const auto& [key, a] : pairs_) {
    double value;
    if (a.rating.has_value()) {
      value = *a.rating;
    } else {
      std::optional<Features> f = features_of(a);
      if (!f.has_value() && !a.has_interactions) continue;
      value = a.interaction_weight;
      if (f.has_value()) {
        double s =
            (w.transactions * st(f->t) + w.volume * sq(f->q) + w.revenue * sr(f->r) +
             w.average_price * sp(f->p) + w.recency * (sd.hi > sd.lo ? 1.0 - sd(f->d) : 1.0)) /
            wsum;
        value += ImplicitRatingBin(s);
      }
    }
    cells.push_back({key.first, key.second, static_cast<float>(value), a.last_time});
  }
  std::vector<ItemMeta> meta = meta_;
  meta.resize(items_.size());
  return Dataset::FromTriplets(users_, items_, std::move(meta), std::move(cells));
}

}  // namespace clientele::recommender
