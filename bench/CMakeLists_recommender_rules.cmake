# recommender_groceries_bench: FP-Growth / rules on Groceries, similar items on Online Retail.
add_executable(recommender_groceries_bench
  ${CMAKE_CURRENT_LIST_DIR}/recommender_groceries_bench.cc)
target_link_libraries(recommender_groceries_bench PRIVATE clientele::recommender_rules
                      clientele::recommender_content
                      clientele::csv_reader absl::strings absl::flat_hash_map absl::flat_hash_set)
