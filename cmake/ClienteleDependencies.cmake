# Finds the Debian 12 packages that scripts/setup installs (see docs/toolchain.md).
find_package(Threads REQUIRED)
find_package(Protobuf REQUIRED)          # CMake's FindProtobuf: Debian ships no protobuf config.
find_package(gRPC CONFIG REQUIRED)
find_package(absl CONFIG REQUIRED)
find_package(RocksDB CONFIG REQUIRED)
find_package(Eigen3 3.3 REQUIRED NO_MODULE)
find_package(fmt CONFIG REQUIRED)
find_package(spdlog CONFIG REQUIRED)
find_package(nlohmann_json CONFIG REQUIRED)
find_package(CLI11 CONFIG REQUIRED)
find_package(GTest CONFIG REQUIRED)
find_package(PkgConfig REQUIRED)
pkg_check_modules(HTTPLIB REQUIRED IMPORTED_TARGET cpp-httplib)
pkg_check_modules(RDKAFKA REQUIRED IMPORTED_TARGET rdkafka)   # librdkafka-dev: the Kafka log backend.
find_package(ICU REQUIRED COMPONENTS uc i18n)
find_package(OpenSSL REQUIRED)            # libssl-dev: API key secrets (RAND_bytes, SHA-256).

set(CLT_GRPC_PLUGIN $<TARGET_FILE:gRPC::grpc_cpp_plugin>)
set(CLT_PROTOC $<TARGET_FILE:protobuf::protoc>)

# hnswlib (libhnswlib-dev) is header-only and ships no CMake or pkg-config file.
find_path(CLT_HNSWLIB_INCLUDE_DIR hnswlib/hnswlib.h)
if(NOT CLT_HNSWLIB_INCLUDE_DIR)
  message(FATAL_ERROR "hnswlib not found: apt-get install libhnswlib-dev")
endif()
add_library(clt_hnswlib INTERFACE)
target_include_directories(clt_hnswlib SYSTEM INTERFACE ${CLT_HNSWLIB_INCLUDE_DIR})
add_library(clientele::hnswlib ALIAS clt_hnswlib)
# hnswlib 0.6.2's SSE prefetch in searchBaseLayer reads the link-list entry after the last one
# (one 4-byte read past a malloc'd block; ASan: heap-buffer-overflow in ItemSimilarityIndex
# tests). Harmless in practice, but it stops an ASan build: the scalar path has no prefetch.
if(CLIENTELE_SANITIZE MATCHES "address")
  target_compile_definitions(clt_hnswlib INTERFACE NO_MANUAL_VECTORIZATION)
endif()

# The memory allocator of the server and the command-line tools. glibc malloc cost a third of
# the server's CPU when identity resolved a million records (fragmented heap: _int_malloc,
# malloc_consolidate); jemalloc (libjemalloc-dev) cut the end-to-end time by a fifth
# (bench/results/identity_speed.md). CLIENTELE_MALLOC=system keeps glibc malloc, e.g. for
# sanitizer or heaptrack builds. Tests and benchmarks of single libraries keep glibc malloc.
set(CLIENTELE_MALLOC "jemalloc" CACHE STRING "Allocator of clienteled and the tools: jemalloc or system")
set_property(CACHE CLIENTELE_MALLOC PROPERTY STRINGS jemalloc system)
add_library(clt_malloc INTERFACE)
if(CLIENTELE_MALLOC STREQUAL "jemalloc")
  pkg_check_modules(JEMALLOC REQUIRED IMPORTED_TARGET jemalloc)
  target_link_libraries(clt_malloc INTERFACE PkgConfig::JEMALLOC)
elseif(NOT CLIENTELE_MALLOC STREQUAL "system")
  message(FATAL_ERROR "CLIENTELE_MALLOC must be jemalloc or system, not '${CLIENTELE_MALLOC}'")
endif()
add_library(clientele::malloc ALIAS clt_malloc)
