# Unit tests for the analytics building blocks (included from tests/CMakeLists.txt).
clt_cc_test(NAME rfm_test
  SRCS ${CMAKE_CURRENT_LIST_DIR}/rfm_test.cc
  DEPS clientele::rfm clientele::testing absl::time
  LABELS unit analytics)

clt_cc_test(NAME standard_scaler_test
  SRCS ${CMAKE_CURRENT_LIST_DIR}/standard_scaler_test.cc
  DEPS clientele::standard_scaler clientele::testing
  LABELS unit analytics)

clt_cc_test(NAME distance_kernels_test
  SRCS ${CMAKE_CURRENT_LIST_DIR}/distance_kernels_test.cc
  DEPS clientele::distance_kernels clientele::clustering_random
  LABELS unit analytics)

clt_cc_test(NAME kmeans_test
  SRCS ${CMAKE_CURRENT_LIST_DIR}/kmeans_test.cc
  DEPS clientele::kmeans clientele::clustering_random clientele::testing
  LABELS unit analytics)

clt_cc_test(NAME silhouette_test
  SRCS ${CMAKE_CURRENT_LIST_DIR}/silhouette_test.cc
  DEPS clientele::silhouette clientele::kmeans clientele::clustering_random clientele::testing
  LABELS unit analytics)

clt_cc_test(NAME customer_aggregate_test
  SRCS ${CMAKE_CURRENT_LIST_DIR}/customer_aggregate_test.cc
  DEPS clientele::customer_aggregate clientele::testing absl::time
  LABELS unit analytics)

clt_cc_test(NAME preprocessor_test
  SRCS ${CMAKE_CURRENT_LIST_DIR}/preprocessor_test.cc
  DEPS clientele::preprocessor clientele::testing
  LABELS unit analytics)

clt_cc_test(NAME elbow_test
  SRCS ${CMAKE_CURRENT_LIST_DIR}/elbow_test.cc
  DEPS clientele::elbow clientele::silhouette clientele::clustering_random clientele::testing
  LABELS unit analytics)

clt_cc_test(NAME pca_test
  SRCS ${CMAKE_CURRENT_LIST_DIR}/pca_test.cc
  DEPS clientele::pca clientele::clustering_random clientele::testing
  LABELS unit analytics)

clt_cc_test(NAME cluster_profile_test
  SRCS ${CMAKE_CURRENT_LIST_DIR}/cluster_profile_test.cc
  DEPS clientele::cluster_profile clientele::testing
  LABELS unit analytics)

clt_cc_test(NAME rfm_reference_test
  SRCS ${CMAKE_CURRENT_LIST_DIR}/rfm_reference_test.cc
  DEPS clientele::rfm_reference clientele::clustering_random clientele::testing absl::time
  LABELS unit analytics)

clt_cc_test(NAME minibatch_kmeans_test
  SRCS ${CMAKE_CURRENT_LIST_DIR}/minibatch_kmeans_test.cc
  DEPS clientele::minibatch_kmeans clientele::kmeans clientele::clustering_random
       clientele::testing
  LABELS unit analytics)

clt_cc_test(NAME agglomerative_test
  SRCS ${CMAKE_CURRENT_LIST_DIR}/agglomerative_test.cc
  DEPS clientele::agglomerative clientele::clustering_random clientele::testing
  LABELS unit analytics)

clt_cc_test(NAME cluster_predictor_test
  SRCS ${CMAKE_CURRENT_LIST_DIR}/cluster_predictor_test.cc
  DEPS clientele::cluster_predictor clientele::kmeans clientele::testing
  LABELS unit analytics)
