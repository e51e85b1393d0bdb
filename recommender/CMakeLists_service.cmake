# Included from recommender/CMakeLists.txt: the recommender service (state, log applier,
# serving snapshots, jobs) and its gRPC adapter. Only recommender_service links gRPC.

clt_cc_library(NAME recommender_store
  HDRS recommender_schema.h state/recommender_store.h
  SRCS state/recommender_store.cc
  DEPS clientele::recommender_proto clientele::common_proto clientele::kv_store
       clientele::key_encoding clientele::status absl::status absl::statusor absl::strings)

clt_cc_library(NAME recommender_applier
  HDRS recommender_applier.h
  SRCS recommender_applier.cc
  DEPS clientele::recommender_store clientele::log_applier clientele::status
       absl::flat_hash_map absl::synchronization)

# Immutable serving snapshots, their atomic holder and the read calls over them.
clt_cc_library(NAME recommender_serving
  HDRS serving/serving_snapshot.h serving/snapshot_holder.h serving/recommender_queries.h
  SRCS serving/serving_snapshot.cc serving/recommender_queries.cc
  DEPS clientele::recommender_models clientele::recommender_rules clientele::recommender_content
       clientele::recommender_proto clientele::status absl::flat_hash_map absl::flat_hash_set
       absl::synchronization absl::strings)
