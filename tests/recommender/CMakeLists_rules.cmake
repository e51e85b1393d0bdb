# Tests of recommender/rules/ and recommender/content/ (included from tests/CMakeLists.txt;
# tests/recommender/CMakeLists.cmake belongs to the models part).
clt_cc_test(NAME recommender_rules_test
  SRCS ${CMAKE_CURRENT_LIST_DIR}/rules/fp_growth_test.cc
       ${CMAKE_CURRENT_LIST_DIR}/rules/association_rules_test.cc
       ${CMAKE_CURRENT_LIST_DIR}/rules/basket_completer_test.cc
       ${CMAKE_CURRENT_LIST_DIR}/rules/basket_text_test.cc
       ${CMAKE_CURRENT_LIST_DIR}/rules/groceries_test.cc
       ${CMAKE_CURRENT_LIST_DIR}/rules/brute_force_itemsets.h
  DEPS clientele::recommender_rules clientele::testing)

clt_cc_test(NAME recommender_content_test
  SRCS ${CMAKE_CURRENT_LIST_DIR}/content/text_tokenizer_test.cc
       ${CMAKE_CURRENT_LIST_DIR}/content/tfidf_test.cc
       ${CMAKE_CURRENT_LIST_DIR}/content/item_similarity_index_test.cc
  DEPS clientele::recommender_content clientele::testing)
