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
find_package(ICU REQUIRED COMPONENTS uc i18n)

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
