#include "common/metrics/registry.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <string>
#include <utility>

#include "common/status/status_macros.h"

namespace clientele::metrics {
namespace {

bool IsValidName(std::string_view name, bool allow_colon) {
  if (name.empty()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool alpha =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (allow_colon && c == ':');
    const bool digit = c >= '0' && c <= '9';
    if (!alpha && !(digit && i > 0)) return false;
  }
  return true;
}

// Aborts with a message naming the metric when `ok` is false.
void CheckMetric(bool ok, std::string_view name, const char* problem) {
  if (!ok) {
    std::fprintf(stderr, "metrics: %s: '%.*s'\n", problem, static_cast<int>(name.size()),
                 name.data());
  }
  CLT_CHECK(ok);
}

Labels CanonicalLabels(std::string_view metric, const Labels& labels, bool histogram) {
  Labels sorted = labels;
  std::sort(sorted.begin(), sorted.end());
  for (size_t i = 0; i < sorted.size(); ++i) {
    const std::string& label = sorted[i].first;
    CheckMetric(IsValidName(label, /*allow_colon=*/false) && label.rfind("__", 0) != 0, metric,
                "invalid label name");
    CheckMetric(i == 0 || sorted[i - 1].first != label, metric, "duplicate label name");
    CheckMetric(!histogram || label != "le", metric, "histogram with label 'le'");
  }
  return sorted;
}

std::vector<double> NormalizedBounds(std::vector<double> bounds) {
  if (!bounds.empty() && std::isinf(bounds.back()) && bounds.back() > 0) bounds.pop_back();
  return bounds;
}

// Formats like Go's strconv.FormatFloat(v, 'g', -1, 64), which the Prometheus Go client
// uses (so le="0.0001", as people write it in queries), except that numbers stay in
// fixed notation up to 1e21: the shortest round-trip digits, in scientific notation only
// when the decimal exponent is below -4 or at least 21.
void AppendDouble(double value, std::string* out) {
  if (std::isnan(value)) {
    out->append("NaN");
    return;
  }
  if (std::isinf(value)) {
    out->append(value > 0 ? "+Inf" : "-Inf");
    return;
  }
  char buffer[400];  // Fixed notation of a double below 1e21 needs < 350 chars.
  auto scientific =
      std::to_chars(buffer, buffer + sizeof(buffer), value, std::chars_format::scientific);
  // The exponent is "e" plus a sign and at least two digits; the buffer is not
  // NUL-terminated.
  const char* e = std::find(buffer, scientific.ptr, 'e');
  int exponent = 0;
  if (e + 2 < scientific.ptr) {
    std::from_chars(e + 2, scientific.ptr, exponent);
    if (e[1] == '-') exponent = -exponent;
  }
  if (value != 0 && (exponent < -4 || exponent >= 21)) {
    out->append(buffer, scientific.ptr);
    return;
  }
  auto fixed = std::to_chars(buffer, buffer + sizeof(buffer), value, std::chars_format::fixed);
  out->append(buffer, fixed.ptr);
}

// HELP text escapes backslash and newline; label values also escape the double quote.
void AppendEscaped(std::string_view text, bool escape_quote, std::string* out) {
  for (char c : text) {
    if (c == '\\') {
      out->append("\\\\");
    } else if (c == '\n') {
      out->append("\\n");
    } else if (c == '"' && escape_quote) {
      out->append("\\\"");
    } else {
      out->push_back(c);
    }
  }
}

// Appends `{a="x",b="y"}`, with `le` (if non-null) as the last label; nothing when empty.
void AppendLabels(const Labels& labels, const std::string* le, std::string* out) {
  if (labels.empty() && le == nullptr) return;
  out->push_back('{');
  bool first = true;
  for (const auto& [name, value] : labels) {
    if (!first) out->push_back(',');
    first = false;
    out->append(name).append("=\"");
    AppendEscaped(value, /*escape_quote=*/true, out);
    out->push_back('"');
  }
  if (le != nullptr) {
    if (!first) out->push_back(',');
    out->append("le=\"").append(*le).push_back('"');
  }
  out->push_back('}');
}

void AppendSample(const std::string& name, std::string_view suffix, const Labels& labels,
                  const std::string* le, std::string_view value, std::string* out) {
  out->append(name).append(suffix);
  AppendLabels(labels, le, out);
  out->push_back(' ');
  out->append(value);
  out->push_back('\n');
}

std::string FormatDouble(double value) {
  std::string s;
  AppendDouble(value, &s);
  return s;
}

}  // namespace

Registry::~Registry() = default;

Registry::Family& Registry::GetFamily(std::string_view name, std::string_view help, Type type,
                                      const std::vector<double>* bounds) {
  auto it = families_.find(name);
  if (it == families_.end()) {
    CheckMetric(IsValidName(name, /*allow_colon=*/true), name, "invalid metric name");
    Family family;
    family.type = type;
    family.help = std::string(help);
    if (bounds != nullptr) family.bounds = *bounds;
    it = families_.emplace(std::string(name), std::move(family)).first;
    return it->second;
  }
  Family& family = it->second;
  CheckMetric(family.type == type, name, "metric name reused with another type");
  CheckMetric(family.help == help, name, "metric name reused with another help text");
  CheckMetric(bounds == nullptr || family.bounds == *bounds, name,
              "histogram name reused with other buckets");
  return family;
}

Counter* Registry::GetCounter(std::string_view name, std::string_view help, const Labels& labels) {
  Labels key = CanonicalLabels(name, labels, /*histogram=*/false);
  absl::MutexLock lock(&mu_);
  Family& family = GetFamily(name, help, Type::kCounter, nullptr);
  Series& series = family.series[std::move(key)];
  CheckMetric(!series.callback, name, "counter series already registered as a callback");
  if (series.counter == nullptr) series.counter = std::make_unique<Counter>();
  return series.counter.get();
}

Gauge* Registry::GetGauge(std::string_view name, std::string_view help, const Labels& labels) {
  Labels key = CanonicalLabels(name, labels, /*histogram=*/false);
  absl::MutexLock lock(&mu_);
  Family& family = GetFamily(name, help, Type::kGauge, nullptr);
  CheckMetric(family.family_callbacks.empty(), name, "series added to a family callback's family");
  Series& series = family.series[std::move(key)];
  CheckMetric(!series.callback, name, "gauge series already registered as a callback");
  if (series.gauge == nullptr) series.gauge = std::make_unique<Gauge>();
  return series.gauge.get();
}

Histogram* Registry::GetHistogram(std::string_view name, std::string_view help,
                                  std::vector<double> buckets, const Labels& labels) {
  Labels key = CanonicalLabels(name, labels, /*histogram=*/true);
  std::vector<double> bounds = NormalizedBounds(std::move(buckets));
  absl::MutexLock lock(&mu_);
  Series& series = GetFamily(name, help, Type::kHistogram, &bounds).series[std::move(key)];
  if (series.histogram == nullptr) series.histogram = std::make_unique<Histogram>(bounds);
  return series.histogram.get();
}

void Registry::AddGaugeCallback(std::string_view name, std::string_view help, const Labels& labels,
                                std::function<double()> fn) {
  AddCallback(name, help, labels, Type::kGauge, std::move(fn));
}

bool Registry::RemoveGaugeCallback(std::string_view name, const Labels& labels) {
  return RemoveCallback(name, labels, Type::kGauge);
}

void Registry::AddCounterCallback(std::string_view name, std::string_view help,
                                  const Labels& labels, std::function<double()> fn) {
  AddCallback(name, help, labels, Type::kCounter, std::move(fn));
}

bool Registry::RemoveCounterCallback(std::string_view name, const Labels& labels) {
  return RemoveCallback(name, labels, Type::kCounter);
}

void Registry::AddCallback(std::string_view name, std::string_view help, const Labels& labels,
                           Type type, std::function<double()> fn) {
  CheckMetric(static_cast<bool>(fn), name, "empty metric callback");
  Labels key = CanonicalLabels(name, labels, /*histogram=*/false);
  absl::MutexLock lock(&mu_);
  Family& family = GetFamily(name, help, type, nullptr);
  CheckMetric(family.family_callbacks.empty(), name, "series added to a family callback's family");
  Series& series = family.series[std::move(key)];
  CheckMetric(series.gauge == nullptr && series.counter == nullptr, name,
              "callback series already registered by GetGauge or GetCounter");
  series.callback = std::move(fn);
}

bool Registry::RemoveCallback(std::string_view name, const Labels& labels, Type type) {
  Labels key = CanonicalLabels(name, labels, /*histogram=*/false);
  absl::MutexLock lock(&mu_);
  auto family = families_.find(name);
  if (family == families_.end() || family->second.type != type) return false;
  auto series = family->second.series.find(key);
  if (series == family->second.series.end() || !series->second.callback) return false;
  family->second.series.erase(series);
  return true;
}

void Registry::SetGaugeFamilyCallback(std::string_view name, std::string_view help,
                                      std::function<std::vector<Sample>()> fn) {
  SetGaugeFamilyCallback(name, help, "", std::move(fn));
}

bool Registry::RemoveGaugeFamilyCallback(std::string_view name) {
  return RemoveGaugeFamilyCallback(name, "");
}

void Registry::SetGaugeFamilyCallback(std::string_view name, std::string_view help,
                                      std::string_view source,
                                      std::function<std::vector<Sample>()> fn) {
  CheckMetric(static_cast<bool>(fn), name, "empty family callback");
  absl::MutexLock lock(&mu_);
  Family& family = GetFamily(name, help, Type::kGauge, nullptr);
  CheckMetric(family.series.empty(), name, "family callback over a family with series");
  family.family_callbacks[std::string(source)] = std::move(fn);
}

bool Registry::RemoveGaugeFamilyCallback(std::string_view name, std::string_view source) {
  absl::MutexLock lock(&mu_);
  auto family = families_.find(name);
  if (family == families_.end()) return false;
  auto callback = family->second.family_callbacks.find(source);
  if (callback == family->second.family_callbacks.end()) return false;
  family->second.family_callbacks.erase(callback);
  return true;
}

std::string Registry::RenderText() const {
  std::string out;
  absl::ReaderMutexLock lock(&mu_);
  for (const auto& [name, family] : families_) RenderFamily(name, family, &out);
  return out;
}

void Registry::RenderFamily(const std::string& name, const Family& family, std::string* out) {
  std::map<Labels, double> computed;  // The family callbacks' samples, in label order.
  for (const auto& [source, callback] : family.family_callbacks) {
    for (Sample& sample : callback()) {
      computed.emplace(CanonicalLabels(name, sample.labels, /*histogram=*/false), sample.value);
    }
  }
  if (family.series.empty() && computed.empty()) return;
  out->append("# HELP ").append(name).push_back(' ');
  AppendEscaped(family.help, /*escape_quote=*/false, out);
  out->append("\n# TYPE ").append(name);
  switch (family.type) {
    case Type::kCounter:
      out->append(" counter\n");
      break;
    case Type::kGauge:
      out->append(" gauge\n");
      break;
    case Type::kHistogram:
      out->append(" histogram\n");
      break;
  }
  for (const auto& [labels, series] : family.series) {
    switch (family.type) {
      case Type::kCounter:
        AppendSample(name, "", labels, nullptr,
                     series.callback ? FormatDouble(series.callback())
                                     : std::to_string(series.counter->value()),
                     out);
        break;
      case Type::kGauge: {
        const double value = series.callback ? series.callback() : series.gauge->value();
        AppendSample(name, "", labels, nullptr, FormatDouble(value), out);
        break;
      }
      case Type::kHistogram: {
        const Histogram& histogram = *series.histogram;
        // Lock-free: a concurrent Observe may show in the counts but not yet in the sum.
        const std::vector<uint64_t> cumulative = histogram.CumulativeCounts();
        const double sum = histogram.sum();
        for (size_t i = 0; i < cumulative.size(); ++i) {
          const std::string le = i < family.bounds.size() ? FormatDouble(family.bounds[i]) : "+Inf";
          AppendSample(name, "_bucket", labels, &le, std::to_string(cumulative[i]), out);
        }
        AppendSample(name, "_sum", labels, nullptr, FormatDouble(sum), out);
        AppendSample(name, "_count", labels, nullptr, std::to_string(cumulative.back()), out);
        break;
      }
    }
  }
  for (const auto& [labels, value] : computed) {
    AppendSample(name, "", labels, nullptr, FormatDouble(value), out);
  }
}

}  // namespace clientele::metrics
