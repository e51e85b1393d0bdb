#include "gateway/pii/pii_guard.h"

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "clientele/analytics/v1/analytics.pb.h"
#include "clientele/common/v1/jobs.pb.h"
#include "clientele/common/v1/options.pb.h"
#include "clientele/gateway/v1/audit.pb.h"
#include "clientele/gateway/v1/customer.pb.h"
#include "clientele/gateway/v1/keys.pb.h"
#include "clientele/identity/v1/identity.pb.h"
#include "clientele/ingest/v1/ingest.pb.h"
#include "clientele/recommender/v1/recommender.pb.h"
#include "gmock/gmock.h"
#include "google/protobuf/descriptor.pb.h"
#include "google/protobuf/descriptor_database.h"
#include "google/protobuf/dynamic_message.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"

namespace clientele::gateway {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::DescriptorPool;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;
using google::protobuf::util::MessageDifferencer;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAreArray;

// Every service proto, linked in: a file's descriptors are in the generated pool only when
// its generated code is linked, and the linker keeps it only when something refers to it.
// A new service proto goes here (and into the test's DEPS).
const std::vector<const google::protobuf::FileDescriptor*>& LinkedServiceFiles() {
  static const auto* files = new std::vector<const google::protobuf::FileDescriptor*>{
      ingest::v1::IngestResponse::descriptor()->file(),
      identity::v1::GetProfileResponse::descriptor()->file(),
      analytics::v1::ListRfmResponse::descriptor()->file(),
      recommender::v1::RecommendResponse::descriptor()->file(),
      common::v1::GetJobResponse::descriptor()->file(),
      v1::ListPiiAuditResponse::descriptor()->file(),
      v1::CreateKeyResponse::descriptor()->file(),
      v1::GetCustomer360Response::descriptor()->file(),
  };
  return *files;
}

// Every service of Clientele in the generated pool (every linked file, not a list kept here).
std::vector<const google::protobuf::ServiceDescriptor*> AllServices() {
  LinkedServiceFiles();
  std::vector<std::string> names;
  EXPECT_TRUE(DescriptorPool::internal_generated_database()->FindAllFileNames(&names));
  std::vector<const google::protobuf::ServiceDescriptor*> services;
  for (const std::string& name : names) {
    const google::protobuf::FileDescriptor* file =
        DescriptorPool::generated_pool()->FindFileByName(name);
    if (file == nullptr) continue;
    for (int i = 0; i < file->service_count(); ++i) {
      if (absl::StartsWith(file->service(i)->full_name(), "clientele.")) {
        services.push_back(file->service(i));
      }
    }
  }
  return services;
}

std::vector<const Descriptor*> AllResponseTypes() {
  std::set<const Descriptor*> types;
  for (const auto* service : AllServices()) {
    for (int i = 0; i < service->method_count(); ++i)
      types.insert(service->method(i)->output_type());
  }
  return {types.begin(), types.end()};
}

bool IsPii(const FieldDescriptor& field) { return field.options().GetExtension(common::v1::pii); }

// The test's own statement of the masking table (gateway/pii/pii_mask_rules.h).
enum class Rule { kEmail, kPhone, kName, kRemoved };

Rule RuleOf(const FieldDescriptor& field) {
  if (field.type() != FieldDescriptor::TYPE_STRING) return Rule::kRemoved;
  if (absl::StrContains(field.name(), "email")) return Rule::kEmail;
  if (absl::StrContains(field.name(), "phone")) return Rule::kPhone;
  if (field.name() == "given_name" || field.name() == "family_name" ||
      field.name() == "full_name") {
    return Rule::kName;
  }
  return Rule::kRemoved;
}

// The known value each PII string field is filled with, and what it must mask to.
constexpr char kEmail[] = "Ayse.Kaya@example.com.tr";
constexpr char kEmailMasked[] = "A***@example.com.tr";
constexpr char kPhone[] = "+905321234567";
constexpr char kPhoneMasked[] = "***********67";
constexpr char kName[] = "Şule Çelik";
constexpr char kNameMasked[] = "Ş***";
constexpr char kFreeText[] = "Bağdat Caddesi No 5 Kadıköy";

const char* Original(Rule rule) {
  switch (rule) {
    case Rule::kEmail:
      return kEmail;
    case Rule::kPhone:
      return kPhone;
    case Rule::kName:
      return kName;
    case Rule::kRemoved:
      break;
  }
  return kFreeText;
}

const char* Masked(Rule rule) {
  switch (rule) {
    case Rule::kEmail:
      return kEmailMasked;
    case Rule::kPhone:
      return kPhoneMasked;
    case Rule::kName:
      return kNameMasked;
    case Rule::kRemoved:
      break;
  }
  return "";
}

// Every PII field reachable from `type` (oneof members all counted).
std::set<const FieldDescriptor*> ReachablePiiFields(const Descriptor* type) {
  std::set<const FieldDescriptor*> out;
  std::set<const Descriptor*> seen = {type};
  std::vector<const Descriptor*> pending = {type};
  while (!pending.empty()) {
    const Descriptor* t = pending.back();
    pending.pop_back();
    for (int i = 0; i < t->field_count(); ++i) {
      const FieldDescriptor* f = t->field(i);
      if (IsPii(*f)) out.insert(f);
      if (f->message_type() != nullptr && seen.insert(f->message_type()).second) {
        pending.push_back(f->message_type());
      }
    }
  }
  return out;
}

bool ReachesPii(const FieldDescriptor& field) {
  return IsPii(field) ||
         (field.message_type() != nullptr && !ReachablePiiFields(field.message_type()).empty());
}

// What the filler set: PII values by path ("profile.golden.record.email", "lines[1]"), the
// PII fields covered and the profile ids set.
struct Filled {
  std::map<std::string, Rule> pii_values;  // Rule::kRemoved for every non-string PII field too.
  std::set<const FieldDescriptor*> covered;
  std::set<std::string> profile_ids;
  int next_profile = 1;
};

std::string Child(const std::string& path, const std::string& name) {
  return path.empty() ? name : absl::StrCat(path, ".", name);
}
std::string Element(const std::string& path, int i) { return absl::StrCat(path, "[", i, "]"); }

void SetPiiValue(Message& m, const FieldDescriptor& f, const std::string& path, Filled& out) {
  const Reflection& r = *m.GetReflection();
  const Rule rule = RuleOf(f);
  out.covered.insert(&f);
  const int count = f.is_repeated() ? 2 : 1;
  for (int i = 0; i < count; ++i) {
    const std::string at = f.is_repeated() ? Element(path, i) : path;
    out.pii_values[at] = rule;
    switch (f.cpp_type()) {
      case FieldDescriptor::CPPTYPE_STRING:
        f.is_repeated() ? r.AddString(&m, &f, Original(rule)) : r.SetString(&m, &f, Original(rule));
        break;
      case FieldDescriptor::CPPTYPE_ENUM: {
        const auto* last = f.enum_type()->value(f.enum_type()->value_count() - 1);
        f.is_repeated() ? r.AddEnum(&m, &f, last) : r.SetEnum(&m, &f, last);
        break;
      }
      case FieldDescriptor::CPPTYPE_MESSAGE: {
        Message* sub = f.is_repeated() ? r.AddMessage(&m, &f) : r.MutableMessage(&m, &f);
        // Every integer of the message (a Date: year, month, day) set.
        const Descriptor* t = sub->GetDescriptor();
        for (int k = 0; k < t->field_count(); ++k) {
          if (t->field(k)->cpp_type() == FieldDescriptor::CPPTYPE_INT32 &&
              !t->field(k)->is_repeated()) {
            sub->GetReflection()->SetInt32(sub, t->field(k), 7 + k);
          }
        }
        break;
      }
      case FieldDescriptor::CPPTYPE_INT32:
        f.is_repeated() ? r.AddInt32(&m, &f, 19) : r.SetInt32(&m, &f, 19);
        break;
      case FieldDescriptor::CPPTYPE_INT64:
        f.is_repeated() ? r.AddInt64(&m, &f, 19) : r.SetInt64(&m, &f, 19);
        break;
      default:
        ADD_FAILURE() << "no filler for PII field " << f.full_name();
    }
  }
}

void SetMapKey(Message& entry) {
  const FieldDescriptor* key = entry.GetDescriptor()->map_key();
  const Reflection& r = *entry.GetReflection();
  switch (key->cpp_type()) {
    case FieldDescriptor::CPPTYPE_STRING:
      r.SetString(&entry, key, "key");
      break;
    case FieldDescriptor::CPPTYPE_INT32:
      r.SetInt32(&entry, key, 3);
      break;
    case FieldDescriptor::CPPTYPE_INT64:
      r.SetInt64(&entry, key, 3);
      break;
    default:
      break;
  }
}

// Fills every PII field reachable in `m` (nested, repeated: two elements, map values) with
// its known value; of each oneof, the `variant`-th member (modulo) that reaches PII. Sets the
// profile_id fields of every message that got PII. Returns whether `m` got any PII.
bool FillPii(Message& m, int variant, const std::string& path, std::set<const Descriptor*>& on_path,
             Filled& out) {
  const Descriptor* type = m.GetDescriptor();
  if (on_path.count(type) > 0) return false;  // Recursive types: one level.
  on_path.insert(type);
  const Reflection& r = *m.GetReflection();
  bool any = false;
  for (int i = 0; i < type->field_count(); ++i) {
    const FieldDescriptor* f = type->field(i);
    if (!ReachesPii(*f)) continue;
    if (const auto* oneof = f->containing_oneof()) {
      std::vector<const FieldDescriptor*> members;
      for (int k = 0; k < oneof->field_count(); ++k) {
        if (ReachesPii(*oneof->field(k))) members.push_back(oneof->field(k));
      }
      if (members[variant % members.size()] != f) continue;
    }
    const std::string at = Child(path, f->name());
    if (IsPii(*f)) {
      SetPiiValue(m, *f, at, out);
      any = true;
      continue;
    }
    if (f->is_map()) {
      Message* entry = r.AddMessage(&m, f);
      SetMapKey(*entry);
      const FieldDescriptor* value = entry->GetDescriptor()->map_value();
      if (FillPii(*entry->GetReflection()->MutableMessage(entry, value), variant,
                  Child(Element(at, 0), "value"), on_path, out)) {
        any = true;
      } else {
        r.RemoveLast(&m, f);
      }
    } else if (f->is_repeated()) {
      for (int k = 0; k < 2; ++k) {
        if (FillPii(*r.AddMessage(&m, f), variant, Element(at, k), on_path, out)) {
          any = true;
        } else {
          r.RemoveLast(&m, f);
        }
      }
    } else if (FillPii(*r.MutableMessage(&m, f), variant, at, on_path, out)) {
      any = true;
    } else {
      r.ClearField(&m, f);
    }
  }
  if (any) {
    const FieldDescriptor* profile_id = type->FindFieldByName("profile_id");
    if (profile_id != nullptr && profile_id->type() == FieldDescriptor::TYPE_STRING &&
        !profile_id->is_repeated() && !IsPii(*profile_id)) {
      const std::string id = absl::StrFormat("P%010d", out.next_profile++);
      r.SetString(&m, profile_id, id);
      out.profile_ids.insert(id);
    }
  }
  on_path.erase(type);
  return any;
}

// The set PII fields of `m` by path: a string's value, "<set>" for other types.
void CollectPii(const Message& m, const std::string& path,
                std::map<std::string, std::string>& out) {
  const Reflection& r = *m.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  r.ListFields(m, &fields);
  for (const FieldDescriptor* f : fields) {
    const std::string at = Child(path, f->name());
    const int count = f->is_repeated() ? r.FieldSize(m, f) : 1;
    for (int i = 0; i < count; ++i) {
      const std::string element = f->is_repeated() ? Element(at, i) : at;
      if (IsPii(*f)) {
        if (f->cpp_type() != FieldDescriptor::CPPTYPE_STRING) {
          out[element] = "<set>";
        } else {
          out[element] = f->is_repeated() ? r.GetRepeatedString(m, f, i) : r.GetString(m, f);
        }
      } else if (f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
        const Message& sub = f->is_repeated() ? r.GetRepeatedMessage(m, f, i) : r.GetMessage(m, f);
        const std::string sub_path = f->is_map() ? Child(element, "value") : element;
        if (f->is_map()) {
          const FieldDescriptor* value = sub.GetDescriptor()->map_value();
          if (value->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
            CollectPii(sub.GetReflection()->GetMessage(sub, value), sub_path, out);
          }
        } else {
          CollectPii(sub, sub_path, out);
        }
      }
    }
  }
}

std::vector<std::string> FullNames(const std::set<const FieldDescriptor*>& fields) {
  std::vector<std::string> out;
  for (const auto* f : fields) out.push_back(f->full_name());
  return out;
}

TEST(PiiGuardTest, FindsEveryServiceOfTheSystem) {
  std::set<std::string> names;
  for (const auto* service : AllServices()) names.insert(service->full_name());
  for (const char* expected :
       {"clientele.ingest.v1.IngestService", "clientele.identity.v1.IdentityService",
        "clientele.analytics.v1.AnalyticsService", "clientele.recommender.v1.RecommenderService",
        "clientele.common.v1.JobService", "clientele.gateway.v1.AuditService"}) {
    EXPECT_EQ(names.count(expected), 1u) << expected;
  }
}

// For every response message of every service: every PII field (nested, repeated, map
// values, each oneof member in some variant) filled with a known value, masked, and checked
// against its rule; nothing of an original survives anywhere in the message.
TEST(PiiGuardTest, MasksEveryPiiFieldOfEveryResponse) {
  google::protobuf::DynamicMessageFactory factory;
  int types_with_pii = 0;
  for (const Descriptor* type : AllResponseTypes()) {
    SCOPED_TRACE(type->full_name());
    const std::set<const FieldDescriptor*> reachable = ReachablePiiFields(type);
    EXPECT_EQ(MayCarryPii(type), !reachable.empty());
    if (reachable.empty()) {
      // Nothing to mask: masking leaves any message of the type as it is.
      std::unique_ptr<Message> empty(factory.GetPrototype(type)->New());
      EXPECT_TRUE(MaskPii(*empty).empty());
      continue;
    }
    ++types_with_pii;
    std::set<const FieldDescriptor*> covered;
    for (int variant = 0; variant < 4; ++variant) {
      SCOPED_TRACE(absl::StrCat("variant ", variant));
      std::unique_ptr<Message> original(factory.GetPrototype(type)->New());
      std::set<const Descriptor*> on_path;
      Filled filled;
      ASSERT_TRUE(FillPii(*original, variant, "", on_path, filled));
      covered.insert(filled.covered.begin(), filled.covered.end());

      // FindPii reports and changes nothing.
      std::unique_ptr<Message> untouched(original->New());
      untouched->CopyFrom(*original);
      const PiiReport found = FindPii(*original);
      EXPECT_TRUE(MessageDifferencer::Equals(*original, *untouched));
      EXPECT_THAT(found.fields, UnorderedElementsAreArray(FullNames(filled.covered)));
      EXPECT_THAT(found.profile_ids, UnorderedElementsAreArray(filled.profile_ids));

      std::unique_ptr<Message> masked(original->New());
      masked->CopyFrom(*original);
      const PiiReport report = MaskPii(*masked);
      EXPECT_EQ(report.fields, found.fields);
      EXPECT_EQ(report.profile_ids, found.profile_ids);

      std::map<std::string, std::string> after;
      CollectPii(*masked, "", after);
      for (const auto& [path, rule] : filled.pii_values) {
        SCOPED_TRACE(path);
        auto it = after.find(path);
        if (rule == Rule::kRemoved) {
          EXPECT_TRUE(it == after.end()) << "still set: " << it->second;
          continue;
        }
        ASSERT_TRUE(it != after.end());
        EXPECT_EQ(it->second, Masked(rule));
        EXPECT_FALSE(absl::StrContains(it->second, Original(rule)));
      }
      for (const auto& [path, value] : after) {
        EXPECT_EQ(filled.pii_values.count(path), 1u) << "unexpected PII at " << path;
      }
      const std::string bytes = masked->SerializeAsString();
      for (const char* secret : {kEmail, kPhone, kName, kFreeText, "Şule", "Kaya", "Bağdat"}) {
        EXPECT_FALSE(absl::StrContains(bytes, secret)) << secret;
      }
      // Idempotent.
      std::unique_ptr<Message> twice(masked->New());
      twice->CopyFrom(*masked);
      MaskPii(*twice);
      EXPECT_TRUE(MessageDifferencer::Equals(*masked, *twice));
    }
    EXPECT_THAT(FullNames(covered), UnorderedElementsAreArray(FullNames(reachable)));
  }
  EXPECT_GE(types_with_pii, 6);
}

TEST(PiiGuardTest, MayCarryPiiOfKnownResponses) {
  for (const Descriptor* type :
       {identity::v1::GetProfileResponse::descriptor(), identity::v1::ResolveResponse::descriptor(),
        identity::v1::ExplainMatchResponse::descriptor(),
        identity::v1::GetAuditResponse::descriptor(),
        ingest::v1::ListRejectedResponse::descriptor(),
        ingest::v1::SubscribeResponse::descriptor()}) {
    EXPECT_TRUE(MayCarryPii(type)) << type->full_name();
  }
  for (const Descriptor* type :
       {recommender::v1::RecommendResponse::descriptor(),
        analytics::v1::ListRfmResponse::descriptor(),
        identity::v1::GetConsentsResponse::descriptor(),
        identity::v1::ListProfilesResponse::descriptor(), v1::ListPiiAuditResponse::descriptor(),
        common::v1::GetJobResponse::descriptor(), ingest::v1::IngestResponse::descriptor()}) {
    EXPECT_FALSE(MayCarryPii(type)) << type->full_name();
  }
  EXPECT_FALSE(MayCarryPii(nullptr));
}

TEST(PiiGuardTest, ReportsFieldsOnceAndTheProfilesTheResponseIsAbout) {
  identity::v1::GetProfileResponse response;
  identity::v1::Profile& profile = *response.mutable_profile();
  profile.set_profile_id("P0000000007");
  common::v1::CustomerUpsert& record = *profile.mutable_golden()->mutable_record();
  record.set_email("can@example.com");
  record.set_given_name("Can");
  record.mutable_address()->add_lines("Moda Cd. 1");
  record.mutable_address()->add_lines("Daire 3");
  record.mutable_address()->set_city("İstanbul");
  response.add_other_profile_ids("P0000000009");

  const PiiReport report = FindPii(response);
  EXPECT_THAT(report.fields, ElementsAre("clientele.common.v1.CustomerUpsert.email",
                                         "clientele.common.v1.CustomerUpsert.given_name",
                                         "clientele.common.v1.Address.lines"));
  EXPECT_THAT(report.profile_ids, ElementsAre("P0000000007"));

  MaskPii(response);
  EXPECT_EQ(record.email(), "c***@example.com");
  EXPECT_EQ(record.given_name(), "C***");
  EXPECT_EQ(record.address().lines_size(), 0);
  EXPECT_EQ(record.address().city(), "İstanbul");  // Not personal on its own: kept.
  EXPECT_EQ(profile.profile_id(), "P0000000007");

  identity::v1::GetProfileResponse none;
  none.mutable_profile()->set_profile_id("P0000000001");
  EXPECT_TRUE(FindPii(none).empty());
  EXPECT_THAT(FindPii(none).profile_ids, ElementsAre("P0000000001"));
}

TEST(PiiGuardTest, OneLetterNamesAreStarredOut) {
  common::v1::CustomerUpsert record;
  record.set_given_name("J");
  record.set_family_name("Ö");
  MaskPii(record);
  EXPECT_EQ(record.given_name(), "*");
  EXPECT_EQ(record.family_name(), "*");
}

// A type the generated protos do not have: PII behind a map value and in a recursive type.
class DynamicTypeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    google::protobuf::FileDescriptorProto file;
    file.set_name("pii_guard_test/dynamic.proto");
    file.set_package("pii_guard_test");
    file.set_syntax("proto3");
    file.add_dependency("clientele/common/v1/event.proto");
    file.add_dependency("clientele/common/v1/options.proto");
    google::protobuf::DescriptorProto* node = file.add_message_type();
    node->set_name("Node");
    auto add = [&](const char* name, int number, FieldDescriptorProto::Type type,
                   const char* type_name, bool repeated) {
      FieldDescriptorProto* f = node->add_field();
      f->set_name(name);
      f->set_number(number);
      f->set_type(type);
      if (type_name != nullptr) f->set_type_name(type_name);
      f->set_label(repeated ? FieldDescriptorProto::LABEL_REPEATED
                            : FieldDescriptorProto::LABEL_OPTIONAL);
      return f;
    };
    add("email", 1, FieldDescriptorProto::TYPE_STRING, nullptr, false)
        ->mutable_options()
        ->SetExtension(common::v1::pii, true);
    add("child", 2, FieldDescriptorProto::TYPE_MESSAGE, ".pii_guard_test.Node", false);
    add("by_source", 3, FieldDescriptorProto::TYPE_MESSAGE, ".pii_guard_test.Node.BySourceEntry",
        true);
    google::protobuf::DescriptorProto* entry = node->add_nested_type();
    entry->set_name("BySourceEntry");
    entry->mutable_options()->set_map_entry(true);
    FieldDescriptorProto* key = entry->add_field();
    key->set_name("key");
    key->set_number(1);
    key->set_type(FieldDescriptorProto::TYPE_STRING);
    key->set_label(FieldDescriptorProto::LABEL_OPTIONAL);
    FieldDescriptorProto* value = entry->add_field();
    value->set_name("value");
    value->set_number(2);
    value->set_type(FieldDescriptorProto::TYPE_MESSAGE);
    value->set_type_name(".clientele.common.v1.CustomerUpsert");
    value->set_label(FieldDescriptorProto::LABEL_OPTIONAL);
    common::v1::CustomerUpsert::descriptor();  // Linked into the generated pool.
    ASSERT_NE(pool_.BuildFile(file), nullptr);
    node_ = pool_.FindMessageTypeByName("pii_guard_test.Node");
    ASSERT_NE(node_, nullptr);
  }

  using FieldDescriptorProto = google::protobuf::FieldDescriptorProto;
  DescriptorPool pool_{DescriptorPool::generated_pool()};
  google::protobuf::DynamicMessageFactory factory_{&pool_};
  const Descriptor* node_ = nullptr;
};

