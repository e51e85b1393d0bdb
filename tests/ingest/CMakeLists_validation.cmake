# Tests of ingest/validation and common/text/utf8 (included from tests/CMakeLists.txt).
set(clt_validation_test_dir ${CMAKE_CURRENT_LIST_DIR}/validation)

clt_cc_test(NAME utf8_test
  SRCS ${clt_validation_test_dir}/utf8_test.cc
  DEPS clientele::utf8)

clt_cc_test(NAME event_validator_test
  SRCS ${clt_validation_test_dir}/event_validator_test.cc
       ${clt_validation_test_dir}/order_validation_test.cc
       ${clt_validation_test_dir}/customer_validation_test.cc
  DEPS clientele::event_validation clientele::partitioning absl::time)

# Replaces the global operator new, so it is a binary of its own.
clt_cc_test(NAME event_validator_alloc_test
  SRCS ${clt_validation_test_dir}/event_validator_alloc_test.cc
  DEPS clientele::event_validation absl::time)

# The validator's money bounds against analytics' exact sums.
clt_cc_test(NAME money_bounds_test
  SRCS ${clt_validation_test_dir}/money_bounds_test.cc
  DEPS clientele::event_validation clientele::customer_aggregate absl::time)
