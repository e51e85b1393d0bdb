# Unit tests for identity/ (included from tests/CMakeLists.txt).
clt_cc_test(NAME identity_normalize_test
  SRCS ${CMAKE_CURRENT_LIST_DIR}/normalize/email_test.cc
       ${CMAKE_CURRENT_LIST_DIR}/normalize/phone_test.cc
       ${CMAKE_CURRENT_LIST_DIR}/normalize/name_test.cc
       ${CMAKE_CURRENT_LIST_DIR}/normalize/address_test.cc
       ${CMAKE_CURRENT_LIST_DIR}/normalize/robustness_test.cc
  DEPS clientele::identity_normalize)

clt_cc_test(NAME identity_string_similarity_test
  SRCS ${CMAKE_CURRENT_LIST_DIR}/similarity/string_similarity_test.cc
  DEPS clientele::string_similarity)

include(${CMAKE_CURRENT_LIST_DIR}/scenario/CMakeLists.cmake)

include(${CMAKE_CURRENT_LIST_DIR}/resolution/CMakeLists.cmake)

include(${CMAKE_CURRENT_LIST_DIR}/matching/CMakeLists.cmake)

include(${CMAKE_CURRENT_LIST_DIR}/quality/CMakeLists.cmake)

include(${CMAKE_CURRENT_LIST_DIR}/client/CMakeLists.cmake)
