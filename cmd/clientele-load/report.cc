#include "cmd/clientele-load/report.h"

#include <cmath>

#include "absl/strings/str_format.h"

namespace clientele::load {
namespace {

double Ms(int64_t nanos) { return static_cast<double>(nanos) / 1e6; }

// Rounded to the microsecond (the histogram's precision is 0.4% anyway).
double RoundMs(double ms) { return std::round(ms * 1000) / 1000; }

}  // namespace

nlohmann::json ReportJson(const RunDescription& run, const LoadResult& result) {
  const LatencyHistogram& h = result.latency;
  nlohmann::json errors_by_code = nlohmann::json::object();
  for (int code = 1; code < LoadResult::kNumCodes; ++code) {
    if (result.errors_by_code[code] > 0) {
      errors_by_code[StatusCodeName(code)] = result.errors_by_code[code];
    }
  }
  nlohmann::json first_error_message = nlohmann::json::object();
  for (const auto& [code, message] : result.first_error_message) {
    first_error_message[StatusCodeName(code)] = message;
  }
  const bool open = run.options.rate > 0;
  nlohmann::json out = {
      {"call", run.call},
      {"mode", open ? "open" : "closed"},
      {"concurrency", run.options.concurrency},
      {"rate", run.options.rate},
      {"channels", run.channels},
      {"threads", run.options.threads},
      {"duration_s", absl::ToDoubleSeconds(run.options.duration)},
      {"elapsed_s", std::round(absl::ToDoubleSeconds(result.elapsed) * 1e6) / 1e6},
      {"warmup_s", absl::ToDoubleSeconds(run.options.warmup)},
      {"calls", result.calls},
      {"ok", result.ok},
      {"errors", result.errors},
      {"errors_by_code", errors_by_code},
      {"first_error_message", first_error_message},
      {"rps", std::round(result.rps() * 10) / 10},
      {"p50_ms", RoundMs(Ms(h.ValueAtPercentile(50)))},
      {"p90_ms", RoundMs(Ms(h.ValueAtPercentile(90)))},
      {"p99_ms", RoundMs(Ms(h.ValueAtPercentile(99)))},
      {"p999_ms", RoundMs(Ms(h.ValueAtPercentile(99.9)))},
      {"max_ms", RoundMs(Ms(h.max()))},
      {"min_ms", RoundMs(Ms(h.min()))},
      {"mean_ms", RoundMs(h.mean() / 1e6)},
      {"max_in_flight", result.max_in_flight},
      {"max_start_lag_ms", RoundMs(absl::ToDoubleMilliseconds(result.max_start_lag))},
      {"distinct_requests", run.distinct_requests},
  };
  return out;
}

std::string ReportText(const RunDescription& run, const LoadResult& result) {
  const LatencyHistogram& h = result.latency;
  std::string out;
  if (run.options.rate > 0) {
    absl::StrAppendFormat(&out,
                          "%s against %s: open loop at %.0f calls/s (at most %d in flight), "
                          "%.1f s measured\n",
                          run.call, run.server, run.options.rate, run.options.concurrency,
                          absl::ToDoubleSeconds(result.elapsed));
  } else {
    absl::StrAppendFormat(&out, "%s against %s: closed loop, %d in flight, %.1f s measured\n",
                          run.call, run.server, run.options.concurrency,
                          absl::ToDoubleSeconds(result.elapsed));
  }
  absl::StrAppendFormat(&out, "  calls %d  ok %d  errors %d", result.calls, result.ok,
                        result.errors);
  for (int code = 1; code < LoadResult::kNumCodes; ++code) {
    if (result.errors_by_code[code] > 0) {
      absl::StrAppendFormat(&out, "  %s %d", StatusCodeName(code), result.errors_by_code[code]);
    }
  }
  absl::StrAppendFormat(&out, "\n");
  for (const auto& [code, message] : result.first_error_message) {
    absl::StrAppendFormat(&out, "  first %s: %s\n", StatusCodeName(code), message);
  }
  absl::StrAppendFormat(&out, "  throughput %.1f calls/s\n", result.rps());
  absl::StrAppendFormat(&out,
                        "  latency ms  p50 %.3f  p90 %.3f  p99 %.3f  p99.9 %.3f  max %.3f  "
                        "mean %.3f\n",
                        Ms(h.ValueAtPercentile(50)), Ms(h.ValueAtPercentile(90)),
                        Ms(h.ValueAtPercentile(99)), Ms(h.ValueAtPercentile(99.9)), Ms(h.max()),
                        h.mean() / 1e6);
  if (run.options.rate > 0) {
    absl::StrAppendFormat(&out,
                          "  latency counted from each call's scheduled time; client start lag "
                          "at most %.3f ms, at most %d calls in flight\n",
                          absl::ToDoubleMilliseconds(result.max_start_lag), result.max_in_flight);
  }
  return out;
}

}  // namespace clientele::load
