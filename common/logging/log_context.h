// What a log line says about where it comes from, kept per thread: the component ("identity",
// "ingest", ...) and, inside a gRPC call, the call's method and request id. The JSON log format
// (json_log_formatter.h) writes them beside each message; the text format ignores them.
//
//   // A thread of one component (e.g. a log consumer's):
//   logging::ScopedComponent component("identity");
//   spdlog::info("caught up");             // component "identity"
//
//   // The server interceptor (common/server/call_context_interceptor.h), on the thread that
//   // runs a sync handler:
//   logging::SetCallContext("/clientele.identity.v1.IdentityService/Resolve", "a1b2...");
//   ...
//   logging::ClearCallContext();
//
// Everything here is per thread: no locks, and nothing another thread sets is ever seen.
#ifndef CLIENTELE_COMMON_LOGGING_LOG_CONTEXT_H_
#define CLIENTELE_COMMON_LOGGING_LOG_CONTEXT_H_

#include <string>
#include <string_view>

namespace clientele::logging {

// The context of the calling thread. Views stay valid until the thread's context changes.
struct LogContext {
  std::string_view component;   // Empty: none set (the formatter uses its default).
  std::string_view method;      // Full gRPC method ("/pkg.Service/Method"); empty outside calls.
  std::string_view request_id;  // Empty outside calls.
};
LogContext CurrentLogContext();

// Sets the thread's component for its lifetime and restores the previous one after.
// Must be destroyed on the thread that created it.
class ScopedComponent {
 public:
  explicit ScopedComponent(std::string_view component);
  ~ScopedComponent();
  ScopedComponent(const ScopedComponent&) = delete;
  ScopedComponent& operator=(const ScopedComponent&) = delete;

 private:
  std::string previous_;
};

// The thread now serves the call `method` with `request_id`; until ClearCallContext (or the
// next SetCallContext), the call's component is ComponentOfMethod(method) unless a
// ScopedComponent is in force. The strings are copied.
void SetCallContext(std::string_view method, std::string_view request_id);
void ClearCallContext();

// "identity" for "/clientele.identity.v1.IdentityService/Resolve" (the package's second part),
// "grpc" for methods of other packages (health, reflection), empty for an empty method.
std::string_view ComponentOfMethod(std::string_view method);

}  // namespace clientele::logging

#endif  // CLIENTELE_COMMON_LOGGING_LOG_CONTEXT_H_
