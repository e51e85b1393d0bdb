#include "common/logging/json_log_formatter.h"

#include <string>
#include <string_view>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/logging/log_context.h"
#include "nlohmann/json.hpp"

namespace clientele::logging {

void JsonLogFormatter::format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) {
  const LogContext context = CurrentLogContext();
  std::string_view component = context.component;
  if (component.empty())
    component = std::string_view(msg.logger_name.data(), msg.logger_name.size());
  if (component.empty()) component = default_component_;
  const spdlog::string_view_t level = spdlog::level::to_string_view(msg.level);

  nlohmann::ordered_json line;
  line["time"] =
      absl::FormatTime("%Y-%m-%dT%H:%M:%E6SZ", absl::FromChrono(msg.time), absl::UTCTimeZone());
  line["level"] = std::string(level.data(), level.size());
  line["component"] = std::string(component);
  line["message"] = std::string(msg.payload.data(), msg.payload.size());
  if (!context.method.empty()) line["method"] = std::string(context.method);
  if (!context.request_id.empty()) line["request_id"] = std::string(context.request_id);
  // Invalid UTF-8 would make dump() throw: replace it instead.
  const std::string text = line.dump(/*indent=*/-1, ' ', /*ensure_ascii=*/false,
                                     nlohmann::json::error_handler_t::replace);
  dest.append(text.data(), text.data() + text.size());
  dest.push_back('\n');
}

std::unique_ptr<spdlog::formatter> JsonLogFormatter::clone() const {
  return std::make_unique<JsonLogFormatter>(default_component_);
}

}  // namespace clientele::logging
