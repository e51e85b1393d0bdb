#include "common/logging/log_setup.h"

#include <memory>

#include "common/logging/json_log_formatter.h"
#include "spdlog/spdlog.h"

namespace clientele::logging {

absl::Status ConfigureLogging(const LogOptions& options) {
  if (options.format != "text" && options.format != "json") {
    return absl::InvalidArgumentError("--log_format: '" + options.format +
                                      "' is neither text nor json");
  }
  // spdlog maps unknown names to "off", which would silence the server: refuse them.
  const spdlog::level::level_enum level = spdlog::level::from_str(options.level);
  if (level == spdlog::level::off && options.level != "off") {
    return absl::InvalidArgumentError(
        "--log_level: '" + options.level +
        "' is not one of trace, debug, info, warn, error, critical, off");
  }
  spdlog::set_level(level);
  if (options.format == "json") {
    spdlog::set_formatter(std::make_unique<JsonLogFormatter>(options.default_component));
  }
  return absl::OkStatus();
}

}  // namespace clientele::logging
