# identity/resolution: incremental resolver over a KvStore, golden record, consent ledger.
# No gRPC (messages-only proto targets). Included from identity/CMakeLists.txt.
set(CLT_RESOLUTION_DIR ${CMAKE_CURRENT_LIST_DIR})

# Storage formats of the resolver's column families (internal, not an API).
clt_proto_library(NAME identity_state_proto ROOT ${CLT_RESOLUTION_DIR}/proto
  PROTOS clientele/identity/resolution/identity_state.proto
  DEPS clientele::common_proto)

clt_cc_library(NAME identity_resolution
  HDRS ${CLT_RESOLUTION_DIR}/identity_schema.h
       ${CLT_RESOLUTION_DIR}/record_matcher.h
       ${CLT_RESOLUTION_DIR}/fellegi_sunter_matcher.h
       ${CLT_RESOLUTION_DIR}/consent_ledger.h
       ${CLT_RESOLUTION_DIR}/golden_record.h
       ${CLT_RESOLUTION_DIR}/resolver.h
       ${CLT_RESOLUTION_DIR}/internal/resolver_keys.h
       ${CLT_RESOLUTION_DIR}/internal/blocking_index.h
       ${CLT_RESOLUTION_DIR}/internal/chunked_vector.h
       ${CLT_RESOLUTION_DIR}/internal/dense_id_map.h
  SRCS ${CLT_RESOLUTION_DIR}/fellegi_sunter_matcher.cc
       ${CLT_RESOLUTION_DIR}/consent_ledger.cc
       ${CLT_RESOLUTION_DIR}/golden_record.cc
       ${CLT_RESOLUTION_DIR}/resolver.cc
       ${CLT_RESOLUTION_DIR}/resolver_manual.cc
       ${CLT_RESOLUTION_DIR}/resolver_state.cc
       ${CLT_RESOLUTION_DIR}/resolver_queries.cc
  DEPS clientele::proto_time clientele::identity_matching clientele::identity_normalize clientele::identity_proto
       clientele::identity_state_proto clientele::common_proto clientele::kv_store
       clientele::key_encoding clientele::partitioning clientele::status absl::synchronization
       absl::time absl::strings absl::flat_hash_map absl::flat_hash_set absl::inlined_vector absl::span)
