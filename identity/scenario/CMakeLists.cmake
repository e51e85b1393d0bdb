# Omnichannel identity scenario generator (`clientele gen`): people, noisy channel records,
# consents and Online Retail orders as events, plus ground truth. A pure library: no gRPC.
# Included from identity/CMakeLists.txt.
clt_cc_library(NAME identity_scenario
  HDRS ${CMAKE_CURRENT_LIST_DIR}/rng.h
       ${CMAKE_CURRENT_LIST_DIR}/pools.h
       ${CMAKE_CURRENT_LIST_DIR}/noise.h
       ${CMAKE_CURRENT_LIST_DIR}/person.h
       ${CMAKE_CURRENT_LIST_DIR}/channels.h
       ${CMAKE_CURRENT_LIST_DIR}/evidence.h
       ${CMAKE_CURRENT_LIST_DIR}/event_json.h
       ${CMAKE_CURRENT_LIST_DIR}/online_retail_source.h
       ${CMAKE_CURRENT_LIST_DIR}/scenario.h
       ${CMAKE_CURRENT_LIST_DIR}/cat.h
  SRCS ${CMAKE_CURRENT_LIST_DIR}/pools.cc
       ${CMAKE_CURRENT_LIST_DIR}/noise.cc
       ${CMAKE_CURRENT_LIST_DIR}/person.cc
       ${CMAKE_CURRENT_LIST_DIR}/channels.cc
       ${CMAKE_CURRENT_LIST_DIR}/evidence.cc
       ${CMAKE_CURRENT_LIST_DIR}/event_json.cc
       ${CMAKE_CURRENT_LIST_DIR}/online_retail_source.cc
       ${CMAKE_CURRENT_LIST_DIR}/scenario.cc
  DEPS clientele::proto_time clientele::common_proto clientele::importers absl::status absl::statusor absl::strings
       absl::time absl::flat_hash_map absl::flat_hash_set absl::span Threads::Threads)
