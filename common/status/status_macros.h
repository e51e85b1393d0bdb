// Propagation macros for absl::Status / absl::StatusOr (abseil 20220623 has none).
//
//   CLT_RETURN_IF_ERROR(store->Write(batch));
//   CLT_ASSIGN_OR_RETURN(Event event, ParseEvent(bytes));
#ifndef CLIENTELE_COMMON_STATUS_STATUS_MACROS_H_
#define CLIENTELE_COMMON_STATUS_STATUS_MACROS_H_

#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define CLT_STATUS_CONCAT_INNER_(x, y) x##y
#define CLT_STATUS_CONCAT_(x, y) CLT_STATUS_CONCAT_INNER_(x, y)

#define CLT_RETURN_IF_ERROR(expr)              \
  do {                                         \
    ::absl::Status clt_status_ = (expr);       \
    if (!clt_status_.ok()) return clt_status_; \
  } while (false)

#define CLT_ASSIGN_OR_RETURN(lhs, rexpr) \
  CLT_ASSIGN_OR_RETURN_IMPL_(CLT_STATUS_CONCAT_(clt_statusor_, __LINE__), lhs, rexpr)

#define CLT_ASSIGN_OR_RETURN_IMPL_(statusor, lhs, rexpr)   \
  auto statusor = (rexpr);                                 \
  if (!statusor.ok()) return std::move(statusor).status(); \
  lhs = std::move(statusor).value()

// Aborts the process when an invariant ("can't happen") is broken. Not for input errors.
#define CLT_CHECK(cond)                                                         \
  do {                                                                          \
    if (!(cond)) ::clientele::internal::CheckFailed(__FILE__, __LINE__, #cond); \
  } while (false)

namespace clientele::internal {
[[noreturn]] void CheckFailed(const char* file, int line, const char* condition);
}  // namespace clientele::internal

#endif  // CLIENTELE_COMMON_STATUS_STATUS_MACROS_H_
