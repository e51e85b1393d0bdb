# Included from analytics/CMakeLists.txt: pure analytics algorithms (no gRPC, no I/O).

# Per-source-key order aggregate (notebook and net conventions), stored by the analytics service.
clt_cc_library(NAME customer_aggregate
  HDRS aggregates/customer_aggregate.h
  SRCS aggregates/customer_aggregate.cc
  DEPS clientele::rfm clientele::money clientele::common_proto absl::status absl::statusor
       absl::strings absl::time)
