# analytics_service_bench: applier throughput and rfm / recluster job times at scale.
add_executable(analytics_service_bench ${CMAKE_CURRENT_LIST_DIR}/analytics_service_bench.cc)
target_link_libraries(analytics_service_bench PRIVATE clientele::analytics_jobs
                      clientele::analytics_applier clientele::rocksdb_store CLI11::CLI11)
