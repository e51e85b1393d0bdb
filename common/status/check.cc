#include <cstdio>
#include <cstdlib>

#include "common/status/status_macros.h"

namespace clientele::internal {

void CheckFailed(const char* file, int line, const char* condition) {
  std::fprintf(stderr, "%s:%d: CLT_CHECK failed: %s\n", file, line, condition);
  std::fflush(stderr);
  std::abort();
}

}  // namespace clientele::internal
