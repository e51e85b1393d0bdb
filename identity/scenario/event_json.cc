#include "identity/scenario/event_json.h"

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "clientele/common/v1/event.pb.h"
#include "google/protobuf/descriptor.h"

namespace clientele::identity::scenario {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

void AppendString(std::string_view s, std::string* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out->push_back('"');
  size_t run = 0;  // Start of the pending run of characters written as they are.
  for (size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out->append(s.data() + run, i - run);
    run = i + 1;
    switch (c) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\r':
        out->append("\\r");
        break;
      case '\t':
        out->append("\\t");
        break;
      default:
        out->append("\\u00");
        out->push_back(kHex[c >> 4]);
        out->push_back(kHex[c & 0xF]);
    }
  }
  out->append(s.data() + run, s.size() - run);
  out->push_back('"');
}

void AppendDouble(double v, std::string* out) {
  if (std::isnan(v)) {
    out->append("\"NaN\"");
  } else if (std::isinf(v)) {
    out->append(v > 0 ? "\"Infinity\"" : "\"-Infinity\"");
  } else {
    char buf[32];
    std::snprintf(buf, sizeof(buf), "%.17g", v);
    out->append(buf);
  }
}

void AppendTimestampValue(int64_t seconds, int32_t nanos, std::string* out) {
  const absl::CivilSecond cs =
      absl::ToCivilSecond(absl::FromUnixSeconds(seconds), absl::UTCTimeZone());
  // "YYYY-MM-DDTHH:MM:SS" without printf (a million timestamps per run).
  char buf[64];
  auto put = [&buf](int at, int64_t value, int width) {
    for (int i = width - 1; i >= 0; --i, value /= 10)
      buf[at + i] = static_cast<char>('0' + value % 10);
  };
  buf[0] = '"';
  put(1, cs.year(), 4);
  buf[5] = '-';
  put(6, cs.month(), 2);
  buf[8] = '-';
  put(9, cs.day(), 2);
  buf[11] = 'T';
  put(12, cs.hour(), 2);
  buf[14] = ':';
  put(15, cs.minute(), 2);
  buf[17] = ':';
  put(18, cs.second(), 2);
  if (cs.year() >= 0 && cs.year() <= 9999) {
    out->append(buf, 20);
  } else {  // Outside RFC 3339; protobuf rejects such timestamps anyway.
    std::snprintf(buf, sizeof(buf), "\"%lld-%02d-%02dT%02d:%02d:%02d",
                  static_cast<long long>(cs.year()), cs.month(), cs.day(), cs.hour(), cs.minute(),
                  cs.second());
    out->append(buf);
  }
  if (nanos != 0) {
    if (nanos % 1000000 == 0) {
      std::snprintf(buf, sizeof(buf), ".%03d", nanos / 1000000);
    } else if (nanos % 1000 == 0) {
      std::snprintf(buf, sizeof(buf), ".%06d", nanos / 1000);
    } else {
      std::snprintf(buf, sizeof(buf), ".%09d", nanos);
    }
    out->append(buf);
  }
  out->append("Z\"");
}

void AppendTimestamp(const Message& message, std::string* out) {
  const Descriptor* d = message.GetDescriptor();
  const Reflection* r = message.GetReflection();
  AppendTimestampValue(r->GetInt64(message, d->FindFieldByNumber(1)),
                       r->GetInt32(message, d->FindFieldByNumber(2)), out);
}

void AppendMessage(const Message& message, std::string* out);

