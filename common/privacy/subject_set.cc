#include "common/privacy/subject_set.h"

#include "absl/strings/str_cat.h"
#include "common/source_key/source_key.h"
#include "google/protobuf/util/json_util.h"

namespace clientele::privacy {

absl::StatusOr<SubjectSet> CollectSubjects(const std::vector<v1::Subject>& subjects) {
  SubjectSet out;
  for (size_t s = 0; s < subjects.size(); ++s) {
    for (int k = 0; k < subjects[s].source_keys_size(); ++k) {
      const common::v1::SourceKey& key = subjects[s].source_keys(k);
      if (key.system().empty() || key.id().empty()) {
        return absl::InvalidArgumentError(
            absl::StrCat("subjects[", s, "].source_keys[", k, "]: system and id are required"));
      }
      if (out.key_texts.insert(FormatSourceKey(key)).second) out.keys.push_back(key);
    }
    for (const std::string& id : subjects[s].profile_ids()) {
      if (!id.empty() && out.profile_id_set.insert(id).second) out.profile_ids.push_back(id);
    }
  }
  return out;
}

absl::StatusOr<nlohmann::json> ProtoToJson(const google::protobuf::Message& message,
                                           bool print_zero_values) {
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  options.always_print_primitive_fields = print_zero_values;
  std::string text;
  if (const auto status = google::protobuf::util::MessageToJsonString(message, &text, options);
      !status.ok()) {
    return absl::InternalError(
        absl::StrCat("exporting ", message.GetTypeName(), ": ", status.message().as_string()));
  }
  return nlohmann::json::parse(text);
}

}  // namespace clientele::privacy
