# identity_error_analysis: false negatives / positives of a resolution result on a generated
# scenario, by cause, channel pair and noise kind, and the recall ceiling of the evidence.
add_executable(identity_error_analysis ${CMAKE_CURRENT_LIST_DIR}/identity_error_analysis.cc)
target_link_libraries(identity_error_analysis PRIVATE clientele::identity_matching
  clientele::common_proto CLI11::CLI11 absl::strings absl::flat_hash_map absl::flat_hash_set)
