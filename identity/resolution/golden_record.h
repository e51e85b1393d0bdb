// The golden record of a profile: per attribute, the surviving value among the member records,
// chosen by a configurable survivorship rule, with its lineage (which source record, when,
// through which channel, by which rule).
//
//   SurvivorshipConfig config;                        // defaults: see DefaultSurvivorship()
//   config.rules["phone"] = SurvivorshipRule::kMostTrustedChannel;
//   v1::GoldenRecord golden = BuildGoldenRecord(members, config);
//
// Attributes: email, phone, loyalty_id, national_id_hash, given_name, family_name, full_name,
// birth_date, gender, address (as a whole), and "attributes.<key>" for each typed attribute.
// Pure; thread-safe.
#ifndef CLIENTELE_IDENTITY_RESOLUTION_GOLDEN_RECORD_H_
#define CLIENTELE_IDENTITY_RESOLUTION_GOLDEN_RECORD_H_

#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "clientele/identity/resolution/identity_state.pb.h"
#include "clientele/identity/v1/identity.pb.h"

namespace clientele::identity {

enum class SurvivorshipRule {
  kMostRecent,          // The value set last (event time); ties: smaller source key.
  kMostTrustedChannel,  // From the most trusted channel (SurvivorshipConfig::channel_trust).
  kMostFrequent,        // The value most members agree on.
  kMostComplete,        // The longest value (address: the most parts filled in).
};
// Every rule breaks its ties by recency, then by source key, so the result is deterministic.

struct SurvivorshipConfig {
  // Rule per attribute name ("email", ..., "attributes.<key>"); others use default_rule.
  absl::flat_hash_map<std::string, SurvivorshipRule> rules;
  SurvivorshipRule default_rule = SurvivorshipRule::kMostRecent;
  // Most trusted first; channels not listed rank after all listed ones.
  std::vector<common::v1::Channel> channel_trust = {
      common::v1::CHANNEL_STORE_POS,   common::v1::CHANNEL_CALL_CENTER,
      common::v1::CHANNEL_ONLINE_SHOP, common::v1::CHANNEL_MOBILE_APP,
      common::v1::CHANNEL_MARKETPLACE, common::v1::CHANNEL_OTHER};
};

// most_recent for contact points, most_frequent for names/birth date/gender, most_complete
// for full_name and address, most_trusted_channel for national_id_hash.
SurvivorshipConfig DefaultSurvivorship();

// "most_recent", ... (as in AttributeLineage.rule); ParseSurvivorshipRule is its inverse
// (InvalidArgument naming the text otherwise).
std::string SurvivorshipRuleName(SurvivorshipRule rule);
absl::StatusOr<SurvivorshipRule> ParseSurvivorshipRule(const std::string& name);

// The golden record of `members` (pointers not retained; order does not matter).
v1::GoldenRecord BuildGoldenRecord(absl::Span<const resolution::StoredRecord* const> members,
                                   const SurvivorshipConfig& config);

}  // namespace clientele::identity

#endif  // CLIENTELE_IDENTITY_RESOLUTION_GOLDEN_RECORD_H_
