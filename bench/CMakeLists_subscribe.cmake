# Subscribe throughput of the ingest service over loopback gRPC (included from
# bench/CMakeLists.txt). Run a Release build: build/bin/subscribe_bench
add_executable(subscribe_bench ${CMAKE_CURRENT_LIST_DIR}/subscribe_bench.cc)
target_link_libraries(subscribe_bench PRIVATE clientele::ingest_service clientele::rocksdb_store
  clientele::testing clientele::metrics)
