// Explains why bytes do not parse as a protobuf message: walks the wire format with the
// message's Descriptor and names the first offending field. protobuf's parser only answers
// "false"; gRPC turns that into INTERNAL with an empty message. This library has no gRPC
// dependency (common/proto_check/grpc_request_parsing.h hooks it into gRPC services).
//
//   std::optional<WireProblem> p = FindWireProblem(*IngestRequest::descriptor(), bytes);
//   // p->path == "events[3].customer_upsert.email", p->problem == "invalid UTF-8"
//
// Checked, as protobuf's parser does: tags (field number 0, wire types 6 and 7), varints
// (at most 10 bytes), lengths and fixed-width values within the bytes, groups that close with
// their own number, nesting depth (protobuf's default limit, 100), packed repeated fields,
// and UTF-8 of the `string` fields of proto3 files (map keys and values included). A field
// whose wire type does not match its declaration is an unknown field to protobuf, and is
// checked only structurally here, like unknown field numbers.
//
// Paths use proto field names: a repeated field's element is "name[i]" (i counting that
// field's occurrences at its level), a map entry "name[\"key\"]" when its string or integer
// key comes first, else "name[i]"; a field number the descriptor does not know is
// "#<number>". Pure and thread-safe.
#ifndef CLIENTELE_COMMON_PROTO_CHECK_WIRE_CHECK_H_
#define CLIENTELE_COMMON_PROTO_CHECK_WIRE_CHECK_H_

#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"

namespace clientele::proto_check {

struct WireProblem {
  // Path of the offending field from the message root; empty for a problem at the top level
  // that no field owns (e.g. a truncated tag).
  std::string path;
  // What is wrong, e.g. "invalid UTF-8", "truncated (a length of 120 bytes, 7 left)".
  std::string problem;

  // "<path>: <problem>", or just the problem when the path is empty.
  std::string ToString() const;
};

// The first problem that makes `bytes` fail to parse as a `descriptor` message, or
// std::nullopt if the walk finds none (the bytes then parse, unless they break a limit the
// walk does not model, such as the 2 GiB total size).
std::optional<WireProblem> FindWireProblem(const google::protobuf::Descriptor& descriptor,
                                           std::string_view bytes);

// Parses `bytes` into `message` (replacing its contents). On failure InvalidArgument
// "<path>: <problem>", from FindWireProblem, or "does not parse as <full message name>" if it
// finds nothing.
absl::Status ParseOrExplain(std::string_view bytes, google::protobuf::Message* message);

}  // namespace clientele::proto_check

#endif  // CLIENTELE_COMMON_PROTO_CHECK_WIRE_CHECK_H_
