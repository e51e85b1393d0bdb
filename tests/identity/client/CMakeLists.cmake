# Tests of the identity client library (identity/client/). Included from
# tests/identity/CMakeLists.cmake.
clt_cc_test(NAME fake_identity_client_test
  SRCS ${CMAKE_CURRENT_LIST_DIR}/fake_identity_client_test.cc
  DEPS clientele::fake_identity_client clientele::testing
  LABELS unit)

clt_cc_test(NAME grpc_identity_client_test
  SRCS ${CMAKE_CURRENT_LIST_DIR}/grpc_identity_client_test.cc
  DEPS clientele::grpc_identity_client clientele::identity_service clientele::identity_resolution
       clientele::rocksdb_store clientele::server clientele::testing
  LABELS integration)
