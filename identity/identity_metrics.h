// Identity's Prometheus metrics, over a Resolver and the identity log applier:
//
//   clientele_identity_records                    gauge    source records (committed)
//   clientele_identity_profiles                   gauge    profiles (committed)
//   clientele_identity_decisions_total{action}    counter  resolution decisions committed, by
//       audit action: create, link, auto_merge, manual_merge, split, review, merge_blocked
//       (merges are auto_merge + manual_merge; review decisions are action="review")
//   clientele_identity_apply_seconds              histogram  time to resolve one log batch
//
//   IdentityMetrics metrics(&registry, resolver.get());
//   IdentityApplier applier(resolver.get(), metrics.apply_seconds());
//
// The gauges and the counter are read at scrape time from the Resolver's committed_* figures,
// which never wait for the resolver's lock. Thread-safe. `registry` and `resolver` must
// outlive this object; the destructor removes the scrape-time callbacks.
#ifndef CLIENTELE_IDENTITY_IDENTITY_METRICS_H_
#define CLIENTELE_IDENTITY_IDENTITY_METRICS_H_

#include "common/metrics/registry.h"
#include "identity/resolution/resolver.h"

namespace clientele::identity {

class IdentityMetrics {
 public:
  IdentityMetrics(metrics::Registry* registry, const Resolver* resolver);
  ~IdentityMetrics();
  IdentityMetrics(const IdentityMetrics&) = delete;
  IdentityMetrics& operator=(const IdentityMetrics&) = delete;

  // For IdentityApplier; owned by the registry.
  metrics::Histogram* apply_seconds() const { return apply_seconds_; }

  // "auto_merge" for AUDIT_ACTION_AUTO_MERGE: the label value of an action.
  static std::string ActionLabel(v1::AuditAction action);

 private:
  metrics::Registry* const registry_;
  metrics::Histogram* const apply_seconds_;
};

}  // namespace clientele::identity

#endif  // CLIENTELE_IDENTITY_IDENTITY_METRICS_H_
