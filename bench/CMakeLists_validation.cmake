# Micro-measurement of ValidateEvent on synthetic orders (included from bench/CMakeLists.txt).
# Run a Release build: build/bin/validation_bench
add_executable(validation_bench ${CMAKE_CURRENT_LIST_DIR}/validation_bench.cc)
target_link_libraries(validation_bench PRIVATE clientele::event_validation absl::time)
