# identity/matching: PersonRecord, blocking keys, comparison levels, Fellegi-Sunter model with
# EM, pairwise linkage metrics. Pure (messages-only proto target, no gRPC). Included from
# identity/CMakeLists.txt.
set(CLT_MATCHING_DIR ${CMAKE_CURRENT_LIST_DIR})
clt_cc_library(NAME identity_matching
  HDRS ${CLT_MATCHING_DIR}/person_record.h
       ${CLT_MATCHING_DIR}/blocking.h
       ${CLT_MATCHING_DIR}/comparison.h
       ${CLT_MATCHING_DIR}/match_model.h
       ${CLT_MATCHING_DIR}/model_estimation.h
       ${CLT_MATCHING_DIR}/linkage_metrics.h
       ${CLT_MATCHING_DIR}/internal/fast_similarity.h
       ${CLT_MATCHING_DIR}/internal/ascii_keys.h
  SRCS ${CLT_MATCHING_DIR}/person_record.cc
       ${CLT_MATCHING_DIR}/blocking.cc
       ${CLT_MATCHING_DIR}/comparison.cc
       ${CLT_MATCHING_DIR}/match_model.cc
       ${CLT_MATCHING_DIR}/model_estimation.cc
       ${CLT_MATCHING_DIR}/linkage_metrics.cc
       ${CLT_MATCHING_DIR}/internal/fast_similarity.cc
       ${CLT_MATCHING_DIR}/internal/ascii_keys.cc
  DEPS clientele::identity_normalize clientele::string_similarity clientele::common_proto
       absl::status absl::statusor absl::strings absl::time absl::flat_hash_map
       absl::flat_hash_set)
