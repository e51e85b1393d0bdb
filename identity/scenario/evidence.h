// Record evidence: whether the records of one person can be linked from what they show.
//
// Two records of a person share evidence when they show the same e-mail (case and "+tag"
// aside), the same phone number (its last 10 digits, whatever the format), the same loyalty
// id, or a name together with the same birth date or the same street address. Real channels
// nearly always leave such a trail between a customer's accounts (a checkout asks for a phone
// or an e-mail; the loyalty card is scanned); records joined by a name alone are a coin toss
// for any linker (many people share a name). ConnectRecords makes the trail complete.
//
// Pure functions; thread-compatible.
#ifndef CLIENTELE_IDENTITY_SCENARIO_EVIDENCE_H_
#define CLIENTELE_IDENTITY_SCENARIO_EVIDENCE_H_

#include <string>
#include <vector>

#include "clientele/common/v1/event.pb.h"
#include "identity/scenario/person.h"

namespace clientele::identity::scenario {

// The evidence tokens of a record of `person` ("e:<email>", "p:<last 10 digits>",
// "l:<loyalty>", "nb:<birth date>", "na:<street>"): two records share evidence iff they
// share a token.
std::vector<std::string> EvidenceTokens(const Person& person,
                                        const common::v1::CustomerUpsert& record);

// Makes the records of `person` evidence-connected (every record reaches records[0] through
// records that share evidence): a record outside records[0]'s group gets an identifier that a
// record of the group shows (or, when the group shows none but relay addresses, gives one of
// its own to the group), preferring the person's own e-mail, mobile or loyalty id, an empty
// field over replacing a value, and phone over e-mail. Deterministic (no randomness).
// Returns the number of records changed. `shared` receives the household values (family
// e-mail, landline) that a change copied, for the hard-negative count.
int ConnectRecords(const Person& person, const std::vector<common::v1::CustomerUpsert*>& records,
                   std::vector<std::string>* shared);

}  // namespace clientele::identity::scenario

#endif  // CLIENTELE_IDENTITY_SCENARIO_EVIDENCE_H_
