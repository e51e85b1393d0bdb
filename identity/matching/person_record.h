// PersonRecord: the normalized, comparison-ready view of one source customer record, built
// from a CustomerUpsert. Matching (blocking, scoring) works on PersonRecords only.
//
//   NormalizationOptions options;  // phone region "TR", default EmailRules, {"soc_sec_id"}
//   PersonRecord r = FromCustomerUpsert("web_shop/42", upsert, options);
//   PersonRecord merged = MergeNewer(stored, r);      // absent fields stay as they were
//   std::string bytes = EncodePersonRecord(merged);   // for storage
//   absl::StatusOr<PersonRecord> back = DecodePersonRecord(bytes);
//
// An empty string / empty vector / 0 means "unknown" for every field. Pure and thread-safe.
// CMake target: clientele::identity_matching.
#ifndef CLIENTELE_IDENTITY_MATCHING_PERSON_RECORD_H_
#define CLIENTELE_IDENTITY_MATCHING_PERSON_RECORD_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "clientele/common/v1/event.pb.h"
#include "identity/normalize/email.h"

namespace clientele::identity {

struct NormalizationOptions {
  // CLDR region for phone numbers written without a country code, when the record's
  // Address.country_code does not give one.
  std::string default_phone_region = "TR";
  EmailRules email_rules;
  // CustomerUpsert.attributes whose values are identifiers that may carry typos (compared by
  // edit distance, used as blocking keys). Values may be strings or integers.
  std::vector<std::string> secondary_id_attributes = {"soc_sec_id"};
};

struct PersonRecord {
  std::string source_key;                // "system/id"; never compared.
  std::string email;                     // NormalizeEmail; empty if absent or not an address.
  std::string phone;                     // E.164; empty if absent or not a valid number.
  std::string loyalty_id;                // Trimmed as given.
  std::string national_id_hash;          // As given.
  std::string given_name;                // NameComparisonKey ("sukru", "ayse nur").
  std::string family_name;               // NameComparisonKey.
  std::vector<std::string> name_tokens;  // Sorted words of given + family name.
  int32_t birth_year = 0;                // 0 = unknown (all three are set or none).
  int32_t birth_month = 0;
  int32_t birth_day = 0;
  int32_t gender = 0;                       // common.v1.Gender; 0 = unknown.
  std::string postal_code;                  // NormalizePostalCode.
  std::string street_number;                // First address word that starts with a digit.
  std::vector<std::string> address_tokens;  // Other address-line words, sorted, unique.
  std::string city;                         // NameComparisonKey of city (district if no city).
  std::string region;                       // NameComparisonKey.
  // (attribute key, normalized value), sorted by key; values uppercased ASCII without
  // spaces, '-', '.' and '/'.
  std::vector<std::pair<std::string, std::string>> secondary_ids;

  bool has_birth_date() const { return birth_year != 0; }
  bool operator==(const PersonRecord& other) const;
};

// Cache hints for scoring many candidates (records spread over the heap): PrefetchRecord
// asks for the record's own bytes, PrefetchHeldFields (once the record is cached) for the
// heap blocks that its longer fields and word lists point to. Results never change.
inline void PrefetchRecord(const PersonRecord& record) {
  const char* bytes = reinterpret_cast<const char*>(&record);
  for (size_t offset = 0; offset < sizeof(PersonRecord); offset += 64) {
    __builtin_prefetch(bytes + offset);
  }
}
inline void PrefetchHeldFields(const PersonRecord& record) {
  for (const void* p : {static_cast<const void*>(record.email.data()),
                        static_cast<const void*>(record.given_name.data()),
                        static_cast<const void*>(record.family_name.data()),
                        static_cast<const void*>(record.name_tokens.data()),
                        static_cast<const void*>(record.address_tokens.data()),
                        static_cast<const void*>(record.secondary_ids.data())}) {
    __builtin_prefetch(p);
  }
}

// Normalizes `upsert` into a PersonRecord keyed `source_key`. When given_name and family_name
// are both empty and full_name is set, the last word of full_name is taken as the family name
// and the others as the given name (swapped orders are caught by the matcher). A birth date
// that is not a calendar date is left unknown. Never fails: unusable values become unknown.
PersonRecord FromCustomerUpsert(std::string_view source_key,
                                const common::v1::CustomerUpsert& upsert,
                                const NormalizationOptions& options = {});

// `newer` laid over `existing`: every field known in `newer` wins, fields it leaves unknown
// keep `existing`'s value (absent = unknown, not cleared). The birth date and the address
// (postal code, street number, tokens, city, region) merge field by field; secondary ids by
// key. The source key is `existing`'s unless it is empty.
PersonRecord MergeNewer(const PersonRecord& existing, const PersonRecord& newer);

// A compact, versioned binary encoding (version byte, then tag/length/value fields; unknown
// tags of a later version are skipped).
std::string EncodePersonRecord(const PersonRecord& record);

// Inverse of EncodePersonRecord. DataLoss for truncated or corrupt input or an unknown
// version; never crashes.
absl::StatusOr<PersonRecord> DecodePersonRecord(std::string_view bytes);

}  // namespace clientele::identity

#endif  // CLIENTELE_IDENTITY_MATCHING_PERSON_RECORD_H_
