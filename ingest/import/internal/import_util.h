// Helpers shared by the importers: file reading, strict field parsing, UTF-8 hygiene and
// rejection building. Internal to clientele::importers.
#ifndef CLIENTELE_INGEST_IMPORT_INTERNAL_IMPORT_UTIL_H_
#define CLIENTELE_INGEST_IMPORT_INTERNAL_IMPORT_UTIL_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "clientele/common/v1/types.pb.h"
#include "clientele/ingest/v1/ingest.pb.h"
#include "common/time/proto_time.h"
#include "google/protobuf/timestamp.pb.h"

namespace clientele::ingest::import_internal {

// ImportOptions with every default filled in and checked.
struct Settings {
  std::string source_system;
  std::string source_name;
  common::v1::Channel channel = common::v1::CHANNEL_UNSPECIFIED;
  std::string currency;
  absl::TimeZone time_zone;
  absl::Time snapshot_time;
};

inline constexpr size_t kMaxRawBytes = 4096;
inline constexpr size_t kMaxReasonBytes = 1024;

// The bytes of a whole file or string, at a stable address.
class Contents {
 public:
  explicit Contents(std::string bytes) : string_(std::move(bytes)), view_(string_) {}
  ~Contents();

  Contents(const Contents&) = delete;
  Contents& operator=(const Contents&) = delete;

  // Maps a regular file read-only (the file must not be truncated while the result lives:
  // that would be a SIGBUS, as with any mapping) and reads anything else (pipes) into memory.
  // NotFound / PermissionDenied / Unavailable / InvalidArgument (a directory), each naming
  // `path`.
  static absl::StatusOr<std::unique_ptr<Contents>> ReadFile(const std::string& path);

  std::string_view view() const { return view_; }

 private:
  Contents() = default;

  std::string string_;
  void* mapping_ = nullptr;
  size_t mapping_size_ = 0;
  std::string_view view_;
};

// The last component of `path` ("a/b/c.csv" -> "c.csv").
std::string BaseName(std::string_view path);

// Removes a leading UTF-8 byte order mark.
std::string_view StripUtf8Bom(std::string_view s);

// Removes leading and trailing ASCII whitespace (space, \t, \n, \v, \f, \r).
inline std::string_view TrimAscii(std::string_view s) {
  auto is_space = [](char c) { return c == ' ' || (c >= '\t' && c <= '\r'); };
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

bool EqualsIgnoreAsciiCase(std::string_view a, std::string_view b);

// The index in `header` of each of `names` (fields trimmed, names compared ignoring ASCII
// case; the first match wins). InvalidArgument naming `source_name` and the first missing
// column, showing the header with non-printable characters escaped.
absl::StatusOr<std::vector<size_t>> FindColumns(const std::vector<std::string_view>& header,
                                                const std::vector<std::string_view>& names,
                                                const std::string& source_name);

// Strict integer: an optional sign and 1..19 decimal digits, nothing else. False on bad
// syntax or int64 overflow.
bool ParseInt64(std::string_view s, int64_t* out);

// A local date-time: "YYYY-MM-DD HH:MM:SS", "YYYY-MM-DD HH:MM", "YYYY-MM-DDTHH:MM:SS" or the
// UCI export style "M/D/YYYY H:MM" (seconds optional). False for bad syntax or a date or
// time that does not exist on the calendar (2011-02-30, 24:00).
bool ParseLocalDateTime(std::string_view s, absl::CivilSecond* out);

// A calendar date: "DD-MM-YYYY", "DD/MM/YYYY" or "YYYY-MM-DD".
bool ParseDayMonthYear(std::string_view s, absl::CivilDay* out);

// `s` as valid UTF-8 (each invalid byte becomes U+FFFD) of at most `max_bytes` bytes, cut at
// a character boundary.
std::string SanitizeUtf8(std::string_view s, size_t max_bytes);

// `value` in single quotes for an error message, with non-printable characters escaped
// (text::EscapeForTerminal) and cut to 64 bytes ("..." marks a cut).
std::string Quoted(std::string_view value);

// Column names taken from a header for ClientRejection.field: trimmed, escaped like Quoted.
std::vector<std::string> ColumnNames(const std::vector<std::string_view>& header);

// A rejection with sanitized reason and raw text.
ingest::v1::ClientRejection MakeRejection(const std::string& source_name, int64_t row,
                                          std::string_view field, std::string_view reason,
                                          std::string_view raw);

// absl::string_view is not std::string_view in this abseil build.
inline absl::string_view ToAbsl(std::string_view s) { return {s.data(), s.size()}; }

// `value` made safe for an event id (printable ASCII without spaces): bytes outside
// 0x21..0x7e, '%' and '/' are percent-encoded ("United Kingdom" -> "United%20Kingdom").
std::string EventIdComponent(std::string_view value);

}  // namespace clientele::ingest::import_internal

#endif  // CLIENTELE_INGEST_IMPORT_INTERNAL_IMPORT_UTIL_H_
