# identity_febrl_bench [DATA_DIR] [DATASETS]: FEBRL 1-3 deduplication with estimated weights.
add_executable(identity_febrl_bench ${CMAKE_CURRENT_LIST_DIR}/identity_febrl_bench.cc)
target_link_libraries(identity_febrl_bench PRIVATE clientele::identity_matching clientele::importers)

# phone_normalize_bench [N]: NormalizePhoneE164 per call, "+90…" (no parse) vs parsed spelling.
add_executable(phone_normalize_bench ${CMAKE_CURRENT_LIST_DIR}/phone_normalize_bench.cc)
target_link_libraries(phone_normalize_bench PRIVATE clientele::identity_normalize)
