// Feature preparation for clustering: named columns -> one numeric matrix, and the fitted
// transformation kept so that a new customer is transformed the same way for prediction.
//
//   FeatureFrame frame;
//   frame.push_back(NumericColumn("recency", recency_days, /*log1p=*/true));
//   frame.push_back(NumericColumn("monetary", monetary, /*log1p=*/true));
//   frame.push_back(CategoricalColumn("country", countries));
//   absl::StatusOr<Preprocessor> pre = Preprocessor::Fit(frame);
//   absl::StatusOr<Eigen::MatrixXd> X = pre->Transform(frame);        // n x pre->output_names()
//   absl::StatusOr<Eigen::RowVectorXd> x = pre->TransformRow({12.0, 530.5, std::string("UK")});
//
// Per numeric column, in this order: log1p (when asked; values must be > -1), then missing values
// (NaN) are replaced by the column's median over the fitted rows (after log1p), then the column
// is standardised (StandardScaler: population standard deviation, scale 1 for a constant column).
// Per categorical column: one-hot over the categories seen in Fit (the `max_categories` most
// frequent, ties by name; at most that many output columns named "column=value", in that order);
// a missing ("") or unseen category gives all zeros. One-hot columns are not standardised.
// Output columns: the numeric and categorical columns in input order.
//
// Thread-compatible; a fitted Preprocessor is immutable and safe to share.
#ifndef CLIENTELE_ANALYTICS_FEATURES_PREPROCESSOR_H_
#define CLIENTELE_ANALYTICS_FEATURES_PREPROCESSOR_H_

#include <Eigen/Dense>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace clientele::analytics {

enum class ColumnKind { kNumeric, kCategorical };

// One input column. Numeric columns use `numbers` (NaN = missing); categorical ones use
// `categories` ("" = missing). The other vector stays empty.
struct FeatureColumn {
  std::string name;
  ColumnKind kind = ColumnKind::kNumeric;
  bool log1p = false;  // Numeric only.
  std::vector<double> numbers;
  std::vector<std::string> categories;
};
using FeatureFrame = std::vector<FeatureColumn>;

FeatureColumn NumericColumn(std::string name, std::vector<double> values, bool log1p = false);
FeatureColumn CategoricalColumn(std::string name, std::vector<std::string> values);

// One value of a new row: missing, a number (numeric columns) or a category.
using FeatureValue = std::variant<std::monostate, double, std::string>;

struct PreprocessorOptions {
  int max_categories = 20;  // Per categorical column; >= 1.
};

class Preprocessor {
 public:
  // Learns medians, means, scales and categories from `frame`. InvalidArgument (naming the column
  // and, for values, the 0-based row) when: the frame has no columns or no rows, names are empty
  // or repeated, columns differ in length, a numeric column is all missing, holds infinity, or a
  // value <= -1 where log1p is asked; or an option is out of range.
  static absl::StatusOr<Preprocessor> Fit(const FeatureFrame& frame,
                                          const PreprocessorOptions& options = {});

  // Transforms rows of a frame with the same column names, kinds and order as the fitted one
  // (InvalidArgument otherwise, and for values Fit would reject).
  absl::StatusOr<Eigen::MatrixXd> Transform(const FeatureFrame& frame) const;

  // Transforms one new row; values in fitted column order. A number for a categorical column or
  // a string for a numeric one is InvalidArgument naming the column.
  absl::StatusOr<Eigen::RowVectorXd> TransformRow(const std::vector<FeatureValue>& row) const;

  // Names of the output columns: numeric columns by name, one-hot ones as "column=value".
  const std::vector<std::string>& output_names() const { return output_names_; }
  // Names of the input columns, in order.
  std::vector<std::string> input_names() const;

  // Bytes for storage (the model of a clustering job); Decode(Encode()) transforms identically.
  std::string Encode() const;
  // DataLoss for bytes that Encode did not produce.
  static absl::StatusOr<Preprocessor> Decode(std::string_view bytes);

 private:
  struct Column {
    std::string name;
    ColumnKind kind = ColumnKind::kNumeric;
    bool log1p = false;
    double median = 0.0;  // After log1p.
    double mean = 0.0;    // After log1p and imputation.
    double scale = 1.0;
    std::vector<std::string> categories;  // One-hot order.
  };

  // The numeric value after log1p, imputation and scaling; InvalidArgument for a bad value.
  static absl::StatusOr<double> Numeric(const Column& c, double value, size_t row);

  std::vector<Column> columns_;
  std::vector<std::string> output_names_;
};

}  // namespace clientele::analytics

#endif  // CLIENTELE_ANALYTICS_FEATURES_PREPROCESSOR_H_
