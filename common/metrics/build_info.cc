#include "common/metrics/build_info.h"

#include "common/version/version.h"

namespace clientele::metrics {

void RegisterBuildInfo(Registry* registry) {
  registry
      ->GetGauge(kBuildInfoMetric, "The version of Clientele this process runs; always 1.",
                 {{"version", kVersion}})
      ->Set(1);
}

}  // namespace clientele::metrics
