# Unit tests of identity/matching and the febrl import format. Included from
# tests/identity/CMakeLists.cmake; paths are relative to this file.
set(CLT_MATCHING_TESTS ${CMAKE_CURRENT_LIST_DIR})

clt_cc_test(NAME identity_matching_test
  SRCS ${CLT_MATCHING_TESTS}/person_record_test.cc
       ${CLT_MATCHING_TESTS}/comparison_test.cc
       ${CLT_MATCHING_TESTS}/match_model_test.cc
       ${CLT_MATCHING_TESTS}/model_estimation_test.cc
       ${CLT_MATCHING_TESTS}/blocking_test.cc
       ${CLT_MATCHING_TESTS}/linkage_metrics_test.cc
       ${CLT_MATCHING_TESTS}/ascii_keys_test.cc
  DEPS clientele::identity_matching clientele::string_similarity)

clt_cc_test(NAME identity_febrl_importer_test
  SRCS ${CLT_MATCHING_TESTS}/febrl_importer_test.cc
  DEPS clientele::identity_matching clientele::importers)