TEST_F(DynamicTypeTest, WalksMapValuesAndRecursiveTypes) {
  EXPECT_TRUE(MayCarryPii(node_));
  std::unique_ptr<Message> root(factory_.GetPrototype(node_)->New());
  const Reflection& r = *root->GetReflection();
  const FieldDescriptor* email = node_->FindFieldByName("email");
  Message* child = r.MutableMessage(root.get(), node_->FindFieldByName("child"));
  child->GetReflection()->SetString(child, email, "deep@example.com");
  Message* entry = r.AddMessage(root.get(), node_->FindFieldByName("by_source"));
  entry->GetReflection()->SetString(entry, entry->GetDescriptor()->map_key(), "web/1");
  Message* value =
      entry->GetReflection()->MutableMessage(entry, entry->GetDescriptor()->map_value());
  value->GetReflection()->SetString(value, value->GetDescriptor()->FindFieldByName("phone"),
                                    "+905551112233");

  const PiiReport report = MaskPii(*root);
  EXPECT_THAT(report.fields,
              ElementsAre("pii_guard_test.Node.email", "clientele.common.v1.CustomerUpsert.phone"));
  const Message& masked_child = r.GetMessage(*root, node_->FindFieldByName("child"));
  EXPECT_EQ(masked_child.GetReflection()->GetString(masked_child, email), "d***@example.com");
  const Message& masked_entry = r.GetRepeatedMessage(*root, node_->FindFieldByName("by_source"), 0);
  const Message& masked_value = masked_entry.GetReflection()->GetMessage(
      masked_entry, masked_entry.GetDescriptor()->map_value());
  EXPECT_EQ(masked_value.GetReflection()->GetString(
                masked_value, masked_value.GetDescriptor()->FindFieldByName("phone")),
            "***********33");
}

}  // namespace
}  // namespace clientele::gateway
