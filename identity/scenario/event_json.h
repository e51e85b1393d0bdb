// A fast writer of protobuf's JSON mapping, for the millions of lines `clientele gen` writes.
//
//   std::string line;
//   AppendMessageJson(event, &line);  // {"eventId":"pos/customer/POS123","channel":...}
//
// Produces what google::protobuf::util::MessageToJsonString produces with default options
// (lowerCamelCase names, enums by name, 64-bit integers as strings, default values of
// singular scalars omitted, google.protobuf.Timestamp as RFC 3339 in UTC), up to
// insignificant differences: the output parses back with JsonStringToMessage into an equal
// message. Uses reflection, without the type-resolver round trip of protobuf's own printer.
// Other well-known types (Duration, Any, Struct, wrappers) are written as plain messages,
// which is wrong for them: Event does not use them. Thread-safe.
#ifndef CLIENTELE_IDENTITY_SCENARIO_EVENT_JSON_H_
#define CLIENTELE_IDENTITY_SCENARIO_EVENT_JSON_H_

#include <string>

#include "clientele/common/v1/event.pb.h"
#include "google/protobuf/message.h"

namespace clientele::identity::scenario {

// Appends the JSON object of `message` (one line, no newline) to `out`.
void AppendMessageJson(const google::protobuf::Message& message, std::string* out);

// The same bytes as AppendMessageJson(event, out), faster: CustomerUpsert (without
// attributes) and ConsentChange events are written without reflection.
void AppendEventJson(const common::v1::Event& event, std::string* out);

}  // namespace clientele::identity::scenario

#endif  // CLIENTELE_IDENTITY_SCENARIO_EVENT_JSON_H_
