#include "identity/matching/person_record.h"

#include <algorithm>
#include <cstddef>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "identity/matching/internal/ascii_keys.h"
#include "identity/normalize/address.h"
#include "identity/normalize/phone.h"

namespace clientele::identity {
namespace {

constexpr char kVersion = 1;

enum Tag : uint32_t {
  kSourceKey = 1,
  kEmail = 2,
  kPhone = 3,
  kLoyaltyId = 4,
  kNationalIdHash = 5,
  kGivenName = 6,
  kFamilyName = 7,
  kNameToken = 8,
  kBirthDate = 9,
  kGender = 10,
  kPostalCode = 11,
  kStreetNumber = 12,
  kAddressToken = 13,
  kCity = 14,
  kRegion = 15,
  kSecondaryId = 16,
};

std::string Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || (s.front() >= '\t' && s.front() <= '\r'))) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || (s.back() >= '\t' && s.back() <= '\r'))) {
    s.remove_suffix(1);
  }
  return std::string(s);
}

std::vector<std::string> Words(const std::string& key) {
  return absl::StrSplit(absl::string_view(key), ' ', absl::SkipEmpty());
}

std::string NormalizeIdentifier(std::string_view raw) {
  std::string out;
  out.reserve(raw.size());
  for (char c : raw) {
    if (c == ' ' || c == '-' || c == '.' || c == '/' || (c >= '\t' && c <= '\r')) continue;
    out.push_back(c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c);
  }
  return out;
}

// NormalizePhoneE164 memoized per thread by CanonicalPhoneInput (with the region unless it
// starts with '+'): libphonenumber's regular expressions dominate normalization, and one
// person's number recurs in each of their records, spelt in several ways. Emptied when full.
std::string NormalizePhoneMemoized(std::string_view raw, const std::string& region) {
  if (raw.size() > 64) return NormalizePhoneE164(raw, region).value_or("");
  const std::string canonical = CanonicalPhoneInput(raw, region);
  std::string key;
  if (canonical.empty() || canonical[0] != '+') absl::StrAppend(&key, region, "|");
  key += canonical;
  thread_local absl::flat_hash_map<std::string, std::string> memo;
  auto it = memo.find(key);
  if (it != memo.end()) return it->second;
  if (memo.size() >= (1 << 16)) memo.clear();
  std::string e164 = NormalizePhoneE164(canonical, region).value_or("");
  memo.emplace(std::move(key), e164);
  return e164;
}

bool StartsWithDigit(const std::string& s) { return !s.empty() && s[0] >= '0' && s[0] <= '9'; }

void SortUnique(std::vector<std::string>* v) {
  std::sort(v->begin(), v->end());
  v->erase(std::unique(v->begin(), v->end()), v->end());
}

// --- encoding -----------------------------------------------------------------------------

void PutVarint(uint64_t v, std::string* out) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>((v & 0x7F) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

void PutField(uint32_t tag, std::string_view payload, std::string* out) {
  PutVarint(tag, out);
  PutVarint(payload.size(), out);
  out->append(payload.data(), payload.size());
}

void PutString(uint32_t tag, const std::string& value, std::string* out) {
  if (!value.empty()) PutField(tag, value, out);
}

// Reads a varint from the front of `in`; false if truncated or longer than 10 bytes.
bool GetVarint(std::string_view* in, uint64_t* v) {
  uint64_t result = 0;
  for (int shift = 0; shift < 64 && !in->empty(); shift += 7) {
    const auto byte = static_cast<unsigned char>(in->front());
    in->remove_prefix(1);
    result |= static_cast<uint64_t>(byte & 0x7F) << shift;
    if ((byte & 0x80) == 0) {
      *v = result;
      return true;
    }
  }
  return false;
}

bool GetInt32(std::string_view* in, int32_t* v) {
  uint64_t u = 0;
  if (!GetVarint(in, &u) || u > 0x7FFFFFFF) return false;
  *v = static_cast<int32_t>(u);
  return true;
}

absl::Status Corrupt(std::string_view what) {
  return absl::DataLossError(
      absl::StrCat("corrupt person record: ", absl::string_view(what.data(), what.size())));
}

}  // namespace

bool PersonRecord::operator==(const PersonRecord& o) const {
  return source_key == o.source_key && email == o.email && phone == o.phone &&
         loyalty_id == o.loyalty_id && national_id_hash == o.national_id_hash &&
         given_name == o.given_name && family_name == o.family_name &&
         name_tokens == o.name_tokens && birth_year == o.birth_year &&
         birth_month == o.birth_month && birth_day == o.birth_day && gender == o.gender &&
         postal_code == o.postal_code && street_number == o.street_number &&
         address_tokens == o.address_tokens && city == o.city && region == o.region &&
         secondary_ids == o.secondary_ids;
}

