# Included from tests/e2e/CMakeLists.txt: the analytics CLI commands against clienteled.
clt_cc_test(NAME analytics_cli_test
  SRCS ${CMAKE_CURRENT_LIST_DIR}/analytics_cli_test.cc
  DEPS clientele::testing nlohmann_json::nlohmann_json
  LABELS e2e analytics)
add_dependencies(analytics_cli_test clienteled clientele)
