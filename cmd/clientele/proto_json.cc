#include "cmd/clientele/proto_json.h"

#include <memory>
#include <string>

#include "absl/time/time.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/timestamp.pb.h"

namespace clientele::cli {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;
using nlohmann::json;

json ScalarJson(const Message& m, const FieldDescriptor* f, int index) {
  const Reflection* r = m.GetReflection();
  const bool rep = f->is_repeated();
  switch (f->cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32:
      return rep ? r->GetRepeatedInt32(m, f, index) : r->GetInt32(m, f);
    case FieldDescriptor::CPPTYPE_INT64:
      return rep ? r->GetRepeatedInt64(m, f, index) : r->GetInt64(m, f);
    case FieldDescriptor::CPPTYPE_UINT32:
      return rep ? r->GetRepeatedUInt32(m, f, index) : r->GetUInt32(m, f);
    case FieldDescriptor::CPPTYPE_UINT64:
      return rep ? r->GetRepeatedUInt64(m, f, index) : r->GetUInt64(m, f);
    case FieldDescriptor::CPPTYPE_DOUBLE:
      return rep ? r->GetRepeatedDouble(m, f, index) : r->GetDouble(m, f);
    case FieldDescriptor::CPPTYPE_FLOAT:
      return rep ? r->GetRepeatedFloat(m, f, index) : r->GetFloat(m, f);
    case FieldDescriptor::CPPTYPE_BOOL:
      return rep ? r->GetRepeatedBool(m, f, index) : r->GetBool(m, f);
    case FieldDescriptor::CPPTYPE_ENUM:
      return (rep ? r->GetRepeatedEnum(m, f, index) : r->GetEnum(m, f))->name();
    case FieldDescriptor::CPPTYPE_STRING:
      return rep ? r->GetRepeatedString(m, f, index) : r->GetString(m, f);
    case FieldDescriptor::CPPTYPE_MESSAGE:
      return MessageJson(rep ? r->GetRepeatedMessage(m, f, index) : r->GetMessage(m, f));
  }
  return nullptr;
}

}  // namespace

json MessageJson(const Message& message) {
  const auto* descriptor = message.GetDescriptor();
  if (descriptor->full_name() == "google.protobuf.Timestamp") {
    const auto& ts = static_cast<const google::protobuf::Timestamp&>(message);
    if (ts.seconds() == 0 && ts.nanos() == 0) return nullptr;
    return absl::FormatTime(absl::RFC3339_full,
                            absl::FromUnixSeconds(ts.seconds()) + absl::Nanoseconds(ts.nanos()),
                            absl::UTCTimeZone());
  }
  if (descriptor->full_name() == "google.protobuf.Any") {
    return AnyJson(static_cast<const google::protobuf::Any&>(message));
  }
  json out = json::object();
  const Reflection* r = message.GetReflection();
  for (int i = 0; i < descriptor->field_count(); ++i) {
    const FieldDescriptor* f = descriptor->field(i);
    if (f->is_map()) {
      json map = json::object();
      for (int j = 0; j < r->FieldSize(message, f); ++j) {
        const Message& entry = r->GetRepeatedMessage(message, f, j);
        const auto* key_field = entry.GetDescriptor()->field(0);
        const json key = ScalarJson(entry, key_field, 0);
        map[key.is_string() ? key.get<std::string>() : key.dump()] =
            ScalarJson(entry, entry.GetDescriptor()->field(1), 0);
      }
      out[f->name()] = std::move(map);
    } else if (f->is_repeated()) {
      json list = json::array();
      for (int j = 0; j < r->FieldSize(message, f); ++j) list.push_back(ScalarJson(message, f, j));
      out[f->name()] = std::move(list);
    } else if (f->containing_oneof() != nullptr && !r->HasField(message, f)) {
      continue;  // Only the oneof member that is set.
    } else if (f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE && !r->HasField(message, f)) {
      out[f->name()] = nullptr;
    } else {
      out[f->name()] = ScalarJson(message, f, 0);
    }
  }
  return out;
}

json AnyJson(const google::protobuf::Any& any) {
  if (any.type_url().empty()) return nullptr;
  const std::string name = any.type_url().substr(any.type_url().rfind('/') + 1);
  const auto* descriptor =
      google::protobuf::DescriptorPool::generated_pool()->FindMessageTypeByName(name);
  const Message* prototype =
      descriptor ? google::protobuf::MessageFactory::generated_factory()->GetPrototype(descriptor)
                 : nullptr;
  if (prototype == nullptr) return {{"@type", any.type_url()}};
  std::unique_ptr<Message> message(prototype->New());
  if (!message->ParseFromString(any.value())) return {{"@type", any.type_url()}};
  return MessageJson(*message);
}

}  // namespace clientele::cli
