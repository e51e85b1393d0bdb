# Included from analytics/CMakeLists.txt: pure analytics algorithms (no gRPC, no I/O).

# Per-source-key order aggregate (notebook and net conventions), stored by the analytics service.
clt_cc_library(NAME customer_aggregate
  HDRS aggregates/customer_aggregate.h
  SRCS aggregates/customer_aggregate.cc
  DEPS clientele::rfm clientele::money clientele::common_proto absl::status absl::statusor
       absl::strings absl::time)

# Feature preparation: log1p, median imputation, one-hot, standardisation; fitted and storable.
clt_cc_library(NAME preprocessor
  HDRS features/preprocessor.h
  SRCS features/preprocessor.cc
  DEPS Eigen3::Eigen absl::status absl::statusor absl::strings absl::flat_hash_map
       absl::flat_hash_set)

# ParallelChunks: deterministic chunked parallel-for for the clustering code (header only).
clt_cc_library(NAME clustering_parallel
  HDRS clustering/internal/parallel.h
  DEPS Threads::Threads)

# Elbow (inertia per k), silhouette per k (exact or sampled) and a suggested k.
clt_cc_library(NAME elbow
  HDRS clustering/elbow.h
  SRCS clustering/elbow.cc
  DEPS clientele::kmeans clientele::silhouette clientele::clustering_parallel Eigen3::Eigen
       absl::status absl::statusor absl::strings)

# Scoring a new customer against a scored reference population (RFM prediction).
clt_cc_library(NAME rfm_reference
  HDRS rfm/rfm_reference.h
  SRCS rfm/rfm_reference.cc
  DEPS clientele::rfm absl::status absl::statusor absl::strings absl::time)

# PCA to 2 (or c) components with explained variance ratio.
clt_cc_library(NAME pca
  HDRS clustering/pca.h
  SRCS clustering/pca.cc
  DEPS Eigen3::Eigen absl::status absl::statusor absl::strings)

# Cluster profiles in the original features: size, means, top categories.
clt_cc_library(NAME cluster_profile
  HDRS clustering/cluster_profile.h
  SRCS clustering/cluster_profile.cc
  DEPS clientele::preprocessor absl::status absl::statusor absl::strings absl::flat_hash_map)

# Mini-batch k-means for large n.
clt_cc_library(NAME minibatch_kmeans
  HDRS clustering/minibatch_kmeans.h
  SRCS clustering/minibatch_kmeans.cc
  DEPS clientele::kmeans clientele::clustering_random Eigen3::Eigen absl::status absl::statusor
       absl::strings)

# Agglomerative clustering, Ward linkage (nearest-neighbour chain on centroids), exact.
clt_cc_library(NAME agglomerative
  HDRS clustering/agglomerative.h
  SRCS clustering/agglomerative.cc
  DEPS Eigen3::Eigen absl::status absl::statusor absl::strings)

# Cluster of a new customer: Preprocessor row transform + nearest centroid.
clt_cc_library(NAME cluster_predictor
  HDRS clustering/cluster_predictor.h
  SRCS clustering/cluster_predictor.cc
  DEPS clientele::preprocessor Eigen3::Eigen absl::status absl::statusor absl::strings)
