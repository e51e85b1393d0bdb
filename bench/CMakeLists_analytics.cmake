# analytics_bench rfm|elbow|kmeans|scale ...: the C++ side of bench/analytics_bench.py.
add_executable(analytics_bench ${CMAKE_CURRENT_LIST_DIR}/analytics_bench.cc
                               ${CMAKE_CURRENT_LIST_DIR}/analytics_scale.cc)
target_link_libraries(analytics_bench PRIVATE clientele::customer_aggregate clientele::elbow
                      clientele::kmeans clientele::preprocessor clientele::rfm
                      clientele::clustering_parallel clientele::agglomerative clientele::importers
                      absl::str_format)
