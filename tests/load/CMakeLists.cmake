# clientele-load: histogram and schedule arithmetic, and the runner against a real ingest server
# (included from tests/CMakeLists.txt).
clt_cc_test(NAME load_histogram_test
  SRCS ${CMAKE_CURRENT_LIST_DIR}/latency_histogram_test.cc ${CMAKE_CURRENT_LIST_DIR}/rate_schedule_test.cc
  DEPS clientele::load_histogram)
clt_cc_test(NAME load_runner_test
  SRCS ${CMAKE_CURRENT_LIST_DIR}/load_runner_test.cc
  DEPS clientele::load_gen clientele::ingest_service clientele::ingest clientele::rocksdb_store
       clientele::server clientele::testing
  LABELS concurrency)
# recommend against a real clienteled (ingest, identity, recommender) with the Online Retail sample.
clt_cc_test(NAME recommend_load_test
  SRCS ${CMAKE_CURRENT_LIST_DIR}/recommend_load_test.cc
  DEPS clientele::load_gen clientele::testing nlohmann_json::nlohmann_json)
add_dependencies(recommend_load_test clienteled clientele clientele-load)
