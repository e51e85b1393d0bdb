// The source keys and profile ids of privacy subjects (privacy.v1.Subject), checked and
// deduplicated, as the components' erasure and export code walks them, and the JSON form of the
// stored messages an export returns (docs/privacy.md).
//
//   CLT_ASSIGN_OR_RETURN(const privacy::SubjectSet set, privacy::CollectSubjects(subjects));
//   for (const common::v1::SourceKey& key : set.keys) { ... }
//   if (set.profile_id_set.contains(row.profile_id())) { ... }
#ifndef CLIENTELE_COMMON_PRIVACY_SUBJECT_SET_H_
#define CLIENTELE_COMMON_PRIVACY_SUBJECT_SET_H_

#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "clientele/common/v1/types.pb.h"
#include "clientele/privacy/v1/privacy.pb.h"
#include "google/protobuf/message.h"
#include "nlohmann/json.hpp"

namespace clientele::privacy {

struct SubjectSet {
  std::vector<common::v1::SourceKey> keys;          // Each key once, in the order given.
  absl::flat_hash_set<std::string> key_texts;       // FormatSourceKey of `keys`.
  std::vector<std::string> profile_ids;             // Each non-empty id once, in the order given.
  absl::flat_hash_set<std::string> profile_id_set;  // The same ids.
};

// InvalidArgument naming "subjects[i].source_keys[k]" for a key without system or id.
absl::StatusOr<SubjectSet> CollectSubjects(const std::vector<v1::Subject>& subjects);

// `message` in protobuf's JSON mapping with proto field names (and, with
// `print_zero_values`, fields at their zero value too), as a JSON value. Internal when the
// message does not print.
absl::StatusOr<nlohmann::json> ProtoToJson(const google::protobuf::Message& message,
                                           bool print_zero_values);

}  // namespace clientele::privacy

#endif  // CLIENTELE_COMMON_PRIVACY_SUBJECT_SET_H_
