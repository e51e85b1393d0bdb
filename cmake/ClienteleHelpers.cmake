# clt_cc_library / clt_cc_test / clt_cc_binary: one small target per concept,
# modelled on absl_cc_library. Libraries are exported as clientele::<name>.
#
#   clt_cc_library(NAME storage HDRS a.h SRCS a.cc DEPS absl::status)
#   clt_cc_test(NAME storage_test SRCS storage_test.cc DEPS clientele::storage)
include(GoogleTest)

function(clt_cc_library)
  cmake_parse_arguments(CLT "" "NAME" "HDRS;SRCS;DEPS" ${ARGN})
  if(CLT_SRCS)
    add_library(clt_${CLT_NAME} STATIC ${CLT_SRCS} ${CLT_HDRS})
    target_include_directories(clt_${CLT_NAME} PUBLIC ${PROJECT_SOURCE_DIR})
    target_link_libraries(clt_${CLT_NAME} PUBLIC ${CLT_DEPS})
  else()
    add_library(clt_${CLT_NAME} INTERFACE)
    target_include_directories(clt_${CLT_NAME} INTERFACE ${PROJECT_SOURCE_DIR})
    target_link_libraries(clt_${CLT_NAME} INTERFACE ${CLT_DEPS})
  endif()
  add_library(clientele::${CLT_NAME} ALIAS clt_${CLT_NAME})
endfunction()

# Tests labelled "concurrency" (LABELS concurrency) exercise threads: scripts/test
# --sanitize=thread builds only them (target concurrency_tests) and runs them under TSan
# (ctest -L concurrency).
add_custom_target(concurrency_tests)

function(clt_cc_test)
  cmake_parse_arguments(CLT "" "NAME" "SRCS;DEPS;LABELS" ${ARGN})
  add_executable(${CLT_NAME} ${CLT_SRCS})
  set_target_properties(${CLT_NAME} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)
  target_link_libraries(${CLT_NAME} PRIVATE ${CLT_DEPS} GTest::gmock GTest::gtest_main)
  if(CLIENTELE_SANITIZE STREQUAL "thread")  # common/testing/CMakeLists.txt
    target_link_libraries(${CLT_NAME} PRIVATE clt_tsan_absl_annotations)
  endif()
  target_compile_definitions(${CLT_NAME} PRIVATE
    CLT_TEST_DATA_DIR="${PROJECT_SOURCE_DIR}/tests/data"
    CLT_BIN_DIR="${CMAKE_BINARY_DIR}/bin")
  gtest_discover_tests(${CLT_NAME} DISCOVERY_TIMEOUT 60 PROPERTIES LABELS "${CLT_LABELS}")
  if("concurrency" IN_LIST CLT_LABELS)
    add_dependencies(concurrency_tests ${CLT_NAME})
  endif()
endfunction()

# clt_proto_library(NAME ingest_proto PROTOS clientele/ingest/v1/ingest.proto DEPS ...)
# Generates code for protos under proto/ (or ROOT) into the build tree. Two targets:
#   clientele::<NAME>       messages only (links protobuf, not gRPC: usable by domain libraries)
#   clientele::<NAME>_grpc  service stubs (links gRPC)
function(clt_proto_library)
  cmake_parse_arguments(CLT "" "NAME;ROOT" "PROTOS;DEPS" ${ARGN})
  if(NOT CLT_ROOT)
    set(CLT_ROOT ${PROJECT_SOURCE_DIR}/proto)
  endif()
  set(gen_dir ${PROJECT_BINARY_DIR}/gen)
  file(MAKE_DIRECTORY ${gen_dir})
  set(extra_paths)
  if(NOT CLT_ROOT STREQUAL "${PROJECT_SOURCE_DIR}/proto")
    set(extra_paths --proto_path=${PROJECT_SOURCE_DIR}/proto)
  endif()
  set(msg_srcs)
  set(grpc_srcs)
  foreach(rel ${CLT_PROTOS})
    string(REGEX REPLACE "\\.proto$" "" stem "${rel}")
    set(base ${gen_dir}/${stem})
    add_custom_command(
      OUTPUT ${base}.pb.cc ${base}.pb.h ${base}.grpc.pb.cc ${base}.grpc.pb.h
      COMMAND ${CLT_PROTOC} --proto_path=${CLT_ROOT} ${extra_paths}
              --proto_path=/usr/include
              --cpp_out=${gen_dir} --grpc_out=${gen_dir}
              --plugin=protoc-gen-grpc=${CLT_GRPC_PLUGIN} ${CLT_ROOT}/${rel}
      DEPENDS ${CLT_ROOT}/${rel} protobuf::protoc
      COMMENT "protoc ${rel}" VERBATIM)
    list(APPEND msg_srcs ${base}.pb.cc)
    list(APPEND grpc_srcs ${base}.grpc.pb.cc)
  endforeach()
  add_library(clt_${CLT_NAME} STATIC ${msg_srcs})
  target_include_directories(clt_${CLT_NAME} PUBLIC ${gen_dir})
  target_link_libraries(clt_${CLT_NAME} PUBLIC ${CLT_DEPS} protobuf::libprotobuf)
  add_library(clientele::${CLT_NAME} ALIAS clt_${CLT_NAME})
  set(grpc_deps)
  foreach(dep ${CLT_DEPS})
    list(APPEND grpc_deps ${dep}_grpc)
  endforeach()
  add_library(clt_${CLT_NAME}_grpc STATIC ${grpc_srcs})
  target_link_libraries(clt_${CLT_NAME}_grpc PUBLIC clt_${CLT_NAME} ${grpc_deps} gRPC::grpc++)
  add_library(clientele::${CLT_NAME}_grpc ALIAS clt_${CLT_NAME}_grpc)
endfunction()
