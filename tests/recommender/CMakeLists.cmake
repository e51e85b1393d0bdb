# Tests of recommender/data, recommender/models and recommender/evaluation (included from
# tests/CMakeLists.txt; recommender/rules and content have CMakeLists_rules.cmake).
clt_cc_test(NAME recommender_dataset_test
  SRCS ${CMAKE_CURRENT_LIST_DIR}/data/dataset_builder_test.cc
  DEPS clientele::recommender_dataset clientele::testing
  LABELS unit recommender)

clt_cc_test(NAME recommender_models_test
  SRCS ${CMAKE_CURRENT_LIST_DIR}/models/popularity_model_test.cc
       ${CMAKE_CURRENT_LIST_DIR}/models/neighborhood_models_test.cc
       ${CMAKE_CURRENT_LIST_DIR}/models/ease_model_test.cc
       ${CMAKE_CURRENT_LIST_DIR}/models/svd_model_test.cc
       ${CMAKE_CURRENT_LIST_DIR}/models/recommender_model_test.cc
  DEPS clientele::recommender_models clientele::testing
  LABELS unit recommender)

clt_cc_test(NAME recommender_evaluation_test
  SRCS ${CMAKE_CURRENT_LIST_DIR}/evaluation/ranking_metrics_test.cc
       ${CMAKE_CURRENT_LIST_DIR}/evaluation/split_test.cc
       ${CMAKE_CURRENT_LIST_DIR}/evaluation/evaluate_test.cc
  DEPS clientele::recommender_evaluation clientele::testing
  LABELS unit recommender)
