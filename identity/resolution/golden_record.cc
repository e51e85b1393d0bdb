#include "identity/resolution/golden_record.h"

#include <algorithm>
#include <functional>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/source_key/source_key.h"
#include "common/time/proto_time.h"

namespace clientele::identity {
namespace {

using common::v1::CustomerUpsert;
using resolution::StoredRecord;

// How to read and copy one attribute of a CustomerUpsert.
struct Attribute {
  std::string name;
  std::function<bool(const CustomerUpsert&)> has;
  std::function<std::string(const CustomerUpsert&)> key;  // For equality (most_frequent).
  std::function<size_t(const CustomerUpsert&)> completeness;
  std::function<void(const CustomerUpsert&, CustomerUpsert*)> copy;
};

Attribute StringAttribute(std::string name, const std::string& (CustomerUpsert::*get)() const,
                          void (CustomerUpsert::*set)(const std::string&)) {
  return {
      std::move(name), [get](const CustomerUpsert& u) { return !(u.*get)().empty(); },
      [get](const CustomerUpsert& u) { return (u.*get)(); },
      [get](const CustomerUpsert& u) { return (u.*get)().size(); },
      [get, set](const CustomerUpsert& from, CustomerUpsert* to) { (to->*set)((from.*get)()); }};
}

std::vector<Attribute> FixedAttributes() {
  std::vector<Attribute> a;
  a.push_back(StringAttribute("email", &CustomerUpsert::email, &CustomerUpsert::set_email));
  a.push_back(StringAttribute("phone", &CustomerUpsert::phone, &CustomerUpsert::set_phone));
  a.push_back(
      StringAttribute("loyalty_id", &CustomerUpsert::loyalty_id, &CustomerUpsert::set_loyalty_id));
  a.push_back(StringAttribute("national_id_hash", &CustomerUpsert::national_id_hash,
                              &CustomerUpsert::set_national_id_hash));
  a.push_back(
      StringAttribute("given_name", &CustomerUpsert::given_name, &CustomerUpsert::set_given_name));
  a.push_back(StringAttribute("family_name", &CustomerUpsert::family_name,
                              &CustomerUpsert::set_family_name));
  a.push_back(
      StringAttribute("full_name", &CustomerUpsert::full_name, &CustomerUpsert::set_full_name));
  a.push_back({"birth_date", [](const CustomerUpsert& u) { return u.has_birth_date(); },
               [](const CustomerUpsert& u) { return u.birth_date().SerializeAsString(); },
               [](const CustomerUpsert&) { return size_t{1}; },
               [](const CustomerUpsert& f, CustomerUpsert* t) {
                 *t->mutable_birth_date() = f.birth_date();
               }});
  a.push_back({"gender",
               [](const CustomerUpsert& u) { return u.gender() != common::v1::GENDER_UNSPECIFIED; },
               [](const CustomerUpsert& u) { return std::to_string(u.gender()); },
               [](const CustomerUpsert&) { return size_t{1}; },
               [](const CustomerUpsert& f, CustomerUpsert* t) { t->set_gender(f.gender()); }});
  a.push_back(
      {"address", [](const CustomerUpsert& u) { return u.has_address(); },
       [](const CustomerUpsert& u) { return u.address().SerializeAsString(); },
       [](const CustomerUpsert& u) {
         const common::v1::Address& ad = u.address();
         size_t n = 0;
         for (const std::string& l : ad.lines()) n += !l.empty();
         for (const std::string* s : {&ad.district(), &ad.city(), &ad.region(), &ad.postal_code(),
                                      &ad.country(), &ad.country_code()})
           n += !s->empty();
         return n;
       },
       [](const CustomerUpsert& f, CustomerUpsert* t) { *t->mutable_address() = f.address(); }});
  return a;
}

Attribute MapAttribute(const std::string& key) {
  return {absl::StrCat("attributes.", key),
          [key](const CustomerUpsert& u) { return u.attributes().count(key) > 0; },
          [key](const CustomerUpsert& u) { return u.attributes().at(key).SerializeAsString(); },
          [key](const CustomerUpsert& u) { return u.attributes().at(key).ByteSizeLong(); },
          [key](const CustomerUpsert& f, CustomerUpsert* t) {
            (*t->mutable_attributes())[key] = f.attributes().at(key);
          }};
}

int64_t MicrosOf(const google::protobuf::Timestamp& t) {
  return absl::ToUnixMicros(FromProtoTimestamp(t));
}

int64_t SetMicros(const StoredRecord& r, const std::string& attribute) {
  auto it = r.field_set_micros().find(attribute);
  if (it != r.field_set_micros().end()) return it->second;
  return r.has_last_upsert_at() ? MicrosOf(r.last_upsert_at()) : MicrosOf(r.first_seen_at());
}

std::string SourceKeyString(const StoredRecord& r) { return FormatSourceKey(r.source()); }

struct Candidate {
  const StoredRecord* record;
  std::string key;
  std::string source_key;
  int64_t micros;
  size_t trust;
  size_t completeness;
  size_t frequency = 0;
};

// True if `a` survives over `b` under `rule`.
bool Better(const Candidate& a, const Candidate& b, SurvivorshipRule rule) {
  switch (rule) {
    case SurvivorshipRule::kMostTrustedChannel:
      if (a.trust != b.trust) return a.trust < b.trust;
      break;
    case SurvivorshipRule::kMostFrequent:
      if (a.frequency != b.frequency) return a.frequency > b.frequency;
      break;
    case SurvivorshipRule::kMostComplete:
      if (a.completeness != b.completeness) return a.completeness > b.completeness;
      break;
    case SurvivorshipRule::kMostRecent:
      break;
  }
  if (a.micros != b.micros) return a.micros > b.micros;
  return a.source_key < b.source_key;
}

}  // namespace

SurvivorshipConfig DefaultSurvivorship() {
  SurvivorshipConfig c;
  c.rules = {{"email", SurvivorshipRule::kMostRecent},
             {"phone", SurvivorshipRule::kMostRecent},
             {"loyalty_id", SurvivorshipRule::kMostRecent},
             {"national_id_hash", SurvivorshipRule::kMostTrustedChannel},
             {"given_name", SurvivorshipRule::kMostFrequent},
             {"family_name", SurvivorshipRule::kMostFrequent},
             {"full_name", SurvivorshipRule::kMostComplete},
             {"birth_date", SurvivorshipRule::kMostFrequent},
             {"gender", SurvivorshipRule::kMostFrequent},
             {"address", SurvivorshipRule::kMostComplete}};
  return c;
}

std::string SurvivorshipRuleName(SurvivorshipRule rule) {
  switch (rule) {
    case SurvivorshipRule::kMostRecent:
      return "most_recent";
    case SurvivorshipRule::kMostTrustedChannel:
      return "most_trusted_channel";
    case SurvivorshipRule::kMostFrequent:
      return "most_frequent";
    case SurvivorshipRule::kMostComplete:
      return "most_complete";
  }
  return "most_recent";
}

absl::StatusOr<SurvivorshipRule> ParseSurvivorshipRule(const std::string& name) {
  for (SurvivorshipRule r : {SurvivorshipRule::kMostRecent, SurvivorshipRule::kMostTrustedChannel,
                             SurvivorshipRule::kMostFrequent, SurvivorshipRule::kMostComplete}) {
    if (SurvivorshipRuleName(r) == name) return r;
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "survivorship rule: '", name,
      "' is not one of most_recent, most_trusted_channel, most_frequent, most_complete"));
}

