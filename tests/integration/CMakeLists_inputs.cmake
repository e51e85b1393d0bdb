# Raw, unparsable requests against a real ingest server (issue 12, defect 10).
clt_cc_test(NAME ingest_request_parsing_test
  SRCS ${CMAKE_CURRENT_LIST_DIR}/ingest_request_parsing_test.cc
  DEPS clientele::ingest_service clientele::ingest clientele::rocksdb_store clientele::server
       clientele::testing)
