# The identity log applier (no gRPC) and the gRPC adapter. Included from identity/CMakeLists.txt.
clt_cc_library(NAME identity_applier
  HDRS ${CMAKE_CURRENT_LIST_DIR}/identity_applier.h
  SRCS ${CMAKE_CURRENT_LIST_DIR}/identity_applier.cc
  DEPS clientele::identity_resolution clientele::log_applier)

clt_cc_library(NAME identity_service
  HDRS ${CMAKE_CURRENT_LIST_DIR}/identity_service.h
  SRCS ${CMAKE_CURRENT_LIST_DIR}/identity_service.cc
  DEPS clientele::proto_time clientele::identity_resolution clientele::identity_proto_grpc clientele::grpc_status
       clientele::grpc_request_parsing absl::strings absl::time)
