// A fast path for reading one protobuf message from its JSON mapping (the events-jsonl lines of
// `clientele import`). protobuf's own JsonStringToMessage (3.21) converts through a token
// stream and a generic object writer and costs about 30 µs per event; this parser walks the
// text once and sets fields through reflection.
//
// It is a fast path, not a second parser: Parse either fills the message exactly as
// JsonStringToMessage (with ignore_unknown_fields = false) would, or returns false, and the
// caller then clears the message and uses JsonStringToMessage, which also produces the error
// message for bad input. It returns false for anything it does not handle itself: unknown
// field names, null, duplicate keys, a second member of a oneof, integers given for enums,
// bytes fields, float fields, well-known types other than Timestamp, Timestamps other than
// "YYYY-MM-DDTHH:MM:SS[.fraction]Z", numbers with fractions or exponents for integer fields,
// \u escapes of surrogates, nesting deeper than 32, and any syntax error.
//
//   FastJsonParser parser;
//   if (!parser.Parse(line, &event)) {
//     event.Clear();
//     ... JsonStringToMessage(line, &event, options) ...
//   }
//
// `json` must be valid UTF-8 (the caller checks). Not thread-safe (it caches per-descriptor
// field tables); use one parser per thread.
#ifndef CLIENTELE_INGEST_IMPORT_INTERNAL_FAST_JSON_PARSER_H_
#define CLIENTELE_INGEST_IMPORT_INTERNAL_FAST_JSON_PARSER_H_

#include <memory>
#include <string>
#include <string_view>

#include "absl/container/flat_hash_map.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"

namespace clientele::ingest::import_internal {

class FastJsonParser {
 public:
  FastJsonParser() = default;
  FastJsonParser(const FastJsonParser&) = delete;
  FastJsonParser& operator=(const FastJsonParser&) = delete;

  // True when `json` was parsed completely into `message` (which should be empty on entry);
  // false otherwise, leaving `message` in an unspecified state.
  bool Parse(std::string_view json, google::protobuf::Message* message);

 private:
  // Field lookup by JSON name and by proto name.
  using FieldTable = absl::flat_hash_map<std::string, const google::protobuf::FieldDescriptor*>;

  const FieldTable& TableOf(const google::protobuf::Descriptor* descriptor);

  absl::flat_hash_map<const google::protobuf::Descriptor*, std::unique_ptr<FieldTable>> tables_;
};

}  // namespace clientele::ingest::import_internal

#endif  // CLIENTELE_INGEST_IMPORT_INTERNAL_FAST_JSON_PARSER_H_
