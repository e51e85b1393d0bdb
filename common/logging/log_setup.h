// Configures spdlog for a Clientele binary from its --log_format and --log_level flags.
//
//   logging::LogOptions options;
//   options.format = flags.log_format;  // "text" (spdlog's default lines) or "json"
//   options.level = flags.log_level;
//   if (absl::Status s = logging::ConfigureLogging(options); !s.ok()) { ... exit 2 ... }
//
// "json" installs JsonLogFormatter on every logger, present and future; "text" leaves
// spdlog's own format untouched. Call it once, early in main, before other threads log.
#ifndef CLIENTELE_COMMON_LOGGING_LOG_SETUP_H_
#define CLIENTELE_COMMON_LOGGING_LOG_SETUP_H_

#include <string>

#include "absl/status/status.h"

namespace clientele::logging {

struct LogOptions {
  std::string format = "text";  // text | json
  std::string level = "info";   // trace | debug | info | warn | error | critical | off
  // The component of lines logged outside any component or call context (JSON only).
  std::string default_component = "clienteled";
};

// InvalidArgument naming the flag (--log_format, --log_level) for an unknown value; nothing
// is changed then.
absl::Status ConfigureLogging(const LogOptions& options);

}  // namespace clientele::logging

#endif  // CLIENTELE_COMMON_LOGGING_LOG_SETUP_H_