PersonRecord FromCustomerUpsert(std::string_view source_key,
                                const common::v1::CustomerUpsert& upsert,
                                const NormalizationOptions& options) {
  PersonRecord r;
  r.source_key = std::string(source_key);
  if (!upsert.email().empty()) {
    r.email = NormalizeEmail(upsert.email(), options.email_rules).value_or("");
  }
  if (!upsert.phone().empty()) {
    // A number written without a country code is read in the record's own country if known.
    const std::string& country = upsert.address().country_code();
    const std::string& region = country.size() == 2 ? country : options.default_phone_region;
    r.phone = NormalizePhoneMemoized(upsert.phone(), region);
  }
  r.loyalty_id = Trim(upsert.loyalty_id());
  r.national_id_hash = upsert.national_id_hash();

  r.given_name = matching_internal::ComparisonKey(upsert.given_name());
  r.family_name = matching_internal::ComparisonKey(upsert.family_name());
  if (r.given_name.empty() && r.family_name.empty() && !upsert.full_name().empty()) {
    std::vector<std::string> words = Words(matching_internal::ComparisonKey(upsert.full_name()));
    if (!words.empty()) {
      r.family_name = words.back();
      words.pop_back();
      r.given_name = absl::StrJoin(words, " ");
    }
  }
  for (const std::string* part : {&r.given_name, &r.family_name}) {
    for (std::string& w : Words(*part)) r.name_tokens.push_back(std::move(w));
  }
  std::sort(r.name_tokens.begin(), r.name_tokens.end());

  if (upsert.has_birth_date()) {
    const common::v1::Date& d = upsert.birth_date();
    const absl::CivilDay day(d.year(), d.month(), d.day());
    if (d.year() > 0 && d.year() <= 9999 && day.year() == d.year() && day.month() == d.month() &&
        day.day() == d.day()) {
      r.birth_year = d.year();
      r.birth_month = d.month();
      r.birth_day = d.day();
    }
  }
  r.gender = static_cast<int32_t>(upsert.gender());

  if (upsert.has_address()) {
    const common::v1::Address& a = upsert.address();
    r.postal_code = NormalizePostalCode(a.postal_code());
    for (const std::string& line : a.lines()) {
      std::vector<std::string> tokens;
      matching_internal::AppendAddressTokens(line, &tokens);
      for (std::string& token : tokens) {
        if (r.street_number.empty() && StartsWithDigit(token)) {
          r.street_number = std::move(token);
        } else {
          r.address_tokens.push_back(std::move(token));
        }
      }
    }
    SortUnique(&r.address_tokens);
    r.city = matching_internal::ComparisonKey(a.city().empty() ? a.district() : a.city());
    r.region = matching_internal::ComparisonKey(a.region());
  }

  for (const std::string& key : options.secondary_id_attributes) {
    auto it = upsert.attributes().find(key);
    if (it == upsert.attributes().end()) continue;
    std::string value;
    if (it->second.has_string_value()) {
      value = NormalizeIdentifier(it->second.string_value());
    } else if (it->second.kind_case() == common::v1::AttributeValue::kIntValue) {
      value = absl::StrCat(it->second.int_value());
    }
    if (!value.empty()) r.secondary_ids.emplace_back(key, std::move(value));
  }
  std::sort(r.secondary_ids.begin(), r.secondary_ids.end());
  return r;
}

PersonRecord MergeNewer(const PersonRecord& existing, const PersonRecord& newer) {
  PersonRecord r = existing;
  auto take = [](const std::string& from, std::string* to) {
    if (!from.empty()) *to = from;
  };
  if (r.source_key.empty()) r.source_key = newer.source_key;
  take(newer.email, &r.email);
  take(newer.phone, &r.phone);
  take(newer.loyalty_id, &r.loyalty_id);
  take(newer.national_id_hash, &r.national_id_hash);
  take(newer.given_name, &r.given_name);
  take(newer.family_name, &r.family_name);
  if (!newer.given_name.empty() || !newer.family_name.empty()) {
    r.name_tokens.clear();
    for (const std::string* part : {&r.given_name, &r.family_name}) {
      for (std::string& w : Words(*part)) r.name_tokens.push_back(std::move(w));
    }
    std::sort(r.name_tokens.begin(), r.name_tokens.end());
  }
  if (newer.has_birth_date()) {
    r.birth_year = newer.birth_year;
    r.birth_month = newer.birth_month;
    r.birth_day = newer.birth_day;
  }
  if (newer.gender != 0) r.gender = newer.gender;
  take(newer.postal_code, &r.postal_code);
  take(newer.street_number, &r.street_number);
  if (!newer.address_tokens.empty()) r.address_tokens = newer.address_tokens;
  take(newer.city, &r.city);
  take(newer.region, &r.region);
  for (const auto& [key, value] : newer.secondary_ids) {
    auto it = std::lower_bound(r.secondary_ids.begin(), r.secondary_ids.end(),
                               std::make_pair(key, std::string()));
    if (it != r.secondary_ids.end() && it->first == key) {
      it->second = value;
    } else {
      r.secondary_ids.insert(it, {key, value});
    }
  }
  return r;
}

