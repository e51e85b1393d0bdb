# Identity end to end over real ingest and identity servers (included from
# tests/integration/CMakeLists.txt).
clt_cc_test(NAME identity_integration_test
  SRCS ${CMAKE_CURRENT_LIST_DIR}/identity_integration_test.cc
  DEPS clientele::identity_service clientele::identity_applier clientele::identity_resolution
       clientele::log_consumer clientele::ingest_service clientele::ingest
       clientele::rocksdb_store clientele::server clientele::testing)
