// A set of named metrics rendered in the Prometheus text exposition format 0.0.4.
//
//   metrics::Registry registry;
//   Counter* appended = registry.GetCounter("clientele_ingest_events_total",
//                                           "Events appended to the log.",
//                                           {{"partition", "3"}});
//   appended->Increment();
//   registry.AddGaugeCallback("clientele_ingest_last_sequence", "Last sequence written.",
//                             {{"partition", "3"}}, [&log] { return log.last_sequence(); });
//   registry.SetGaugeFamilyCallback("clientele_log_consumer_lag_events", "Lag.", [&] {
//     return std::vector<Sample>{{{{"consumer", "identity"}, {"partition", "0"}}, 12}};
//   });
//   std::string page = registry.RenderText();  // Served by MetricsHttpServer.
//
// A "family" is all series sharing one metric name; every series of a family has the same
// type, help text and (for histograms) buckets. Families are rendered in name order and
// series in label order, so the output is deterministic.
//
// Label sets are canonicalised by sorting on label name: {a=1,b=2} and {b=2,a=1} are the
// same series. Invalid metric or label names, duplicate label names, the label "le" on a
// histogram, and reusing a name with another type, help text or bucket layout are
// programming errors and abort the process (CLT_CHECK).
//
// Thread-safe. Metric cells are owned by the registry, and the pointers it hands out stay
// valid for the registry's lifetime; updating them takes no lock.
#ifndef CLIENTELE_COMMON_METRICS_REGISTRY_H_
#define CLIENTELE_COMMON_METRICS_REGISTRY_H_

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "common/metrics/metric.h"

namespace clientele::metrics {

// Label name/value pairs. Values may hold any UTF-8 text; they are escaped on output.
using Labels = std::vector<std::pair<std::string, std::string>>;

// One series' value, as a family callback reports it.
struct Sample {
  Labels labels;
  double value = 0;
};

class Registry {
 public:
  Registry() = default;
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;
  ~Registry();

  // Returns the series `name`{labels}, creating it (at zero) on first use. The same
  // name and labels always return the same object.
  Counter* GetCounter(std::string_view name, std::string_view help, const Labels& labels = {});
  Gauge* GetGauge(std::string_view name, std::string_view help, const Labels& labels = {});
  // `buckets` are the finite upper bounds, strictly increasing (a trailing +Inf is
  // ignored); they must be the same for every series of the family.
  Histogram* GetHistogram(std::string_view name, std::string_view help, std::vector<double> buckets,
                          const Labels& labels = {});

  // A gauge series whose value is computed by `fn` at every RenderText() (for example
  // the last sequence number per partition). Registering the same name and labels again
  // replaces the function. `fn` is called with the registry's lock held, so it must be
  // thread-safe, fast, and must not call into this registry; once RemoveGaugeCallback
  // returns, `fn` is never called again. The family may also hold GetGauge series, but
  // not with the same labels.
  void AddGaugeCallback(std::string_view name, std::string_view help, const Labels& labels,
                        std::function<double()> fn);
  // Removes a callback series added by AddGaugeCallback. Returns false if there was none.
  bool RemoveGaugeCallback(std::string_view name, const Labels& labels);

  // The same for a counter whose value is kept elsewhere (for example an id that only grows):
  // `fn` must never return less than it returned before, except after a process restart.
  void AddCounterCallback(std::string_view name, std::string_view help, const Labels& labels,
                          std::function<double()> fn);
  bool RemoveCounterCallback(std::string_view name, const Labels& labels);

  // A gauge family whose series are all computed by `fn` at every RenderText(), for series
  // that come and go (for example one per consumer and partition). Samples are rendered in
  // label order; a sample whose labels repeat an earlier one's is dropped. Setting it again
  // replaces the function. `fn` runs under the same rules as AddGaugeCallback's. A family
  // callback cannot share its name with series of the other kinds, and label names must be
  // valid (a programming error aborts, as above).
  void SetGaugeFamilyCallback(std::string_view name, std::string_view help,
                              std::function<std::vector<Sample>()> fn);
  // Removes it; once it returns `fn` is never called again. False if there was none.
  bool RemoveGaugeFamilyCallback(std::string_view name);
  // The same for one of several sources of one family, each under its own `source` key (for
  // example ingest's view of every consumer, "", beside each consumer's own): their samples
  // are merged, and of samples with the same labels the one of the first source in key order
  // is kept. The overloads above are the source "".
  void SetGaugeFamilyCallback(std::string_view name, std::string_view help, std::string_view source,
                              std::function<std::vector<Sample>()> fn);
  bool RemoveGaugeFamilyCallback(std::string_view name, std::string_view source);

  // The whole registry in the Prometheus text format 0.0.4: "# HELP" and "# TYPE" once per
  // family, then one line per sample. Families without series are left out.
  std::string RenderText() const;

 private:
  enum class Type { kCounter, kGauge, kHistogram };

  struct Series {
    std::unique_ptr<Counter> counter;
    std::unique_ptr<Gauge> gauge;
    std::unique_ptr<Histogram> histogram;
    std::function<double()> callback;
  };

  struct Family {
    Type type;
    std::string help;
    std::vector<double> bounds;       // Histograms only.
    std::map<Labels, Series> series;  // Keyed by canonical (sorted) labels.
    // Gauge families only, by source; set when every series comes from them (`series` is
    // then empty).
    std::map<std::string, std::function<std::vector<Sample>()>, std::less<>> family_callbacks;
  };

  // Finds or creates the family, checking that type, help and bounds match.
  Family& GetFamily(std::string_view name, std::string_view help, Type type,
                    const std::vector<double>* bounds) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void AddCallback(std::string_view name, std::string_view help, const Labels& labels, Type type,
                   std::function<double()> fn);
  bool RemoveCallback(std::string_view name, const Labels& labels, Type type);
  static void RenderFamily(const std::string& name, const Family& family, std::string* out);

  mutable absl::Mutex mu_;
  std::map<std::string, Family, std::less<>> families_ ABSL_GUARDED_BY(mu_);
};

}  // namespace clientele::metrics

#endif  // CLIENTELE_COMMON_METRICS_REGISTRY_H_
