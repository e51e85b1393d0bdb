#include "common/metrics/build_info.h"

#include <string>

#include "common/version/version.h"

namespace clientele::metrics {

void RegisterBuildInfo(Registry* registry) {
  registry
      ->GetGauge(kBuildInfoMetric, "The version of Clientele this process runs; always 1.",
                 {{"version", std::string(Version())}})
      ->Set(1);
}

}  // namespace clientele::metrics
