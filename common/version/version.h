// The version of this build of Clientele. Its one source is the VERSION of project() in the
// top-level CMakeLists.txt, compiled into version.cc; every binary and the metrics use it.
#ifndef CLIENTELE_COMMON_VERSION_VERSION_H_
#define CLIENTELE_COMMON_VERSION_VERSION_H_

#include <string_view>

namespace clientele {

// "MAJOR.MINOR.PATCH", e.g. "0.1.0". Thread-safe (a constant).
std::string_view Version();

}  // namespace clientele

#endif  // CLIENTELE_COMMON_VERSION_VERSION_H_
