# recommender_movielens_bench: the recommender models on MovieLens 100k (Recommenders protocol)
# and Online Retail (time split), plus Recommend latency. Reads ../shared/data; Release only.
add_executable(recommender_movielens_bench ${CMAKE_CURRENT_LIST_DIR}/recommender_movielens_bench.cc)
target_link_libraries(recommender_movielens_bench PRIVATE clientele::recommender_evaluation
                      clientele::recommender_models clientele::recommender_dataset
                      clientele::csv_reader CLI11::CLI11 absl::strings absl::time)
