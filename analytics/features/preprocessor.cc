#include "analytics/features/preprocessor.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"

namespace clientele::analytics {
namespace {

constexpr char kFormatVersion = 1;

size_t RowsOf(const FeatureColumn& c) {
  return c.kind == ColumnKind::kNumeric ? c.numbers.size() : c.categories.size();
}

// Median of the non-NaN values (numpy: mean of the two middle ones for an even count).
double Median(std::vector<double> v) {
  const size_t mid = v.size() / 2;
  std::nth_element(v.begin(), v.begin() + mid, v.end());
  const double upper = v[mid];
  if (v.size() % 2 == 1) return upper;
  const double lower = *std::max_element(v.begin(), v.begin() + mid);
  return lower + (upper - lower) / 2.0;
}

// --- Encoding helpers: fixed 8-byte doubles, varint lengths. ---
void PutVarint(std::string& out, uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}
void PutString(std::string& out, std::string_view s) {
  PutVarint(out, s.size());
  out.append(s.data(), s.size());
}
void PutDouble(std::string& out, double d) {
  char buf[8];
  std::memcpy(buf, &d, 8);
  out.append(buf, 8);
}

class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  bool ok() const { return ok_; }
  bool done() const { return in_.empty(); }
  uint64_t Varint() {
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (in_.empty()) return Fail();
      const auto byte = static_cast<uint8_t>(in_.front());
      in_.remove_prefix(1);
      v |= static_cast<uint64_t>(byte & 0x7f) << shift;
      if ((byte & 0x80) == 0) return v;
    }
    return Fail();
  }
  std::string String() {
    const uint64_t n = Varint();
    if (n > in_.size()) return Fail(), std::string();
    std::string s(in_.substr(0, n));
    in_.remove_prefix(n);
    return s;
  }
  double Double() {
    if (in_.size() < 8) return static_cast<double>(Fail());
    double d;
    std::memcpy(&d, in_.data(), 8);
    in_.remove_prefix(8);
    return d;
  }
  uint64_t Fail() {
    ok_ = false;
    in_ = {};
    return 0;
  }

 private:
  std::string_view in_;
  bool ok_ = true;
};

}  // namespace

FeatureColumn NumericColumn(std::string name, std::vector<double> values, bool log1p) {
  FeatureColumn c;
  c.name = std::move(name);
  c.kind = ColumnKind::kNumeric;
  c.log1p = log1p;
  c.numbers = std::move(values);
  return c;
}

FeatureColumn CategoricalColumn(std::string name, std::vector<std::string> values) {
  FeatureColumn c;
  c.name = std::move(name);
  c.kind = ColumnKind::kCategorical;
  c.categories = std::move(values);
  return c;
}

absl::StatusOr<double> Preprocessor::Numeric(const Column& c, double value, size_t row) {
  if (std::isnan(value)) return (c.median - c.mean) / c.scale;
  if (std::isinf(value)) {
    return absl::InvalidArgumentError(
        absl::StrCat("feature \"", c.name, "\" row ", row, ": not finite"));
  }
  if (c.log1p) {
    if (value <= -1.0) {
      return absl::InvalidArgumentError(absl::StrCat("feature \"", c.name, "\" row ", row,
                                                     ": log1p needs a value > -1, got ", value));
    }
    value = std::log1p(value);
  }
  return (value - c.mean) / c.scale;
}

