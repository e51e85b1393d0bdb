# Unit tests of identity/resolution (real RocksDB in a temp dir). Included from
# tests/identity/CMakeLists.cmake.
clt_cc_test(NAME identity_resolution_test
  SRCS ${CMAKE_CURRENT_LIST_DIR}/resolver_test.cc
       ${CMAKE_CURRENT_LIST_DIR}/consent_test.cc
       ${CMAKE_CURRENT_LIST_DIR}/golden_record_test.cc
       ${CMAKE_CURRENT_LIST_DIR}/resolver_test_util.h
  DEPS clientele::identity_resolution clientele::rocksdb_store clientele::testing)

clt_cc_test(NAME identity_applier_test
  SRCS ${CMAKE_CURRENT_LIST_DIR}/identity_applier_test.cc
  DEPS clientele::identity_applier clientele::identity_resolution clientele::rocksdb_store
       clientele::testing)

clt_cc_test(NAME identity_metrics_test
  SRCS ${CMAKE_CURRENT_LIST_DIR}/identity_metrics_test.cc
  DEPS clientele::identity_metrics clientele::identity_applier clientele::identity_resolution
       clientele::rocksdb_store clientele::testing)

clt_cc_test(NAME identity_resolver_containers_test
  SRCS ${CMAKE_CURRENT_LIST_DIR}/resolver_containers_test.cc
  DEPS clientele::identity_resolution)
