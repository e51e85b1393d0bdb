# Sanitizer builds (scripts/test --sanitize=...). CLIENTELE_SANITIZE is empty for a normal build,
# "address,undefined" (ASan+UBSan) or "thread" (TSan); the flags apply to every target, at compile
# and at link. Debian's gRPC, protobuf, abseil and RocksDB stay uninstrumented: ASan and UBSan
# need nothing from them; TSan needs the suppressions in tests/tsan.supp (TSAN_OPTIONS) and the
# absl::Mutex annotations in common/testing/tsan/ (linked into every test, see clt_cc_test).
# A sanitizer build uses glibc malloc (CLIENTELE_MALLOC=system): the sanitizers replace malloc.
set(CLIENTELE_SANITIZE "" CACHE STRING "Sanitizers: empty, address,undefined or thread")
set_property(CACHE CLIENTELE_SANITIZE PROPERTY STRINGS "" "address,undefined" "thread")

if(CLIENTELE_SANITIZE STREQUAL "address,undefined")
  set(clt_sanitize_flags -fsanitize=address,undefined -fno-sanitize-recover=undefined)
elseif(CLIENTELE_SANITIZE STREQUAL "thread")
  set(clt_sanitize_flags -fsanitize=thread)
  # Debian's libprotobuf is built without TSan, and protobuf's map_field.h gives MapFieldBase two
  # more members when __SANITIZE_THREAD__ is defined: code compiled with it disagrees with the
  # library on the layout of every message with a map field (the log consumer crashed in an
  # arena's destructor). So the headers must not see it; libstdc++'s TSan mode (shared_ptr's
  # release) is kept by defining its own macro.
  add_compile_options(-U__SANITIZE_THREAD__ -D_GLIBCXX_TSAN=1)
elseif(NOT CLIENTELE_SANITIZE STREQUAL "")
  message(FATAL_ERROR
    "CLIENTELE_SANITIZE must be empty, address,undefined or thread, not '${CLIENTELE_SANITIZE}'")
endif()

if(CLIENTELE_SANITIZE)
  list(APPEND clt_sanitize_flags -fno-omit-frame-pointer)
  add_compile_options(${clt_sanitize_flags})
  add_link_options(${clt_sanitize_flags})
  # Sanitizers replace malloc; jemalloc would bypass them (CLIENTELE_MALLOC, see
  # ClienteleDependencies.cmake).
  set(CLIENTELE_MALLOC "system" CACHE STRING "Allocator of clienteled and the tools: jemalloc or system")
  if(NOT CLIENTELE_MALLOC STREQUAL "system")
    message(FATAL_ERROR "CLIENTELE_SANITIZE=${CLIENTELE_SANITIZE} needs CLIENTELE_MALLOC=system")
  endif()
endif()
