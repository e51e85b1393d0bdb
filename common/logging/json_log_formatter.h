// An spdlog formatter that writes each log message as one JSON object on one line:
//
//   {"time":"2026-03-01T12:00:00.123456Z","level":"info","component":"identity",
//    "message":"caught up","method":"/clientele.identity.v1.IdentityService/Resolve",
//    "request_id":"4bf92f3577b34da6a3ce929d0e0e4736"}
//
// time is RFC 3339 in UTC with microseconds; level is spdlog's name (trace, debug, info,
// warning, error, critical); component is the thread's (log_context.h), else the logger's
// name, else the formatter's default; method and request_id are present only inside a gRPC
// call. The message is escaped as JSON requires (quotes, backslashes, control characters);
// UTF-8 passes through, and bytes that are not valid UTF-8 become U+FFFD.
//
//   spdlog::set_formatter(std::make_unique<logging::JsonLogFormatter>("clienteled"));
//
// Thread-compatible, as spdlog requires of formatters (each sink formats under its own lock).
#ifndef CLIENTELE_COMMON_LOGGING_JSON_LOG_FORMATTER_H_
#define CLIENTELE_COMMON_LOGGING_JSON_LOG_FORMATTER_H_

#include <memory>
#include <string>

#include "spdlog/formatter.h"

namespace clientele::logging {

class JsonLogFormatter final : public spdlog::formatter {
 public:
  explicit JsonLogFormatter(std::string default_component)
      : default_component_(std::move(default_component)) {}

  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override;
  std::unique_ptr<spdlog::formatter> clone() const override;

 private:
  const std::string default_component_;
};

}  // namespace clientele::logging

#endif  // CLIENTELE_COMMON_LOGGING_JSON_LOG_FORMATTER_H_