std::string EncodePersonRecord(const PersonRecord& r) {
  std::string out;
  out.reserve(128);
  out.push_back(kVersion);
  PutString(kSourceKey, r.source_key, &out);
  PutString(kEmail, r.email, &out);
  PutString(kPhone, r.phone, &out);
  PutString(kLoyaltyId, r.loyalty_id, &out);
  PutString(kNationalIdHash, r.national_id_hash, &out);
  PutString(kGivenName, r.given_name, &out);
  PutString(kFamilyName, r.family_name, &out);
  for (const std::string& t : r.name_tokens) PutField(kNameToken, t, &out);
  if (r.has_birth_date()) {
    std::string date;
    PutVarint(static_cast<uint32_t>(r.birth_year), &date);
    PutVarint(static_cast<uint32_t>(r.birth_month), &date);
    PutVarint(static_cast<uint32_t>(r.birth_day), &date);
    PutField(kBirthDate, date, &out);
  }
  if (r.gender > 0) {
    std::string gender;
    PutVarint(static_cast<uint32_t>(r.gender), &gender);
    PutField(kGender, gender, &out);
  }
  PutString(kPostalCode, r.postal_code, &out);
  PutString(kStreetNumber, r.street_number, &out);
  for (const std::string& t : r.address_tokens) PutField(kAddressToken, t, &out);
  PutString(kCity, r.city, &out);
  PutString(kRegion, r.region, &out);
  for (const auto& [key, value] : r.secondary_ids) {
    std::string id;
    PutVarint(key.size(), &id);
    id.append(key);
    id.append(value);
    PutField(kSecondaryId, id, &out);
  }
  return out;
}

absl::StatusOr<PersonRecord> DecodePersonRecord(std::string_view in) {
  if (in.empty()) return Corrupt("empty");
  if (in.front() != kVersion) {
    return Corrupt(absl::StrCat("unknown version ", static_cast<int>(in.front())));
  }
  in.remove_prefix(1);
  PersonRecord r;
  while (!in.empty()) {
    uint64_t tag = 0;
    uint64_t length = 0;
    if (!GetVarint(&in, &tag) || !GetVarint(&in, &length)) return Corrupt("truncated field header");
    if (length > in.size()) return Corrupt("field longer than the record");
    std::string_view payload = in.substr(0, length);
    in.remove_prefix(length);
    const std::string value(payload);
    switch (tag) {
      case kSourceKey:
        r.source_key = value;
        break;
      case kEmail:
        r.email = value;
        break;
      case kPhone:
        r.phone = value;
        break;
      case kLoyaltyId:
        r.loyalty_id = value;
        break;
      case kNationalIdHash:
        r.national_id_hash = value;
        break;
      case kGivenName:
        r.given_name = value;
        break;
      case kFamilyName:
        r.family_name = value;
        break;
      case kNameToken:
        r.name_tokens.push_back(value);
        break;
      case kBirthDate:
        if (!GetInt32(&payload, &r.birth_year) || !GetInt32(&payload, &r.birth_month) ||
            !GetInt32(&payload, &r.birth_day) || !payload.empty() || r.birth_year == 0) {
          return Corrupt("bad birth date");
        }
        break;
      case kGender:
        if (!GetInt32(&payload, &r.gender) || !payload.empty()) return Corrupt("bad gender");
        break;
      case kPostalCode:
        r.postal_code = value;
        break;
      case kStreetNumber:
        r.street_number = value;
        break;
      case kAddressToken:
        r.address_tokens.push_back(value);
        break;
      case kCity:
        r.city = value;
        break;
      case kRegion:
        r.region = value;
        break;
      case kSecondaryId: {
        uint64_t key_length = 0;
        if (!GetVarint(&payload, &key_length) || key_length > payload.size()) {
          return Corrupt("bad secondary id");
        }
        r.secondary_ids.emplace_back(std::string(payload.substr(0, key_length)),
                                     std::string(payload.substr(key_length)));
        break;
      }
      default:
        if (tag == 0) return Corrupt("field tag 0");
        break;  // A field of a later version: skip.
    }
  }
  return r;
}

}  // namespace clientele::identity
