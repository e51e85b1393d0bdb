# The identity log applier (no gRPC) and the gRPC adapter. Included from identity/CMakeLists.txt.
clt_cc_library(NAME identity_applier
  HDRS ${CMAKE_CURRENT_LIST_DIR}/identity_applier.h
  SRCS ${CMAKE_CURRENT_LIST_DIR}/identity_applier.cc
  DEPS clientele::identity_resolution clientele::log_applier)

clt_cc_library(NAME identity_service
  HDRS ${CMAKE_CURRENT_LIST_DIR}/identity_service.h
  SRCS ${CMAKE_CURRENT_LIST_DIR}/identity_service.cc
  DEPS clientele::identity_resolution clientele::identity_proto_grpc clientele::grpc_status
       clientele::grpc_request_parsing absl::strings absl::time)

# The identity component of clienteled (common/server/component.h).
clt_cc_library(NAME identity_component
  HDRS ${CMAKE_CURRENT_LIST_DIR}/identity_component.h
  SRCS ${CMAKE_CURRENT_LIST_DIR}/identity_component.cc
  DEPS clientele::identity_service clientele::identity_applier clientele::identity_resolution
       clientele::component clientele::log_consumer clientele::rocksdb_store clientele::status)
