#include "identity/resolution/consent_ledger.h"

#include <map>
#include <tuple>

namespace clientele::identity {
namespace {

std::tuple<int64_t, int32_t> TimeOf(const v1::ConsentEvent& e) {
  return {e.occurred_at().seconds(), e.occurred_at().nanos()};
}

bool IsNegative(common::v1::ConsentStatus s) {
  return s == common::v1::CONSENT_STATUS_REVOKED || s == common::v1::CONSENT_STATUS_DENIED;
}

}  // namespace

bool ConsentOverrides(const v1::ConsentEvent& later, const v1::ConsentEvent& earlier) {
  if (TimeOf(later) != TimeOf(earlier)) return TimeOf(later) > TimeOf(earlier);
  // Same instant: a revoke or deny beats a grant, never the other way round.
  if (IsNegative(later.status()) != IsNegative(earlier.status())) {
    return IsNegative(later.status());
  }
  return true;  // Same time and weight: the one recorded last.
}

std::vector<v1::ConsentState> CurrentConsents(absl::Span<const v1::ConsentEvent* const> events) {
  std::map<int, const v1::ConsentEvent*> winner;
  for (const v1::ConsentEvent* e : events) {
    if (e->purpose() == common::v1::CONSENT_PURPOSE_UNSPECIFIED) continue;
    const v1::ConsentEvent*& w = winner[e->purpose()];
    if (w == nullptr || ConsentOverrides(*e, *w)) w = e;
  }
  std::vector<v1::ConsentState> out;
  out.reserve(winner.size());
  for (const auto& [purpose, e] : winner) {
    v1::ConsentState& s = out.emplace_back();
    s.set_purpose(e->purpose());
    s.set_status(e->status());
    *s.mutable_decided_by() = *e;
  }
  return out;
}

common::v1::ConsentStatus CurrentStatus(absl::Span<const v1::ConsentEvent* const> events,
                                        common::v1::ConsentPurpose purpose) {
  const v1::ConsentEvent* w = nullptr;
  for (const v1::ConsentEvent* e : events) {
    if (e->purpose() != purpose) continue;
    if (w == nullptr || ConsentOverrides(*e, *w)) w = e;
  }
  return w == nullptr ? common::v1::CONSENT_STATUS_UNSPECIFIED : w->status();
}

}  // namespace clientele::identity
