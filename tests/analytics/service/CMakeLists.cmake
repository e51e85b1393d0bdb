# Unit tests of the analytics service: state, applier, jobs, queries, report
# (included from tests/CMakeLists.txt).
clt_cc_test(NAME analytics_store_test
  SRCS ${CMAKE_CURRENT_LIST_DIR}/analytics_store_test.cc
  DEPS clientele::analytics_store clientele::analytics_applier clientele::analytics_job_manager
       clientele::rocksdb_store clientele::testing
  LABELS unit analytics)

clt_cc_test(NAME analytics_applier_test
  SRCS ${CMAKE_CURRENT_LIST_DIR}/analytics_applier_test.cc
  DEPS clientele::analytics_applier clientele::rocksdb_store clientele::testing
  LABELS unit analytics)

clt_cc_test(NAME analytics_job_manager_test
  SRCS ${CMAKE_CURRENT_LIST_DIR}/job_manager_test.cc
  DEPS clientele::analytics_job_manager clientele::analytics_applier clientele::rocksdb_store
       clientele::testing absl::synchronization
  LABELS unit analytics concurrency)

clt_cc_test(NAME analytics_jobs_test
  SRCS ${CMAKE_CURRENT_LIST_DIR}/analytics_jobs_test.cc
  DEPS clientele::analytics_queries clientele::analytics_jobs clientele::rocksdb_store
       clientele::testing
  LABELS unit analytics)

clt_cc_test(NAME analytics_report_test
  SRCS ${CMAKE_CURRENT_LIST_DIR}/analytics_report_test.cc
  DEPS clientele::analytics_report
  LABELS unit analytics)
