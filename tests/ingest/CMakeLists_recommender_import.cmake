# Tests of the recommender's import formats (baskets, movielens) in ingest/import.
# Included from tests/CMakeLists.txt.
set(CLT_REC_IMPORT_TESTS ${CMAKE_CURRENT_LIST_DIR}/import)

clt_cc_test(NAME baskets_importer_test
  SRCS ${CLT_REC_IMPORT_TESTS}/baskets_importer_test.cc ${CLT_REC_IMPORT_TESTS}/import_test_util.h
  DEPS clientele::importers)

clt_cc_test(NAME movielens_importer_test
  SRCS ${CLT_REC_IMPORT_TESTS}/movielens_importer_test.cc
       ${CLT_REC_IMPORT_TESTS}/import_test_util.h
  DEPS clientele::importers)
