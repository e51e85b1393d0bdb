// Protobuf messages as nlohmann::json for the CLI's --json output: field names as in the
// .proto, 64-bit integers as JSON numbers (not protobuf's strings), enums by name, maps as
// objects, google.protobuf.Timestamp as RFC 3339 text, every field printed (defaults too).
#ifndef CLIENTELE_CMD_CLIENTELE_PROTO_JSON_H_
#define CLIENTELE_CMD_CLIENTELE_PROTO_JSON_H_

#include "google/protobuf/any.pb.h"
#include "google/protobuf/message.h"
#include "nlohmann/json.hpp"

namespace clientele::cli {

nlohmann::json MessageJson(const google::protobuf::Message& message);

// The message packed in `any`, if its type is linked into the CLI; else
// {"@type": type_url}. Null for an empty Any.
nlohmann::json AnyJson(const google::protobuf::Any& any);

}  // namespace clientele::cli

#endif  // CLIENTELE_CMD_CLIENTELE_PROTO_JSON_H_
