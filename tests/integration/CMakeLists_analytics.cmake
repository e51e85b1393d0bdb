# Included from tests/integration/CMakeLists.txt: the analytics service against a real ingest.
clt_cc_test(NAME analytics_integration_test
  SRCS ${CMAKE_CURRENT_LIST_DIR}/analytics_integration_test.cc
  DEPS clientele::analytics_service clientele::analytics_applier clientele::log_consumer
       clientele::job_service clientele::importers clientele::ingest_service clientele::ingest
       clientele::rocksdb_store clientele::server clientele::testing
  LABELS integration analytics)

clt_cc_test(NAME identity_profile_directory_test
  SRCS ${CMAKE_CURRENT_LIST_DIR}/identity_profile_directory_test.cc
  DEPS clientele::analytics_service clientele::server clientele::testing
  LABELS integration analytics)

clt_cc_test(NAME identity_catch_up_test
  SRCS ${CMAKE_CURRENT_LIST_DIR}/identity_catch_up_test.cc
  DEPS clientele::analytics_service clientele::analytics_applier clientele::identity_service
       clientele::identity_applier clientele::identity_resolution clientele::log_consumer
       clientele::ingest_service clientele::ingest clientele::rocksdb_store clientele::server
       clientele::testing
  LABELS integration analytics)