v1::GoldenRecord BuildGoldenRecord(absl::Span<const StoredRecord* const> members,
                                   const SurvivorshipConfig& config) {
  std::vector<Attribute> attributes = FixedAttributes();
  std::set<std::string> keys;
  for (const StoredRecord* r : members) {
    for (const auto& [k, v] : r->raw().attributes()) keys.insert(k);
  }
  for (const std::string& k : keys) attributes.push_back(MapAttribute(k));

  v1::GoldenRecord golden;
  for (const Attribute& attribute : attributes) {
    auto rule_it = config.rules.find(attribute.name);
    const SurvivorshipRule rule =
        rule_it == config.rules.end() ? config.default_rule : rule_it->second;
    std::vector<Candidate> candidates;
    for (const StoredRecord* r : members) {
      if (!attribute.has(r->raw())) continue;
      const auto trust_it =
          std::find(config.channel_trust.begin(), config.channel_trust.end(), r->channel());
      candidates.push_back({r, attribute.key(r->raw()), SourceKeyString(*r),
                            SetMicros(*r, attribute.name),
                            static_cast<size_t>(trust_it - config.channel_trust.begin()),
                            attribute.completeness(r->raw())});
    }
    if (candidates.empty()) continue;
    if (rule == SurvivorshipRule::kMostFrequent) {
      for (Candidate& c : candidates) {
        for (const Candidate& d : candidates) c.frequency += c.key == d.key;
      }
    }
    const Candidate* best = &candidates[0];
    for (const Candidate& c : candidates) {
      if (Better(c, *best, rule)) best = &c;
    }
    attribute.copy(best->record->raw(), golden.mutable_record());
    v1::AttributeLineage* lineage = golden.add_lineage();
    lineage->set_attribute(attribute.name);
    *lineage->mutable_source() = best->record->source();
    ToProtoTimestamp(absl::FromUnixMicros(best->micros), lineage->mutable_observed_at());
    lineage->set_channel(best->record->channel());
    lineage->set_rule(SurvivorshipRuleName(rule));
  }
  return golden;
}

}  // namespace clientele::identity
