#include "identity/identity_metrics.h"

#include <string>

#include "absl/strings/ascii.h"

namespace clientele::identity {
namespace {

constexpr char kRecords[] = "clientele_identity_records";
constexpr char kProfiles[] = "clientele_identity_profiles";
constexpr char kDecisions[] = "clientele_identity_decisions_total";
constexpr char kDecisionsHelp[] =
    "Resolution decisions committed, by audit action (automatic and manual).";

// Every action but UNSPECIFIED.
std::vector<v1::AuditAction> Actions() {
  std::vector<v1::AuditAction> actions;
  for (int a = v1::AuditAction_MIN; a <= v1::AuditAction_MAX; ++a) {
    if (v1::AuditAction_IsValid(a) && a != v1::AUDIT_ACTION_UNSPECIFIED) {
      actions.push_back(static_cast<v1::AuditAction>(a));
    }
  }
  return actions;
}

}  // namespace

std::string IdentityMetrics::ActionLabel(v1::AuditAction action) {
  constexpr std::string_view kPrefix = "AUDIT_ACTION_";
  std::string name = v1::AuditAction_Name(action);
  if (name.rfind(kPrefix, 0) == 0) name.erase(0, kPrefix.size());
  return absl::AsciiStrToLower(name);
}

IdentityMetrics::IdentityMetrics(metrics::Registry* registry, const Resolver* resolver)
    : registry_(registry),
      apply_seconds_(
          registry->GetHistogram("clientele_identity_apply_seconds",
                                 "Time to resolve one batch of log entries (before it is written).",
                                 metrics::LatencyBucketsSeconds())) {
  registry->AddGaugeCallback(
      kRecords, "Source records known to identity (committed).", {},
      [resolver] { return static_cast<double>(resolver->committed_records()); });
  registry->AddGaugeCallback(kProfiles, "Profiles (committed).", {}, [resolver] {
    return static_cast<double>(resolver->committed_profiles());
  });
  for (v1::AuditAction action : Actions()) {
    registry->AddCounterCallback(
        kDecisions, kDecisionsHelp, {{"action", ActionLabel(action)}},
        [resolver, action] { return static_cast<double>(resolver->committed_decisions(action)); });
  }
}

IdentityMetrics::~IdentityMetrics() {
  registry_->RemoveGaugeCallback(kRecords, {});
  registry_->RemoveGaugeCallback(kProfiles, {});
  for (v1::AuditAction action : Actions()) {
    registry_->RemoveCounterCallback(kDecisions, {{"action", ActionLabel(action)}});
  }
}

}  // namespace clientele::identity
