#include "common/version/version.h"

#ifndef CLIENTELE_VERSION
#error "CLIENTELE_VERSION is defined by common/version/CMakeLists.txt from project(VERSION)"
#endif

namespace clientele {

std::string_view Version() { return CLIENTELE_VERSION; }

}  // namespace clientele
