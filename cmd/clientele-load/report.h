// The summary of a load run: human-readable lines and one JSON object.
#ifndef CLIENTELE_CMD_CLIENTELE_LOAD_REPORT_H_
#define CLIENTELE_CMD_CLIENTELE_LOAD_REPORT_H_

#include <string>

#include "cmd/clientele-load/load_runner.h"
#include "nlohmann/json.hpp"

namespace clientele::load {

// What was asked for, echoed in the report.
struct RunDescription {
  std::string call;
  std::string server;
  LoadOptions options;
  int channels = 1;
  int64_t distinct_requests = 0;  // -1: every request is new.
};

// Keys: call, mode ("closed"/"open"), concurrency, rate (0 for closed loop), channels, threads,
// duration_s (the measured window asked for), elapsed_s, warmup_s, calls, ok, errors,
// errors_by_code {"NOT_FOUND": n, ...}, rps, p50_ms, p90_ms, p99_ms, p999_ms, max_ms, mean_ms,
// min_ms, max_in_flight, max_start_lag_ms (open loop), distinct_requests.
nlohmann::json ReportJson(const RunDescription& run, const LoadResult& result);

// A few lines for a terminal, ending in a newline.
std::string ReportText(const RunDescription& run, const LoadResult& result);

}  // namespace clientele::load

#endif  // CLIENTELE_CMD_CLIENTELE_LOAD_REPORT_H_
