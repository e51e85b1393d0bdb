# The identity CLI against a real clienteled (included from tests/e2e/CMakeLists.txt).
clt_cc_test(NAME identity_cli_test
  SRCS ${CMAKE_CURRENT_LIST_DIR}/identity_cli_test.cc
  DEPS clientele::testing nlohmann_json::nlohmann_json)
add_dependencies(identity_cli_test clienteled clientele)
