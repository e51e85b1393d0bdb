# Unit tests of the CSV reader (common/text) and the bulk-file importers (ingest/import).
# Included from tests/CMakeLists.txt; paths are relative to this file.
set(CLT_IMPORT_TESTS ${CMAKE_CURRENT_LIST_DIR}/import)
set(CLT_TEXT_TESTS ${CMAKE_CURRENT_LIST_DIR}/../common/text)

clt_cc_test(NAME csv_reader_test
  SRCS ${CLT_TEXT_TESTS}/csv_reader_test.cc
  DEPS clientele::csv_reader)

clt_cc_test(NAME terminal_escape_test
  SRCS ${CLT_TEXT_TESTS}/terminal_escape_test.cc
  DEPS clientele::terminal_escape)

clt_cc_test(NAME import_util_test
  SRCS ${CLT_IMPORT_TESTS}/import_util_test.cc
  DEPS clientele::importers clientele::utf8)

clt_cc_test(NAME importer_test
  SRCS ${CLT_IMPORT_TESTS}/importer_test.cc ${CLT_IMPORT_TESTS}/import_test_util.h
  DEPS clientele::importers clientele::utf8)

clt_cc_test(NAME online_retail_importer_test
  SRCS ${CLT_IMPORT_TESTS}/online_retail_importer_test.cc ${CLT_IMPORT_TESTS}/import_test_util.h
  DEPS clientele::importers clientele::utf8)

clt_cc_test(NAME marketing_campaign_importer_test
  SRCS ${CLT_IMPORT_TESTS}/marketing_campaign_importer_test.cc
       ${CLT_IMPORT_TESTS}/import_test_util.h
  DEPS clientele::importers clientele::utf8)

clt_cc_test(NAME events_jsonl_importer_test
  SRCS ${CLT_IMPORT_TESTS}/events_jsonl_importer_test.cc ${CLT_IMPORT_TESTS}/import_test_util.h
  DEPS clientele::importers clientele::utf8)

clt_cc_test(NAME fast_json_parser_test
  SRCS ${CLT_IMPORT_TESTS}/fast_json_parser_test.cc
  DEPS clientele::importers)
