#include "analytics/rfm/rfm_reference.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace clientele::analytics {
namespace {

constexpr char kFormatVersion = 1;
constexpr double kInf = std::numeric_limits<double>::infinity();

int64_t RecencyDays(absl::Time reference_date, absl::Time last_purchase) {
  const absl::Duration day = absl::Hours(24);
  absl::Duration remainder;  // IDivDuration requires a non-null remainder.
  return absl::IDivDuration(absl::Floor(reference_date - last_purchase, day), day, &remainder);
}

// thresholds[j - 1] = the value at the largest position of bin j (j = 1..4) among n + 1 ranked
// values, where positions 1..n hold `sorted` and the new customer takes the position after the
// values equal to its own.
std::array<double, 4> Thresholds(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const int64_t n = static_cast<int64_t>(values.size());
  std::array<double, 4> out;
  int64_t position = 0;  // Largest position of the bins so far.
  for (int bin = 1; bin <= 4; ++bin) {
    while (position + 1 <= n + 1 && QcutQuintile(position + 1, n + 1) <= bin) ++position;
    // The new value lands at count(values <= v) + 1, which is <= position exactly when
    // values[position - 1] > v.
    if (position == 0) {
      out[bin - 1] = -kInf;  // Bin empty: every position is beyond it.
    } else if (position - 1 >= n) {
      out[bin - 1] = kInf;
    } else {
      out[bin - 1] = values[position - 1];
    }
  }
  return out;
}

void PutDouble(std::string& out, double d) {
  char buf[8];
  std::memcpy(buf, &d, 8);
  out.append(buf, 8);
}
double GetDouble(std::string_view& in) {
  double d;
  std::memcpy(&d, in.data(), 8);
  in.remove_prefix(8);
  return d;
}

}  // namespace

int RfmReference::Quintile(const std::array<double, 4>& thresholds, double value) {
  int q = 1;
  for (double t : thresholds) q += value >= t ? 1 : 0;
  return q;
}

absl::StatusOr<RfmReference> RfmReference::Build(const std::vector<CustomerAggregate>& customers,
                                                 absl::Time reference_date) {
  if (customers.empty()) return absl::InvalidArgumentError("RfmReference: no customers");
  std::vector<double> recency, frequency, monetary;
  recency.reserve(customers.size());
  frequency.reserve(customers.size());
  monetary.reserve(customers.size());
  for (size_t i = 0; i < customers.size(); ++i) {
    if (std::isnan(customers[i].monetary)) {
      return absl::InvalidArgumentError(
          absl::StrCat("RfmReference: customer ", i, " (", customers[i].key, ") monetary is NaN"));
    }
    recency.push_back(static_cast<double>(RecencyDays(reference_date, customers[i].last_purchase)));
    frequency.push_back(static_cast<double>(customers[i].frequency));
    monetary.push_back(customers[i].monetary);
  }
  RfmReference ref;
  ref.reference_date_ = reference_date;
  ref.population_ = static_cast<int64_t>(customers.size());
  ref.recency_ = Thresholds(std::move(recency));
  ref.frequency_ = Thresholds(std::move(frequency));
  ref.monetary_ = Thresholds(std::move(monetary));
  return ref;
}

RfmScore RfmReference::Score(const CustomerAggregate& customer) const {
  RfmScore s;
  s.recency_days = RecencyDays(reference_date_, customer.last_purchase);
  s.r = 6 - Quintile(recency_, static_cast<double>(s.recency_days));
  s.f = Quintile(frequency_, static_cast<double>(customer.frequency));
  s.m = std::isnan(customer.monetary) ? 1 : Quintile(monetary_, customer.monetary);
  s.cell = absl::StrCat(s.r, s.f, s.m);
  s.segment = SegmentForScores(s.r, s.f);
  return s;
}

std::string RfmReference::Encode() const {
  std::string out;
  out.push_back(kFormatVersion);
  PutDouble(out, static_cast<double>(absl::ToUnixSeconds(reference_date_)));
  PutDouble(out,
            static_cast<double>(absl::ToInt64Nanoseconds(
                reference_date_ - absl::FromUnixSeconds(absl::ToUnixSeconds(reference_date_)))));
  PutDouble(out, static_cast<double>(population_));
  for (const auto* t : {&recency_, &frequency_, &monetary_}) {
    for (double v : *t) PutDouble(out, v);
  }
  return out;
}

absl::StatusOr<RfmReference> RfmReference::Decode(std::string_view bytes) {
  constexpr size_t kSize = 1 + 8 * 15;
  if (bytes.size() != kSize || bytes.front() != kFormatVersion) {
    return absl::DataLossError("RfmReference: truncated record or unknown format version");
  }
  bytes.remove_prefix(1);
  RfmReference ref;
  const double seconds = GetDouble(bytes);
  const double nanos = GetDouble(bytes);
  const double population = GetDouble(bytes);
  if (!(std::abs(seconds) < 1e15) || !(nanos >= 0 && nanos < 1e9) || !(population >= 1)) {
    return absl::DataLossError("RfmReference: field out of range");
  }
  ref.reference_date_ = absl::FromUnixSeconds(static_cast<int64_t>(seconds)) +
                        absl::Nanoseconds(static_cast<int64_t>(nanos));
  ref.population_ = static_cast<int64_t>(population);
  for (auto* t : {&ref.recency_, &ref.frequency_, &ref.monetary_}) {
    for (double& v : *t) v = GetDouble(bytes);
  }
  return ref;
}

}  // namespace clientele::analytics
