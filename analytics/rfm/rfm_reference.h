// Scoring one new customer against a scored reference population, without re-scoring everyone:
// the RFM half of "predict the segment of a new customer".
//
//   absl::StatusOr<RfmReference> ref = RfmReference::Build(customers, reference_date);
//   RfmScore s = ref->Score(new_customer);   // r, f, m, cell, segment, recency_days
//   std::string bytes = ref->Encode();       // small: 12 thresholds + the reference date
//
// Definition: the new customer is scored as if it were appended to the reference customers (so
// n + 1 are ranked) and ranked after every reference customer with an equal value, which is
// where pandas' rank(method="first") puts a row appended to the frame. Its quintile for each
// measure is then pd.qcut's bin of that position among n + 1. This needs only, per measure, the
// value at each of the four bin boundaries, so the reference is a few numbers: value v gets
// quintile 1 + #{j : v >= threshold_j}. The reference customers' own scores are unchanged
// (ScoreRfm's).
//
// Thread-compatible; a built reference is immutable and safe to share.
#ifndef CLIENTELE_ANALYTICS_RFM_RFM_REFERENCE_H_
#define CLIENTELE_ANALYTICS_RFM_RFM_REFERENCE_H_

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "analytics/rfm/rfm.h"

namespace clientele::analytics {

class RfmReference {
 public:
  // InvalidArgument if `customers` is empty or a monetary value is NaN.
  static absl::StatusOr<RfmReference> Build(const std::vector<CustomerAggregate>& customers,
                                            absl::Time reference_date);

  // The new customer's scores (recency_days against reference_date(), as ScoreRfm).
  RfmScore Score(const CustomerAggregate& customer) const;

  absl::Time reference_date() const { return reference_date_; }
  int64_t population() const { return population_; }

  std::string Encode() const;
  // DataLoss for bytes that Encode did not produce.
  static absl::StatusOr<RfmReference> Decode(std::string_view bytes);

 private:
  // Quintile 1 + #{j : value >= thresholds[j]} (thresholds ascending; +inf when unused).
  static int Quintile(const std::array<double, 4>& thresholds, double value);

  absl::Time reference_date_;
  int64_t population_ = 0;
  std::array<double, 4> recency_{};  // Thresholds on recency_days (ascending = less recent).
  std::array<double, 4> frequency_{};
  std::array<double, 4> monetary_{};
};

}  // namespace clientele::analytics

#endif  // CLIENTELE_ANALYTICS_RFM_RFM_REFERENCE_H_
