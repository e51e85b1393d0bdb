#include "common/logging/log_context.h"

#include <utility>

namespace clientele::logging {
namespace {

struct ThreadContext {
  std::string component;  // From ScopedComponent.
  std::string method;
  std::string request_id;
  std::string_view call_component;  // Points into `method`.
};

ThreadContext& Current() {
  thread_local ThreadContext context;
  return context;
}

}  // namespace

LogContext CurrentLogContext() {
  const ThreadContext& c = Current();
  LogContext out;
  out.component = c.component.empty() ? c.call_component : std::string_view(c.component);
  out.method = c.method;
  out.request_id = c.request_id;
  return out;
}

ScopedComponent::ScopedComponent(std::string_view component)
    : previous_(std::move(Current().component)) {
  Current().component.assign(component.data(), component.size());
}

ScopedComponent::~ScopedComponent() { Current().component = std::move(previous_); }

void SetCallContext(std::string_view method, std::string_view request_id) {
  ThreadContext& c = Current();
  c.method.assign(method.data(), method.size());
  c.request_id.assign(request_id.data(), request_id.size());
  c.call_component = ComponentOfMethod(c.method);
}

void ClearCallContext() {
  ThreadContext& c = Current();
  c.method.clear();
  c.request_id.clear();
  c.call_component = {};
}

std::string_view ComponentOfMethod(std::string_view method) {
  if (method.empty()) return {};
  constexpr std::string_view kPrefix = "/clientele.";
  if (method.substr(0, kPrefix.size()) != kPrefix) return "grpc";
  std::string_view rest = method.substr(kPrefix.size());
  const size_t dot = rest.find('.');
  const size_t slash = rest.find('/');
  if (dot == std::string_view::npos || dot == 0 ||
      (slash != std::string_view::npos && slash < dot)) {
    return "grpc";
  }
  return rest.substr(0, dot);
}

}  // namespace clientele::logging
