# Included from tests/e2e/CMakeLists.txt: the recommender CLI commands against clienteled.
clt_cc_test(NAME recommender_cli_test
  SRCS ${CMAKE_CURRENT_LIST_DIR}/recommender_cli_test.cc
  DEPS clientele::testing nlohmann_json::nlohmann_json
  LABELS e2e recommender)
add_dependencies(recommender_cli_test clienteled clientele)