// One value of `field` (element `index` when repeated, -1 otherwise).
void AppendValue(const Message& message, const FieldDescriptor* field, int index,
                 std::string* out) {
  const Reflection* r = message.GetReflection();
  const bool rep = index >= 0;
  switch (field->cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32:
      absl::StrAppend(
          out, rep ? r->GetRepeatedInt32(message, field, index) : r->GetInt32(message, field));
      break;
    case FieldDescriptor::CPPTYPE_UINT32:
      absl::StrAppend(
          out, rep ? r->GetRepeatedUInt32(message, field, index) : r->GetUInt32(message, field));
      break;
    case FieldDescriptor::CPPTYPE_INT64:
      absl::StrAppend(
          out, "\"", rep ? r->GetRepeatedInt64(message, field, index) : r->GetInt64(message, field),
          "\"");
      break;
    case FieldDescriptor::CPPTYPE_UINT64:
      absl::StrAppend(
          out, "\"",
          rep ? r->GetRepeatedUInt64(message, field, index) : r->GetUInt64(message, field), "\"");
      break;
    case FieldDescriptor::CPPTYPE_DOUBLE:
      AppendDouble(rep ? r->GetRepeatedDouble(message, field, index) : r->GetDouble(message, field),
                   out);
      break;
    case FieldDescriptor::CPPTYPE_FLOAT:
      AppendDouble(rep ? r->GetRepeatedFloat(message, field, index) : r->GetFloat(message, field),
                   out);
      break;
    case FieldDescriptor::CPPTYPE_BOOL:
      out->append((rep ? r->GetRepeatedBool(message, field, index) : r->GetBool(message, field))
                      ? "true"
                      : "false");
      break;
    case FieldDescriptor::CPPTYPE_ENUM: {
      const int number =
          rep ? r->GetRepeatedEnumValue(message, field, index) : r->GetEnumValue(message, field);
      const auto* value = field->enum_type()->FindValueByNumber(number);
      if (value != nullptr) {
        AppendString(value->name(), out);
      } else {
        absl::StrAppend(out, number);
      }
      break;
    }
    case FieldDescriptor::CPPTYPE_STRING: {
      std::string scratch;
      const std::string& s = rep ? r->GetRepeatedStringReference(message, field, index, &scratch)
                                 : r->GetStringReference(message, field, &scratch);
      if (field->type() == FieldDescriptor::TYPE_BYTES) {
        AppendString(absl::Base64Escape(s), out);
      } else {
        AppendString(s, out);
      }
      break;
    }
    case FieldDescriptor::CPPTYPE_MESSAGE:
      AppendMessage(
          rep ? r->GetRepeatedMessage(message, field, index) : r->GetMessage(message, field), out);
      break;
  }
}

// A map key as JSON wants it: always a string.
void AppendMapKey(const Message& entry, std::string* out) {
  const FieldDescriptor* key = entry.GetDescriptor()->map_key();
  if (key->cpp_type() == FieldDescriptor::CPPTYPE_STRING) {
    AppendValue(entry, key, -1, out);
  } else {
    std::string value;
    AppendValue(entry, key, -1, &value);
    if (!value.empty() && value.front() == '"') {
      out->append(value);
    } else {
      AppendString(value, out);
    }
  }
}

void AppendMessage(const Message& message, std::string* out) {
  const Descriptor* d = message.GetDescriptor();
  if (d->full_name() == "google.protobuf.Timestamp") {
    AppendTimestamp(message, out);
    return;
  }
  const Reflection* r = message.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  r->ListFields(message, &fields);
  out->push_back('{');
  bool first = true;
  for (const FieldDescriptor* field : fields) {
    if (!first) out->push_back(',');
    first = false;
    AppendString(field->json_name(), out);
    out->push_back(':');
    if (field->is_map()) {
      out->push_back('{');
      const int n = r->FieldSize(message, field);
      for (int i = 0; i < n; ++i) {
        if (i > 0) out->push_back(',');
        const Message& entry = r->GetRepeatedMessage(message, field, i);
        AppendMapKey(entry, out);
        out->push_back(':');
        AppendValue(entry, entry.GetDescriptor()->map_value(), -1, out);
      }
      out->push_back('}');
    } else if (field->is_repeated()) {
      out->push_back('[');
      const int n = r->FieldSize(message, field);
      for (int i = 0; i < n; ++i) {
        if (i > 0) out->push_back(',');
        AppendValue(message, field, i, out);
      }
      out->push_back(']');
    } else {
      AppendValue(message, field, -1, out);
    }
  }
  out->push_back('}');
}

