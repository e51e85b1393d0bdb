// clientele_build_info{version="0.1.0"} 1: the version a server runs, as a gauge to join
// other series on (`... * on(instance) group_left(version) clientele_build_info`).
//
//   metrics::RegisterBuildInfo(&registry);  // GrpcServer::Start does it for every server.
#ifndef CLIENTELE_COMMON_METRICS_BUILD_INFO_H_
#define CLIENTELE_COMMON_METRICS_BUILD_INFO_H_

#include "common/metrics/registry.h"

namespace clientele::metrics {

inline constexpr char kBuildInfoMetric[] = "clientele_build_info";

// Sets the series to 1 (idempotent). `registry` is not owned.
void RegisterBuildInfo(Registry* registry);

}  // namespace clientele::metrics

#endif  // CLIENTELE_COMMON_METRICS_BUILD_INFO_H_
