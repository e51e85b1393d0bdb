# Unit tests of the ingest domain library (ingest/): log entry codec, Subscribe batches, the
# event log, dead letters and consumer progress (included from tests/CMakeLists.txt).
set(clt_ingest_test_dir ${CMAKE_CURRENT_LIST_DIR})

clt_cc_test(NAME log_entry_codec_test
  SRCS ${clt_ingest_test_dir}/log_entry_codec_test.cc
  DEPS clientele::ingest clientele::proto_time)
clt_cc_test(NAME subscribe_batch_test
  SRCS ${clt_ingest_test_dir}/subscribe_batch_test.cc
  DEPS clientele::ingest)
clt_cc_test(NAME event_log_test
  SRCS ${clt_ingest_test_dir}/event_log_test.cc
  DEPS clientele::ingest clientele::rocksdb_store clientele::testing)
clt_cc_test(NAME dead_letter_store_test
  SRCS ${clt_ingest_test_dir}/dead_letter_store_test.cc
  DEPS clientele::ingest clientele::rocksdb_store clientele::testing)
clt_cc_test(NAME consumer_registry_test
  SRCS ${clt_ingest_test_dir}/consumer_registry_test.cc
  DEPS clientele::ingest clientele::rocksdb_store clientele::testing clientele::proto_time)
