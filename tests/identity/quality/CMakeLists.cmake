# Resolution quality cases across matching and resolution (households, bridges). Included
# from tests/identity/CMakeLists.cmake.
clt_cc_test(NAME identity_quality_test
  SRCS ${CMAKE_CURRENT_LIST_DIR}/household_bridge_test.cc
  DEPS clientele::identity_resolution clientele::rocksdb_store clientele::testing)
