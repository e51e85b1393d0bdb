# Damaged input files through the CLI (issue 12: stray quotes, binary headers).
clt_cc_test(NAME import_input_test
  SRCS ${CMAKE_CURRENT_LIST_DIR}/import_input_test.cc
  DEPS clientele::testing nlohmann_json::nlohmann_json)
add_dependencies(import_input_test clienteled clientele)
