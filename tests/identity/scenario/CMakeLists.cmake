# Tests of identity/scenario/ and `clientele gen` (included from tests/identity/CMakeLists.cmake).
clt_cc_test(NAME identity_scenario_test
  SRCS ${CMAKE_CURRENT_LIST_DIR}/noise_test.cc
       ${CMAKE_CURRENT_LIST_DIR}/event_json_test.cc
       ${CMAKE_CURRENT_LIST_DIR}/scenario_test.cc
       ${CMAKE_CURRENT_LIST_DIR}/online_retail_attach_test.cc
       ${CMAKE_CURRENT_LIST_DIR}/evidence_test.cc
       ${CMAKE_CURRENT_LIST_DIR}/scenario_test_util.h
  DEPS clientele::identity_scenario clientele::identity_normalize clientele::string_similarity
       clientele::importers clientele::testing)

clt_cc_test(NAME identity_gen_command_test
  SRCS ${CMAKE_CURRENT_LIST_DIR}/gen_command_test.cc
  DEPS clientele::testing nlohmann_json::nlohmann_json)
add_dependencies(identity_gen_command_test clienteled clientele)
