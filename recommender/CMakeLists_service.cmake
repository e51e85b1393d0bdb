# Included from recommender/CMakeLists.txt: the recommender service (state, log applier,
# serving snapshots, jobs) and its gRPC adapter. Only recommender_service links gRPC.

clt_cc_library(NAME recommender_store
  HDRS recommender_schema.h state/recommender_store.h state/item_vectors.h
  SRCS state/recommender_store.cc state/item_vectors.cc
  DEPS clientele::recommender_proto clientele::common_proto clientele::kv_store
       clientele::key_encoding clientele::source_key clientele::status absl::status
       absl::statusor absl::strings)

clt_cc_library(NAME recommender_applier
  HDRS recommender_applier.h
  SRCS recommender_applier.cc
  DEPS clientele::proto_time clientele::recommender_store clientele::log_applier clientele::status
       absl::flat_hash_map absl::synchronization)

# Immutable serving snapshots, their atomic holder and the read calls over them.
clt_cc_library(NAME recommender_serving
  HDRS serving/serving_snapshot.h serving/snapshot_holder.h serving/recommender_queries.h
  SRCS serving/serving_snapshot.cc serving/recommender_queries.cc
  DEPS clientele::recommender_models clientele::recommender_rules clientele::recommender_content
       clientele::recommender_proto clientele::source_key clientele::status absl::flat_hash_map
       absl::flat_hash_set absl::synchronization absl::strings)

# Train and Evaluate jobs on the shared job machinery, and model versions in the store.
clt_cc_library(NAME recommender_jobs
  HDRS jobs/recommender_jobs.h jobs/training_data.h jobs/model_versions.h jobs/train_job.h
       jobs/evaluate_job.h jobs/recommender_job_runner.h
  SRCS jobs/training_data.cc jobs/model_versions.cc jobs/train_job.cc jobs/evaluate_job.cc
       jobs/recommender_job_runner.cc
  DEPS clientele::proto_time clientele::recommender_serving clientele::recommender_store clientele::job_manager
       clientele::recommender_dataset clientele::recommender_models
       clientele::recommender_evaluation clientele::recommender_rules
       clientele::recommender_content clientele::customer_aggregate clientele::rfm absl::strings
       absl::time)

# The gRPC adapter (links gRPC).
clt_cc_library(NAME recommender_service
  HDRS recommender_service.h
  SRCS recommender_service.cc
  DEPS clientele::grpc_request_parsing clientele::recommender_jobs clientele::recommender_serving clientele::recommender_store
       clientele::recommender_proto_grpc clientele::grpc_status)
