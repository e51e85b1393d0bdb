# The wire-format walker that explains protobuf parse failures (issue 12, defect 10).
clt_cc_test(NAME wire_check_test
  SRCS ${CMAKE_CURRENT_LIST_DIR}/proto_check/wire_check_test.cc
  DEPS clientele::wire_check clientele::ingest_proto)
