// The channels (source systems) of a scenario and what each records about a person.
//
// Each system knows a different subset of identifiers, with its own habits:
//   web_shop      e-mail + name, often address, sometimes phone, birth date, gender
//   pos           phone + name (often in capitals, Turkish letters in ASCII), loyalty card
//   mobile_app    e-mail and/or phone + loyalty id, name, often birth date
//   call_center   phone + a name spelt over the phone (typos), sometimes birth date
//   marketplace   full name + delivery address, a relay e-mail, sometimes phone
//   online_retail the Online Retail data set's customers (e-mail + name, country), when
//                 people are attached to them
// Thread-safe: functions only read their arguments and static data.
#ifndef CLIENTELE_IDENTITY_SCENARIO_CHANNELS_H_
#define CLIENTELE_IDENTITY_SCENARIO_CHANNELS_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "clientele/common/v1/event.pb.h"
#include "identity/scenario/noise.h"
#include "identity/scenario/person.h"
#include "identity/scenario/rng.h"

namespace clientele::identity::scenario {

enum class System : int {
  kWebShop,
  kPos,
  kMobileApp,
  kCallCenter,
  kMarketplace,
  kOnlineRetail,
  kCount
};

// SourceKey.system of records of `system`: "web_shop", "pos", "mobile_app", "call_center",
// "marketplace", "online_retail".
std::string_view SystemName(System system);
common::v1::Channel ChannelOf(System system);

// A system for a new generated record (not online_retail), by typical channel shares.
System RandomSystem(Rng& rng);

// The id of the `ordinal`-th record (0..15) of person `person_index` in `system` (not
// online_retail): unique per system for fewer than 60 million people, and looking like the
// system's own ids ("WS4820193746", "POS501238847", a 16-hex-digit app id, "CC..." ...).
std::string RecordId(System system, int64_t person_index, int ordinal, uint64_t seed);

// Fills `out` with what `system` records about `person`, with noise scaled by `noise`
// (0 = none, 1 = the default rates). Counts every kind of noise applied (at most once per
// kind) in `counts`. `relay_id` makes marketplace relay addresses unique.
void RenderCustomer(const Person& person, System system, double noise, std::string_view relay_id,
                    Rng& rng, common::v1::CustomerUpsert* out, NoiseCounts* counts);

}  // namespace clientele::identity::scenario

#endif  // CLIENTELE_IDENTITY_SCENARIO_CHANNELS_H_
