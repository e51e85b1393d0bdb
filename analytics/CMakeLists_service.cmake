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

clt_cc_library(NAME analytics_job_manager
  HDRS jobs/job_runner.h jobs/job_manager.h
  SRCS jobs/job_manager.cc
  DEPS clientele::analytics_store clientele::status absl::synchronization absl::time
       absl::strings absl::str_format absl::flat_hash_map spdlog::spdlog Threads::Threads)
