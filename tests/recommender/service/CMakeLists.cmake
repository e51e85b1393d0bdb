# Tests of the recommender service: serving snapshots (unit) and the service against a real
# ingest and RocksDB over gRPC on 127.0.0.1:0 (integration). Included from tests/CMakeLists.txt.
clt_cc_test(NAME recommender_snapshot_test
  SRCS ${CMAKE_CURRENT_LIST_DIR}/snapshot_holder_test.cc
  DEPS clientele::recommender_serving
  LABELS unit recommender concurrency)

clt_cc_test(NAME recommender_service_test
  SRCS ${CMAKE_CURRENT_LIST_DIR}/recommender_service_test.cc
  DEPS clientele::recommender_service clientele::recommender_applier clientele::log_consumer
       clientele::job_service clientele::importers clientele::ingest_service clientele::ingest clientele::rocksdb_store
       clientele::server clientele::testing
  LABELS integration recommender)
