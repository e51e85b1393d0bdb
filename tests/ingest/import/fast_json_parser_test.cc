// The events-jsonl fast path must give exactly the protos protobuf's JSON parser gives, and
// decline (so that the caller falls back) whatever it does not handle.
#include "ingest/import/internal/fast_json_parser.h"

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "clientele/common/v1/event.pb.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"

namespace clientele::ingest::import_internal {
namespace {

using common::v1::Event;
using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

// protobuf's reading of `json`: ok and the message.
bool ProtobufParse(const std::string& json, Event* event) {
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  return google::protobuf::util::JsonStringToMessage(json, event, options).ok();
}

std::string Printed(const Message& m) {
  std::string json;
  EXPECT_TRUE(google::protobuf::util::MessageToJsonString(m, &json).ok());
  return json;
}

// Map entries in key order: serialization order of maps is otherwise unspecified.
std::string DeterministicBytes(const Message& m) {
  std::string out;
  google::protobuf::io::StringOutputStream stream(&out);
  google::protobuf::io::CodedOutputStream coded(&stream);
  coded.SetSerializationDeterministic(true);
  m.SerializeToCodedStream(&coded);
  coded.Trim();
  return out;
}

// Expects the fast path to accept `json` and to agree with protobuf.
void ExpectSameAsProtobuf(const std::string& json) {
  SCOPED_TRACE(json);
  Event expected, fast;
  ASSERT_TRUE(ProtobufParse(json, &expected));
  FastJsonParser parser;
  ASSERT_TRUE(parser.Parse(json, &fast));
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(expected, fast))
      << Printed(expected) << "\nvs\n"
      << Printed(fast);
  EXPECT_EQ(DeterministicBytes(expected), DeterministicBytes(fast));
}

// Expects the fast path to decline `json`.
void ExpectDeclined(const std::string& json) {
  SCOPED_TRACE(json);
  Event fast;
  FastJsonParser parser;
  EXPECT_FALSE(parser.Parse(json, &fast));
}

TEST(FastJsonParserTest, GeneratorLinesMatchProtobuf) {
  ExpectSameAsProtobuf(
      R"({"eventId":"call_center/customer/CC614775504","channel":"CHANNEL_CALL_CENTER",)"
      R"("source":{"system":"call_center","id":"CC614775504"},"occurredAt":"2011-03-13T16:13:06Z",)"
      R"("customerUpsert":{"phone":"0044 7866 571717","loyaltyId":"238553745262",)"
      R"("givenName":"Şükrü","familyName":"Alo","birthDate":{"year":1968,"month":5,"day":27},)"
      R"("gender":"GENDER_MALE","address":{"lines":["Flat 23, 144 Richmond Avenue"],)"
      R"("district":"Hackney","city":"London","region":"Greater London","postalCode":"E8 2ZP",)"
      R"("country":"United Kingdom","countryCode":"GB"}}})");
  ExpectSameAsProtobuf(
      R"({"eventId":"web_shop/consent/WS2501550002/1","channel":"CHANNEL_ONLINE_SHOP",)"
      R"("source":{"system":"web_shop","id":"WS2501550002"},"occurredAt":"2010-12-21T08:57:41Z",)"
      R"("consentChange":{"purpose":"CONSENT_PURPOSE_PHONE_CALL","status":"CONSENT_STATUS_GRANTED",)"
      R"("channel":"CHANNEL_ONLINE_SHOP","evidence":"web-form:WS2501550002-1"}})");
}

TEST(FastJsonParserTest, ProtoNamesEscapesSpacesAndNumbersMatchProtobuf) {
  ExpectSameAsProtobuf(
      R"( { "event_id" : "a\"b\\c\/d\n\t\u00e7\u4e2d" , "source" : { "system" : "web" ,)"
      R"( "id" : "1" } , "occurred_at" : "2024-02-29T23:59:59.5Z" ,)"
      R"( "order" : { "orderId" : "o1" , "lines" : [ { "sku" : "A" , "quantity" : -3 ,)"
      R"( "unitPrice" : { "minorUnits" : "255" , "currencyCode" : "TRY" } } , { "sku" : "B" ,)"
      R"( "quantity" : "9223372036854775807" } ] , "cancellation" : true } } )");
  ExpectSameAsProtobuf(
      R"({"customerUpsert":{"attributes":{"a":{"intValue":"-7"},"b":{"doubleValue":2.5e-3},)"
      R"("c":{"boolValue":false},"d":{"timeValue":"1970-01-01T00:00:00.000000001Z"},)"
      R"("e":{"dateValue":{"year":2001}},"f":{"stringValue":""}}}})");
  ExpectSameAsProtobuf(
      R"({"customerUpsert":{},"origin":{"row":0},"channel":"CHANNEL_UNSPECIFIED"})");
}

TEST(FastJsonParserTest, DeclinesWhatItDoesNotHandle) {
  ExpectDeclined(R"({"evntId":"x"})");                                        // unknown field
  ExpectDeclined(R"({"eventId":null})");                                      // null
  ExpectDeclined(R"({"eventId":"a","eventId":"b"})");                         // duplicate key
  ExpectDeclined(R"({"eventId":"a","event_id":"b"})");                        // same field twice
  ExpectDeclined(R"({"order":{},"customerUpsert":{}})");                      // two oneof members
  ExpectDeclined(R"({"channel":2})");                                         // enum as a number
  ExpectDeclined(R"({"channel":"CHANNEL_NOPE"})");                            // unknown enum name
  ExpectDeclined(R"({"occurredAt":"2011-03-13T16:13:06+01:00"})");            // offset
  ExpectDeclined(R"({"occurredAt":"2011-02-30T16:13:06Z"})");                 // no such day
  ExpectDeclined(R"({"origin":{"row":1.5}})");                                // fraction for an int
  ExpectDeclined(R"({"origin":{"row":"01"}})");                               // leading zero
  ExpectDeclined(R"({"customerUpsert":{"birthDate":{"year":2147483648}}})");  // int32 overflow
  ExpectDeclined(R"({"eventId":"\ud83d\ude00"})");                            // surrogate escape
  ExpectDeclined(R"({"eventId":"a"} x)");                                     // trailing text
  ExpectDeclined(R"({"eventId":"a")");                                        // truncated
  ExpectDeclined(R"(["eventId"])");                                           // not an object
  ExpectDeclined(R"({"customerUpsert":{"attributes":{"a":{},"a":{}}}})");     // duplicate map key
}

// Fills every field of `m` (recursively, to `depth`) with random values.
void FillRandomly(Message* m, std::mt19937_64& rng, int depth) {
  static const std::vector<std::string> kStrings = {"",
                                                    "a",
                                                    "Şükrü Yılmaz",
                                                    "İstanbul ığüşöç",
                                                    "quote\"back\\slash/",
                                                    "tab\tnew\nline\x01",
                                                    "中文",
                                                    "e\xcc\x81",
                                                    "0044 7866 571717",
                                                    "x@example.com"};
  const Descriptor* d = m->GetDescriptor();
  const Reflection* r = m->GetReflection();
  if (d->full_name() == "google.protobuf.Timestamp") {
    // 0001-01-01 .. 9999-12-31 as protobuf allows.
    std::uniform_int_distribution<int64_t> secs(-62135596800, 253402300799);
    std::uniform_int_distribution<int32_t> nanos(0, 999999999);
    r->SetInt64(m, d->FindFieldByNumber(1), secs(rng));
    const int32_t n = nanos(rng);
    r->SetInt32(m, d->FindFieldByNumber(2),
                rng() % 3 == 0 ? 0 : (rng() % 2 ? n : n / 1000000 * 1000000));
    return;
  }
  // One member per oneof at most.
  std::vector<const google::protobuf::OneofDescriptor*> set_oneofs;
  for (int i = 0; i < d->field_count(); ++i) {
    const FieldDescriptor* f = d->field(i);
    if (rng() % 4 == 0) continue;
    if (f->real_containing_oneof() != nullptr) {
      if (r->HasOneof(*m, f->real_containing_oneof())) continue;
    }
    const int count = f->is_repeated() ? static_cast<int>(rng() % 3) : 1;
    for (int k = 0; k < count; ++k) {
      const bool add = f->is_repeated();
      switch (f->cpp_type()) {
        case FieldDescriptor::CPPTYPE_STRING: {
          std::string s = kStrings[rng() % kStrings.size()];
          if (f->is_map() || f->containing_type()->options().map_entry()) s += std::to_string(k);
          add ? r->AddString(m, f, s) : r->SetString(m, f, s);
          break;
        }
        case FieldDescriptor::CPPTYPE_INT32: {
          const int32_t v = static_cast<int32_t>(rng());
          add ? r->AddInt32(m, f, v) : r->SetInt32(m, f, v);
          break;
        }
        case FieldDescriptor::CPPTYPE_INT64: {
          const int64_t v = static_cast<int64_t>(rng()) >> (rng() % 64);
          add ? r->AddInt64(m, f, v) : r->SetInt64(m, f, v);
          break;
        }
        case FieldDescriptor::CPPTYPE_UINT32: {
          const uint32_t v = static_cast<uint32_t>(rng());
          add ? r->AddUInt32(m, f, v) : r->SetUInt32(m, f, v);
          break;
        }
        case FieldDescriptor::CPPTYPE_UINT64: {
          const uint64_t v = rng();
          add ? r->AddUInt64(m, f, v) : r->SetUInt64(m, f, v);
          break;
        }
        case FieldDescriptor::CPPTYPE_DOUBLE: {
          const double v = std::uniform_real_distribution<double>(-1e6, 1e6)(rng);
          add ? r->AddDouble(m, f, v) : r->SetDouble(m, f, v);
          break;
        }
        case FieldDescriptor::CPPTYPE_BOOL: {
          const bool v = rng() % 2;
          add ? r->AddBool(m, f, v) : r->SetBool(m, f, v);
          break;
        }
        case FieldDescriptor::CPPTYPE_ENUM: {
          const auto* e = f->enum_type();
          const auto* v = e->value(static_cast<int>(rng() % e->value_count()));
          add ? r->AddEnum(m, f, v) : r->SetEnum(m, f, v);
          break;
        }
        case FieldDescriptor::CPPTYPE_MESSAGE: {
          if (depth <= 0) break;
          Message* child = add ? r->AddMessage(m, f) : r->MutableMessage(m, f);
          FillRandomly(child, rng, depth - 1);
          break;
        }
        default:
          break;
      }
    }
  }
}

TEST(FastJsonParserTest, RandomEventsPrintedByProtobufReadBackIdentically) {
  std::mt19937_64 rng(42);
  FastJsonParser parser;  // One parser for all: its tables are reused.
  int accepted = 0;
  for (int i = 0; i < 2000; ++i) {
    Event original;
    FillRandomly(&original, rng, 4);
    std::string json;
    ASSERT_TRUE(google::protobuf::util::MessageToJsonString(original, &json).ok());
    Event expected, fast;
    ASSERT_TRUE(ProtobufParse(json, &expected)) << json;
    if (!parser.Parse(json, &fast)) {
      ADD_FAILURE() << "declined: " << json;
      continue;
    }
    ++accepted;
    ASSERT_TRUE(google::protobuf::util::MessageDifferencer::Equals(expected, fast)) << json;
    ASSERT_EQ(DeterministicBytes(expected), DeterministicBytes(fast)) << json;
  }
  EXPECT_EQ(accepted, 2000);
}

}  // namespace
}  // namespace clientele::ingest::import_internal
