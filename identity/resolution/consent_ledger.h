// The precedence rules of the consent ledger (docs/identity.md): a profile's current consent
// for a purpose derives from the ConsentEvents of all its member records. The event with the
// latest occurred_at wins; on equal times a revoke or deny beats a grant; among equally
// ranked events the one recorded last wins. So a grant that arrives late but happened before a
// revoke never overrides it.
//
//   std::vector<v1::ConsentState> now = CurrentConsents(events);
//
// Pure functions; thread-safe.
#ifndef CLIENTELE_IDENTITY_RESOLUTION_CONSENT_LEDGER_H_
#define CLIENTELE_IDENTITY_RESOLUTION_CONSENT_LEDGER_H_

#include <vector>

#include "absl/types/span.h"
#include "clientele/identity/v1/identity.pb.h"

namespace clientele::identity {

// True if `later` takes precedence over `earlier` for the same purpose. `later` must have
// been recorded after `earlier` (ledger order decides full ties).
bool ConsentOverrides(const v1::ConsentEvent& later, const v1::ConsentEvent& earlier);

// One state per purpose that has any event, ordered by purpose. `events` are in ledger
// (arrival) order; pointers are not retained.
std::vector<v1::ConsentState> CurrentConsents(absl::Span<const v1::ConsentEvent* const> events);

// The current status of `purpose`, CONSENT_STATUS_UNSPECIFIED if there is no event for it.
common::v1::ConsentStatus CurrentStatus(absl::Span<const v1::ConsentEvent* const> events,
                                        common::v1::ConsentPurpose purpose);

}  // namespace clientele::identity

#endif  // CLIENTELE_IDENTITY_RESOLUTION_CONSENT_LEDGER_H_
