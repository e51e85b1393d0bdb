#include "gateway/pii/pii_guard.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/synchronization/mutex.h"
#include "clientele/common/v1/options.pb.h"
#include "gateway/pii/pii_mask_rules.h"

namespace clientele::gateway {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

constexpr char kProfileIdField[] = "profile_id";

bool IsPii(const FieldDescriptor& field) { return field.options().GetExtension(common::v1::pii); }

bool IsProfileId(const FieldDescriptor& field) {
  return field.name() == kProfileIdField && field.type() == FieldDescriptor::TYPE_STRING;
}

// What a message type can hold at any depth, over every message type reachable from it
// through message fields (singular, repeated, map values; cycles included).
struct TypeFacts {
  bool may_carry_pii = false;
  // May hold PII or a profile id: the walk must look inside messages of this type.
  bool worth_walking = false;
};

TypeFacts ComputeFacts(const Descriptor* root) {
  TypeFacts facts;
  absl::flat_hash_set<const Descriptor*> seen = {root};
  std::vector<const Descriptor*> pending = {root};
  while (!pending.empty()) {
    const Descriptor* type = pending.back();
    pending.pop_back();
    for (int i = 0; i < type->field_count(); ++i) {
      const FieldDescriptor* field = type->field(i);
      if (IsPii(*field)) facts.may_carry_pii = true;
      if (IsPii(*field) || IsProfileId(*field)) facts.worth_walking = true;
      if (field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE &&
          seen.insert(field->message_type()).second) {
        pending.push_back(field->message_type());
      }
    }
  }
  return facts;
}

// Facts per message type, computed once. Descriptors live as long as their pool (the
// generated pool: the process), so the pointers stay valid.
class TypeFactsCache {
 public:
  TypeFacts Get(const Descriptor* type) {
    {
      absl::ReaderMutexLock lock(&mutex_);
      auto it = facts_.find(type);
      if (it != facts_.end()) return it->second;
    }
    const TypeFacts facts = ComputeFacts(type);
    absl::MutexLock lock(&mutex_);
    facts_.emplace(type, facts);
    return facts;
  }

 private:
  absl::Mutex mutex_;
  absl::flat_hash_map<const Descriptor*, TypeFacts> facts_ ABSL_GUARDED_BY(mutex_);
};

TypeFactsCache& Cache() {
  static auto* cache = new TypeFactsCache();
  return *cache;
}

// Adds to the report in first-seen order, each value once.
class ReportBuilder {
 public:
  void AddField(const FieldDescriptor& field) {
    if (fields_seen_.insert(&field).second) report_.fields.push_back(field.full_name());
  }
  void AddProfileId(const std::string& id) {
    if (!id.empty() && profile_ids_seen_.insert(id).second) report_.profile_ids.push_back(id);
  }
  PiiReport Take() { return std::move(report_); }

 private:
  PiiReport report_;
  absl::flat_hash_set<const FieldDescriptor*> fields_seen_;
  absl::flat_hash_set<std::string> profile_ids_seen_;
};

void MaskField(Message& message, const FieldDescriptor& field) {
  const Reflection& reflection = *message.GetReflection();
  const PiiKind kind = PiiKindOf(field);
  if (kind == PiiKind::kClear) {
    reflection.ClearField(&message, &field);
    return;
  }
  std::string scratch;
  if (field.is_repeated()) {
    for (int i = 0; i < reflection.FieldSize(message, &field); ++i) {
      const std::string& value =
          reflection.GetRepeatedStringReference(message, &field, i, &scratch);
      reflection.SetRepeatedString(&message, &field, i, MaskPiiValue(kind, value));
    }
  } else {
    const std::string& value = reflection.GetStringReference(message, &field, &scratch);
    reflection.SetString(&message, &field, MaskPiiValue(kind, value));
  }
}

// Walks the set fields of `message`, reporting PII fields and profile ids; when `mutable_message`
// is non-null (it is then &message) masks the PII fields too. Only sub-messages whose type may
// hold PII or profile ids are entered.
void Walk(const Message& message, Message* mutable_message, ReportBuilder& report) {
  const Reflection& reflection = *message.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  reflection.ListFields(message, &fields);
  for (const FieldDescriptor* field : fields) {
    if (IsPii(*field)) {
      // Reported (and masked) as a whole, message-typed PII (a birth date) included.
      report.AddField(*field);
      if (mutable_message != nullptr) MaskField(*mutable_message, *field);
      continue;
    }
    if (IsProfileId(*field)) {
      std::string scratch;
      if (field->is_repeated()) {
        for (int i = 0; i < reflection.FieldSize(message, field); ++i) {
          report.AddProfileId(reflection.GetRepeatedStringReference(message, field, i, &scratch));
        }
      } else {
        report.AddProfileId(reflection.GetStringReference(message, field, &scratch));
      }
      continue;
    }
    if (field->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE ||
        !Cache().Get(field->message_type()).worth_walking) {
      continue;
    }
    if (field->is_repeated()) {  // Map fields too: their entries are messages.
      for (int i = 0; i < reflection.FieldSize(message, field); ++i) {
        if (mutable_message != nullptr) {
          Message* element = reflection.MutableRepeatedMessage(mutable_message, field, i);
          Walk(*element, element, report);
        } else {
          Walk(reflection.GetRepeatedMessage(message, field, i), nullptr, report);
        }
      }
    } else if (mutable_message != nullptr) {
      Message* child = reflection.MutableMessage(mutable_message, field);
      Walk(*child, child, report);
    } else {
      Walk(reflection.GetMessage(message, field), nullptr, report);
    }
  }
}

}  // namespace

bool MayCarryPii(const Descriptor* type) {
  return type != nullptr && Cache().Get(type).may_carry_pii;
}

PiiReport MaskPii(Message& message) {
  ReportBuilder report;
  if (Cache().Get(message.GetDescriptor()).worth_walking) Walk(message, &message, report);
  return report.Take();
}

PiiReport FindPii(const Message& message) {
  ReportBuilder report;
  if (Cache().Get(message.GetDescriptor()).worth_walking) Walk(message, nullptr, report);
  return report.Take();
}

}  // namespace clientele::gateway
