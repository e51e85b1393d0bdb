// Differential fuzzing of the events-jsonl fast path (ingest/import/internal/fast_json_parser)
// against protobuf's JSON parser: whenever FastJsonParser accepts a line, JsonStringToMessage
// (ignore_unknown_fields = false, as the importer calls it) must accept it too and produce the
// same Event. Declining is always allowed (the importer then falls back to protobuf).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "clientele/common/v1/event.pb.h"
#include "common/text/utf8.h"
#include "fuzz/fuzz_check.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/message_differencer.h"
#include "ingest/import/internal/fast_json_parser.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view json(reinterpret_cast<const char*>(data), size);
  if (!clientele::text::IsValidUtf8(json)) return 0;  // Parse's precondition.
  static auto* parser = new clientele::ingest::import_internal::FastJsonParser();
  clientele::common::v1::Event fast;
  if (!parser->Parse(json, &fast)) return 0;

  clientele::common::v1::Event reference;
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  const auto status = google::protobuf::util::JsonStringToMessage(
      google::protobuf::StringPiece(json.data(), json.size()), &reference, options);
  if (!status.ok()) {
    std::fprintf(stderr, "fast parser accepted what protobuf rejects: %s\n",
                 status.ToString().c_str());
  }
  FUZZ_CHECK(status.ok());
  if (!google::protobuf::util::MessageDifferencer::Equals(fast, reference)) {
    std::fprintf(stderr, "fast:\n%s\nprotobuf:\n%s\n", fast.DebugString().c_str(),
                 reference.DebugString().c_str());
    FUZZ_CHECK(false);
  }
  return 0;
}
