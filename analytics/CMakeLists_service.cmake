# Included from analytics/CMakeLists.txt: the analytics service (state, log applier, jobs) and
# its gRPC adapter. Only analytics_service links gRPC.

clt_cc_library(NAME analytics_store
  HDRS analytics_schema.h state/analytics_store.h
  SRCS state/analytics_store.cc
  DEPS clientele::customer_aggregate clientele::analytics_proto clientele::common_proto
       clientele::kv_store clientele::key_encoding clientele::status absl::status absl::statusor
       absl::strings)

clt_cc_library(NAME analytics_applier
  HDRS analytics_applier.h
  SRCS analytics_applier.cc
  DEPS clientele::analytics_store clientele::log_applier clientele::status
       absl::flat_hash_map absl::time spdlog::spdlog)

# The shared job machinery (common/jobs) over the analytics spec/result messages and store.
clt_cc_library(NAME analytics_job_manager
  HDRS jobs/job_runner.h jobs/job_manager.h
  DEPS clientele::job_manager clientele::analytics_store clientele::analytics_proto
       clientele::status absl::flat_hash_map)

clt_cc_library(NAME analytics_jobs
  HDRS jobs/profile_directory.h jobs/profile_figures.h jobs/job_common.h jobs/feature_sets.h
       jobs/rfm_job.h jobs/recluster_job.h jobs/analytics_job_runner.h
  SRCS jobs/profile_figures.cc jobs/feature_sets.cc jobs/rfm_job.cc jobs/recluster_job.cc
       jobs/analytics_job_runner.cc
  DEPS clientele::analytics_job_manager clientele::analytics_applier clientele::analytics_store
       clientele::rfm clientele::rfm_reference clientele::preprocessor clientele::kmeans
       clientele::silhouette clientele::elbow clientele::pca clientele::cluster_profile
       clientele::agglomerative clientele::minibatch_kmeans
       clientele::clustering_random Eigen3::Eigen absl::flat_hash_map absl::strings absl::time)

clt_cc_library(NAME analytics_queries
  HDRS analytics_queries.h
  SRCS analytics_queries.cc
  DEPS clientele::analytics_jobs clientele::analytics_store clientele::preprocessor
       clientele::cluster_predictor clientele::rfm clientele::rfm_reference absl::strings)

# The gRPC adapter and the identity-backed profile directory (these link gRPC).
clt_cc_library(NAME analytics_service
  HDRS analytics_service.h identity_profile_directory.h
  SRCS analytics_service.cc identity_profile_directory.cc
  DEPS clientele::grpc_request_parsing clientele::analytics_queries clientele::analytics_jobs
       clientele::analytics_proto_grpc clientele::identity_proto_grpc clientele::grpc_status
       absl::time spdlog::spdlog)

# Hand-written SVG charts and the analytics report built from API messages (no I/O).
clt_cc_library(NAME svg_chart
  HDRS report/svg_chart.h
  SRCS report/svg_chart.cc
  DEPS absl::strings absl::str_format)

clt_cc_library(NAME analytics_report
  HDRS report/analytics_report.h
  SRCS report/analytics_report.cc
  DEPS clientele::svg_chart clientele::analytics_proto absl::strings absl::str_format)