// Fast paths for the messages the generator writes by the million; the same bytes as
// AppendMessage (fields in number order, defaults of singular scalars omitted).
class FieldWriter {
 public:
  explicit FieldWriter(std::string* out) : out_(out) { out_->push_back('{'); }
  ~FieldWriter() { out_->push_back('}'); }
  std::string* Name(std::string_view name) {
    if (!first_) out_->push_back(',');
    first_ = false;
    out_->push_back('"');
    out_->append(name.data(), name.size());
    out_->append("\":");
    return out_;
  }
  void String(std::string_view name, const std::string& value) {
    if (!value.empty()) AppendString(value, Name(name));
  }
  void Int(std::string_view name, int64_t value) {
    if (value != 0) absl::StrAppend(Name(name), value);
  }
  template <typename Enum>
  void EnumValue(std::string_view name, int value, Enum descriptor_fn) {
    if (value == 0) return;
    const auto* v = descriptor_fn()->FindValueByNumber(value);
    if (v != nullptr) {
      AppendString(v->name(), Name(name));
    } else {
      absl::StrAppend(Name(name), value);
    }
  }

 private:
  std::string* const out_;
  bool first_ = true;
};

void AppendSourceKey(const common::v1::SourceKey& key, std::string* out) {
  FieldWriter w(out);
  w.String("system", key.system());
  w.String("id", key.id());
}

void AppendAddress(const common::v1::Address& a, std::string* out) {
  FieldWriter w(out);
  if (a.lines_size() > 0) {
    std::string* o = w.Name("lines");
    o->push_back('[');
    for (int i = 0; i < a.lines_size(); ++i) {
      if (i > 0) o->push_back(',');
      AppendString(a.lines(i), o);
    }
    o->push_back(']');
  }
  w.String("district", a.district());
  w.String("city", a.city());
  w.String("region", a.region());
  w.String("postalCode", a.postal_code());
  w.String("country", a.country());
  w.String("countryCode", a.country_code());
}

void AppendCustomerUpsert(const common::v1::CustomerUpsert& c, std::string* out) {
  FieldWriter w(out);
  w.String("email", c.email());
  w.String("phone", c.phone());
  w.String("loyaltyId", c.loyalty_id());
  w.String("nationalIdHash", c.national_id_hash());
  w.String("givenName", c.given_name());
  w.String("familyName", c.family_name());
  w.String("fullName", c.full_name());
  if (c.has_birth_date()) {
    FieldWriter d(w.Name("birthDate"));
    d.Int("year", c.birth_date().year());
    d.Int("month", c.birth_date().month());
    d.Int("day", c.birth_date().day());
  }
  w.EnumValue("gender", c.gender(), common::v1::Gender_descriptor);
  if (c.has_address()) AppendAddress(c.address(), w.Name("address"));
}

void AppendConsentChange(const common::v1::ConsentChange& c, std::string* out) {
  FieldWriter w(out);
  w.EnumValue("purpose", c.purpose(), common::v1::ConsentPurpose_descriptor);
  w.EnumValue("status", c.status(), common::v1::ConsentStatus_descriptor);
  w.EnumValue("channel", c.channel(), common::v1::Channel_descriptor);
  w.String("evidence", c.evidence());
}

// False (and nothing written) for events the fast path does not cover.
bool AppendEventFast(const common::v1::Event& e, std::string* out) {
  const bool upsert = e.has_customer_upsert() && e.customer_upsert().attributes().empty();
  if (!upsert && !e.has_consent_change()) return false;
  if (e.GetReflection()->GetUnknownFields(e).field_count() > 0) return false;
  FieldWriter w(out);
  w.String("eventId", e.event_id());
  w.EnumValue("channel", e.channel(), common::v1::Channel_descriptor);
  if (e.has_source()) AppendSourceKey(e.source(), w.Name("source"));
  if (e.has_occurred_at()) {
    AppendTimestampValue(e.occurred_at().seconds(), e.occurred_at().nanos(), w.Name("occurredAt"));
  }
  if (e.has_origin()) {
    FieldWriter o(w.Name("origin"));
    o.String("sourceName", e.origin().source_name());
    if (e.origin().row() != 0) absl::StrAppend(o.Name("row"), "\"", e.origin().row(), "\"");
  }
  if (upsert) {
    AppendCustomerUpsert(e.customer_upsert(), w.Name("customerUpsert"));
  } else {
    AppendConsentChange(e.consent_change(), w.Name("consentChange"));
  }
  return true;
}

}  // namespace

void AppendMessageJson(const google::protobuf::Message& message, std::string* out) {
  AppendMessage(message, out);
}

void AppendEventJson(const common::v1::Event& event, std::string* out) {
  if (!AppendEventFast(event, out)) AppendMessage(event, out);
}

}  // namespace clientele::identity::scenario