absl::StatusOr<Preprocessor> Preprocessor::Fit(const FeatureFrame& frame,
                                               const PreprocessorOptions& options) {
  if (options.max_categories < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("max_categories must be >= 1, got ", options.max_categories));
  }
  if (frame.empty()) return absl::InvalidArgumentError("features: no columns");
  const size_t n = RowsOf(frame[0]);
  if (n == 0) return absl::InvalidArgumentError("features: no rows");
  absl::flat_hash_set<std::string> names;
  Preprocessor p;
  for (const FeatureColumn& in : frame) {
    if (in.name.empty()) return absl::InvalidArgumentError("features: a column has no name");
    if (!names.insert(in.name).second) {
      return absl::InvalidArgumentError(absl::StrCat("feature \"", in.name, "\": repeated"));
    }
    if (RowsOf(in) != n) {
      return absl::InvalidArgumentError(absl::StrCat("feature \"", in.name, "\": ", RowsOf(in),
                                                     " rows, the first column has ", n));
    }
    Column c;
    c.name = in.name;
    c.kind = in.kind;
    c.log1p = in.log1p && in.kind == ColumnKind::kNumeric;
    if (in.kind == ColumnKind::kNumeric) {
      // log1p, then the median of the present values, then mean and scale after imputation.
      std::vector<double> present;
      present.reserve(n);
      for (size_t i = 0; i < n; ++i) {
        const double v = in.numbers[i];
        if (std::isnan(v)) continue;
        absl::StatusOr<double> t = Numeric(c, v, i);  // mean 0, scale 1: only the checks.
        if (!t.ok()) return t.status();
        present.push_back(*t);
      }
      if (present.empty()) {
        return absl::InvalidArgumentError(
            absl::StrCat("feature \"", in.name, "\": every value is missing"));
      }
      c.median = Median(present);
      const double missing = static_cast<double>(n - present.size());
      double sum = missing * c.median;
      for (double v : present) sum += v;
      c.mean = sum / static_cast<double>(n);
      double ss = missing * (c.median - c.mean) * (c.median - c.mean);
      for (double v : present) ss += (v - c.mean) * (v - c.mean);
      const double variance = ss / static_cast<double>(n);
      // As StandardScaler: a variance within rounding noise of zero means a constant column.
      const double eps = std::numeric_limits<double>::epsilon();
      const double drift = static_cast<double>(n) * c.mean * eps;
      const bool constant = variance <= static_cast<double>(n) * eps * variance + drift * drift;
      c.scale = constant ? 1.0 : std::sqrt(variance);
      p.output_names_.push_back(c.name);
    } else {
      absl::flat_hash_map<std::string, int64_t> counts;
      for (const std::string& v : in.categories) {
        if (!v.empty()) ++counts[v];
      }
      std::vector<std::pair<std::string, int64_t>> sorted(counts.begin(), counts.end());
      std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) {
        return a.second != b.second ? a.second > b.second : a.first < b.first;
      });
      if (sorted.size() > static_cast<size_t>(options.max_categories)) {
        sorted.resize(options.max_categories);
      }
      for (auto& [value, count] : sorted) {
        p.output_names_.push_back(absl::StrCat(c.name, "=", value));
        c.categories.push_back(std::move(value));
      }
    }
    p.columns_.push_back(std::move(c));
  }
  return p;
}

absl::StatusOr<Eigen::MatrixXd> Preprocessor::Transform(const FeatureFrame& frame) const {
  if (frame.size() != columns_.size()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "features: ", frame.size(), " columns, the preprocessor was fitted on ", columns_.size()));
  }
  const size_t n = frame.empty() ? 0 : RowsOf(frame[0]);
  Eigen::MatrixXd out = Eigen::MatrixXd::Zero(static_cast<Eigen::Index>(n),
                                              static_cast<Eigen::Index>(output_names_.size()));
  Eigen::Index col = 0;
  for (size_t j = 0; j < columns_.size(); ++j) {
    const Column& c = columns_[j];
    const FeatureColumn& in = frame[j];
    if (in.name != c.name || in.kind != c.kind) {
      return absl::InvalidArgumentError(absl::StrCat("features: column ", j, " is \"", in.name,
                                                     "\", the preprocessor expects \"", c.name,
                                                     "\" of the same kind"));
    }
    if (RowsOf(in) != n) {
      return absl::InvalidArgumentError(
          absl::StrCat("feature \"", in.name, "\": ", RowsOf(in), " rows, expected ", n));
    }
    if (c.kind == ColumnKind::kNumeric) {
      for (size_t i = 0; i < n; ++i) {
        absl::StatusOr<double> v = Numeric(c, in.numbers[i], i);
        if (!v.ok()) return v.status();
        out(static_cast<Eigen::Index>(i), col) = *v;
      }
      ++col;
    } else {
      absl::flat_hash_map<absl::string_view, Eigen::Index> index;
      for (size_t k = 0; k < c.categories.size(); ++k) {
        index.emplace(c.categories[k], static_cast<Eigen::Index>(k));
      }
      for (size_t i = 0; i < n; ++i) {
        auto it = index.find(in.categories[i]);
        if (it != index.end()) out(static_cast<Eigen::Index>(i), col + it->second) = 1.0;
      }
      col += static_cast<Eigen::Index>(c.categories.size());
    }
  }
  return out;
}

