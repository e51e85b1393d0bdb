# Incremental identity resolution throughput and quality (bench/identity_resolution_bench.cc).
add_executable(identity_resolution_bench identity_resolution_bench.cc)
target_link_libraries(identity_resolution_bench PRIVATE clientele::identity_resolution
  clientele::rocksdb_store clientele::sorted_write_batch CLI11::CLI11 nlohmann_json::nlohmann_json)
