# Tests for common/metrics, common/logging and common/server; included from tests/CMakeLists.txt.
set(CLT_SM_DIR ${CMAKE_CURRENT_LIST_DIR})

clt_cc_test(NAME metric_test
  SRCS ${CLT_SM_DIR}/metrics/metric_test.cc
  DEPS clientele::metrics
  LABELS concurrency)
clt_cc_test(NAME registry_test
  SRCS ${CLT_SM_DIR}/metrics/registry_test.cc
  DEPS clientele::metrics
  LABELS concurrency)
clt_cc_test(NAME json_log_formatter_test
  SRCS ${CLT_SM_DIR}/logging/json_log_formatter_test.cc
  DEPS clientele::logging absl::strings)
clt_cc_test(NAME metrics_http_server_test
  SRCS ${CLT_SM_DIR}/metrics/metrics_http_server_test.cc
  DEPS clientele::metrics_http PkgConfig::HTTPLIB
  LABELS concurrency)

# A test-only service whose calls end when the test says so (in-flight calls at shutdown).
clt_proto_library(NAME server_test_proto
  ROOT ${CLT_SM_DIR}/server/proto
  PROTOS clientele/server_test/v1/test_service.proto)

clt_cc_test(NAME grpc_server_test
  SRCS ${CLT_SM_DIR}/server/grpc_server_test.cc
  DEPS clientele::server clientele::version clientele::server_test_proto_grpc clientele::health_proto_grpc
       PkgConfig::HTTPLIB absl::synchronization
  LABELS concurrency)
clt_cc_test(NAME call_context_interceptor_test
  SRCS ${CLT_SM_DIR}/server/call_context_interceptor_test.cc
  DEPS clientele::server clientele::logging clientele::server_test_proto_grpc absl::strings
       absl::synchronization
  LABELS concurrency)
clt_cc_test(NAME termination_signals_test
  SRCS ${CLT_SM_DIR}/server/termination_signals_test.cc
  DEPS clientele::server
  LABELS concurrency)
clt_cc_test(NAME stream_guard_test
  SRCS ${CLT_SM_DIR}/server/stream_guard_test.cc
  DEPS clientele::server clientele::server_test_proto_grpc clientele::health_proto_grpc
       clientele::testing)