absl::StatusOr<Eigen::RowVectorXd> Preprocessor::TransformRow(
    const std::vector<FeatureValue>& row) const {
  if (row.size() != columns_.size()) {
    return absl::InvalidArgumentError(
        absl::StrCat("features: the row has ", row.size(), " values, expected ", columns_.size()));
  }
  Eigen::RowVectorXd out =
      Eigen::RowVectorXd::Zero(static_cast<Eigen::Index>(output_names_.size()));
  Eigen::Index col = 0;
  for (size_t j = 0; j < columns_.size(); ++j) {
    const Column& c = columns_[j];
    const FeatureValue& v = row[j];
    if (c.kind == ColumnKind::kNumeric) {
      if (std::holds_alternative<std::string>(v)) {
        return absl::InvalidArgumentError(
            absl::StrCat("feature \"", c.name, "\": expected a number, got a string"));
      }
      const double x = std::holds_alternative<double>(v) ? std::get<double>(v)
                                                         : std::numeric_limits<double>::quiet_NaN();
      absl::StatusOr<double> t = Numeric(c, x, 0);
      if (!t.ok()) return t.status();
      out(col++) = *t;
    } else {
      if (std::holds_alternative<double>(v)) {
        return absl::InvalidArgumentError(
            absl::StrCat("feature \"", c.name, "\": expected a category, got a number"));
      }
      if (const auto* s = std::get_if<std::string>(&v)) {
        auto it = std::find(c.categories.begin(), c.categories.end(), *s);
        if (!s->empty() && it != c.categories.end()) out(col + (it - c.categories.begin())) = 1.0;
      }
      col += static_cast<Eigen::Index>(c.categories.size());
    }
  }
  return out;
}

std::vector<std::string> Preprocessor::input_names() const {
  std::vector<std::string> names;
  for (const Column& c : columns_) names.push_back(c.name);
  return names;
}

std::string Preprocessor::Encode() const {
  std::string out;
  out.push_back(kFormatVersion);
  PutVarint(out, columns_.size());
  for (const Column& c : columns_) {
    PutString(out, c.name);
    PutVarint(out, c.kind == ColumnKind::kNumeric ? 0 : 1);
    PutVarint(out, c.log1p ? 1 : 0);
    PutDouble(out, c.median);
    PutDouble(out, c.mean);
    PutDouble(out, c.scale);
    PutVarint(out, c.categories.size());
    for (const std::string& s : c.categories) PutString(out, s);
  }
  return out;
}

absl::StatusOr<Preprocessor> Preprocessor::Decode(std::string_view bytes) {
  if (bytes.empty() || bytes.front() != kFormatVersion) {
    return absl::DataLossError("preprocessor: empty record or unknown format version");
  }
  Reader r(bytes.substr(1));
  Preprocessor p;
  const uint64_t columns = r.Varint();
  for (uint64_t j = 0; j < columns && r.ok(); ++j) {
    Column c;
    c.name = r.String();
    const uint64_t kind = r.Varint();
    const uint64_t log1p = r.Varint();
    c.median = r.Double();
    c.mean = r.Double();
    c.scale = r.Double();
    const uint64_t categories = r.Varint();
    if (kind > 1 || log1p > 1 || !(c.scale > 0.0) || categories > bytes.size()) r.Fail();
    c.kind = kind == 0 ? ColumnKind::kNumeric : ColumnKind::kCategorical;
    c.log1p = log1p == 1;
    for (uint64_t k = 0; k < categories && r.ok(); ++k) c.categories.push_back(r.String());
    if (c.kind == ColumnKind::kNumeric) {
      p.output_names_.push_back(c.name);
    } else {
      for (const std::string& s : c.categories)
        p.output_names_.push_back(absl::StrCat(c.name, "=", s));
    }
    p.columns_.push_back(std::move(c));
  }
  if (!r.ok() || !r.done() || p.columns_.size() != columns || columns == 0) {
    return absl::DataLossError("preprocessor: truncated or corrupt record");
  }
  return p;
}

}  // namespace clientele::analytics
