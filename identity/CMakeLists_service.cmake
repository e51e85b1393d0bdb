# The identity log applier (no gRPC) and the gRPC adapter. Included from identity/CMakeLists.txt.
clt_cc_library(NAME identity_applier
  HDRS ${CMAKE_CURRENT_LIST_DIR}/identity_applier.h
  SRCS ${CMAKE_CURRENT_LIST_DIR}/identity_applier.cc
  DEPS clientele::identity_resolution clientele::log_applier clientele::metrics)

# Identity's Prometheus metrics over the Resolver (no gRPC).
clt_cc_library(NAME identity_metrics
  HDRS ${CMAKE_CURRENT_LIST_DIR}/identity_metrics.h
  SRCS ${CMAKE_CURRENT_LIST_DIR}/identity_metrics.cc
  DEPS clientele::identity_resolution clientele::metrics absl::strings)

clt_cc_library(NAME identity_service
  HDRS ${CMAKE_CURRENT_LIST_DIR}/identity_service.h
  SRCS ${CMAKE_CURRENT_LIST_DIR}/identity_service.cc
  DEPS clientele::identity_resolution clientele::identity_proto_grpc clientele::grpc_status
       clientele::grpc_request_parsing absl::strings absl::time)
