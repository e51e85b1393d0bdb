#include "ingest/import/internal/import_util.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/text/terminal_escape.h"
#include "common/text/utf8.h"

namespace clientele::ingest::import_internal {
namespace {

absl::Status ErrnoToStatus(int error, const std::string& path) {
  std::string message = absl::StrCat("cannot read '", text::EscapeForTerminal(path, 1024),
                                     "': ", std::strerror(error));
  switch (error) {
    case ENOENT:
    case ENOTDIR:
      return absl::NotFoundError(message);
    case EACCES:
    case EPERM:
      return absl::PermissionDeniedError(message);
    case EISDIR:
      return absl::InvalidArgumentError(message);
    default:
      return absl::UnavailableError(message);
  }
}

char ToLowerAscii(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

// Reads fixed-width or variable-width fields left to right.
class Cursor {
 public:
  explicit Cursor(std::string_view s) : p_(s.data()), end_(s.data() + s.size()) {}

  // Reads between min_digits and max_digits decimal digits (as many as there are).
  bool Digits(int min_digits, int max_digits, int* value) {
    int n = 0;
    int v = 0;
    while (n < max_digits && p_ < end_ && *p_ >= '0' && *p_ <= '9') {
      v = v * 10 + (*p_ - '0');
      ++p_;
      ++n;
    }
    *value = v;
    return n >= min_digits;
  }
  bool Char(char c) {
    if (p_ < end_ && *p_ == c) {
      ++p_;
      return true;
    }
    return false;
  }
  bool AtEnd() const { return p_ == end_; }

 private:
  const char* p_;
  const char* const end_;
};

bool MakeCivilSecond(int y, int m, int d, int hh, int mi, int ss, absl::CivilSecond* out) {
  if (y < 1) return false;
  const absl::CivilSecond cs(y, m, d, hh, mi, ss);
  // CivilSecond normalizes out-of-range fields (Feb 30 -> Mar 2); a real date survives as is.
  if (cs.year() != y || cs.month() != m || cs.day() != d || cs.hour() != hh || cs.minute() != mi ||
      cs.second() != ss) {
    return false;
  }
  *out = cs;
  return true;
}

// Length of the well-formed UTF-8 sequence at p (1..4), or 0 if there is none.
size_t Utf8SequenceLength(const unsigned char* p, size_t left) {
  const unsigned char c = p[0];
  if (c < 0x80) return 1;
  auto cont = [](unsigned char b) { return (b & 0xC0) == 0x80; };
  if (c < 0xC2) return 0;
  if (c < 0xE0) return left >= 2 && cont(p[1]) ? 2 : 0;
  if (c < 0xF0) {
    if (left < 3) return 0;
    const unsigned char lo = c == 0xE0 ? 0xA0 : 0x80;
    const unsigned char hi = c == 0xED ? 0x9F : 0xBF;
    return p[1] >= lo && p[1] <= hi && cont(p[2]) ? 3 : 0;
  }
  if (c < 0xF5) {
    if (left < 4) return 0;
    const unsigned char lo = c == 0xF0 ? 0x90 : 0x80;
    const unsigned char hi = c == 0xF4 ? 0x8F : 0xBF;
    return p[1] >= lo && p[1] <= hi && cont(p[2]) && cont(p[3]) ? 4 : 0;
  }
  return 0;
}

}  // namespace

Contents::~Contents() {
  if (mapping_ != nullptr) ::munmap(mapping_, mapping_size_);
}

absl::StatusOr<std::unique_ptr<Contents>> Contents::ReadFile(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ErrnoToStatus(errno, path);
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    const int error = errno;
    ::close(fd);
    return ErrnoToStatus(error, path);
  }
  if (S_ISDIR(st.st_mode)) {
    ::close(fd);
    return ErrnoToStatus(EISDIR, path);
  }
  auto contents = std::unique_ptr<Contents>(new Contents());
  if (S_ISREG(st.st_mode) && st.st_size > 0) {
    // Mapping costs a fraction of read(2): no copy, and no page faults on fresh memory.
    const size_t size = static_cast<size_t>(st.st_size);
    void* mapping = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
    if (mapping != MAP_FAILED) {
      ::close(fd);
      contents->mapping_ = mapping;
      contents->mapping_size_ = size;
      contents->view_ = std::string_view(static_cast<const char*>(mapping), size);
      return contents;
    }
  }
  std::string& data = contents->string_;
  data.resize(size_t{1} << 16);
  size_t length = 0;
  for (;;) {
    if (length == data.size()) data.resize(data.size() * 2);
    const ssize_t n = ::read(fd, data.data() + length, data.size() - length);
    if (n < 0) {
      if (errno == EINTR) continue;
      const int error = errno;
      ::close(fd);
      return ErrnoToStatus(error, path);
    }
    if (n == 0) break;
    length += static_cast<size_t>(n);
  }
  ::close(fd);
  data.resize(length);
  contents->view_ = data;
  return contents;
}

std::string BaseName(std::string_view path) {
  while (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  const size_t slash = path.rfind('/');
  if (slash != std::string_view::npos && path.size() > 1) path.remove_prefix(slash + 1);
  return std::string(path);
}

std::string_view StripUtf8Bom(std::string_view s) {
  if (s.size() >= 3 && s.substr(0, 3) == "\xEF\xBB\xBF") s.remove_prefix(3);
  return s;
}

bool EqualsIgnoreAsciiCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (ToLowerAscii(a[i]) != ToLowerAscii(b[i])) return false;
  }
  return true;
}

absl::StatusOr<std::vector<size_t>> FindColumns(const std::vector<std::string_view>& header,
                                                const std::vector<std::string_view>& names,
                                                const std::string& source_name) {
  std::vector<size_t> indexes;
  indexes.reserve(names.size());
  for (std::string_view name : names) {
    size_t i = 0;
    while (i < header.size() && !EqualsIgnoreAsciiCase(TrimAscii(header[i]), name)) ++i;
    if (i == header.size()) {
      // The header is file content: a binary file must not reach the terminal raw.
      return absl::InvalidArgumentError(absl::StrCat(
          text::EscapeForTerminal(source_name, 1024), ": the header lacks the column '",
          ToAbsl(name), "' (header: ",
          text::EscapeForTerminal(absl::StrJoin(header, ",",
                                                [](std::string* out, std::string_view field) {
                                                  out->append(field.data(), field.size());
                                                }),
                                  256),
          ")"));
    }
    indexes.push_back(i);
  }
  return indexes;
}

bool ParseInt64(std::string_view s, int64_t* out) {
  bool negative = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s.empty() || s.size() > 19) return false;
  uint64_t value = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    value = value * 10 + static_cast<uint64_t>(c - '0');  // 19 digits cannot overflow uint64.
  }
  const uint64_t limit = static_cast<uint64_t>(INT64_MAX) + (negative ? 1 : 0);
  if (value > limit) return false;
  *out = negative ? static_cast<int64_t>(0 - value) : static_cast<int64_t>(value);
  return true;
}

bool ParseLocalDateTime(std::string_view s, absl::CivilSecond* out) {
  Cursor c(s);
  int y = 0, m = 0, d = 0, hh = 0, mi = 0, ss = 0;
  if (s.size() > 4 && s[4] == '-') {  // YYYY-MM-DD HH:MM[:SS]
    if (!c.Digits(4, 4, &y) || !c.Char('-') || !c.Digits(2, 2, &m) || !c.Char('-') ||
        !c.Digits(2, 2, &d) || !(c.Char(' ') || c.Char('T')) || !c.Digits(2, 2, &hh) ||
        !c.Char(':') || !c.Digits(2, 2, &mi)) {
      return false;
    }
  } else {  // M/D/YYYY H:MM[:SS]
    if (!c.Digits(1, 2, &m) || !c.Char('/') || !c.Digits(1, 2, &d) || !c.Char('/') ||
        !c.Digits(4, 4, &y) || !c.Char(' ') || !c.Digits(1, 2, &hh) || !c.Char(':') ||
        !c.Digits(2, 2, &mi)) {
      return false;
    }
  }
  if (c.Char(':') && !c.Digits(2, 2, &ss)) return false;
  if (!c.AtEnd()) return false;
  return MakeCivilSecond(y, m, d, hh, mi, ss, out);
}

bool ParseDayMonthYear(std::string_view s, absl::CivilDay* out) {
  Cursor c(s);
  int y = 0, m = 0, d = 0;
  if (s.size() > 4 && s[4] == '-') {  // YYYY-MM-DD
    if (!c.Digits(4, 4, &y) || !c.Char('-') || !c.Digits(2, 2, &m) || !c.Char('-') ||
        !c.Digits(2, 2, &d)) {
      return false;
    }
  } else {  // DD-MM-YYYY or DD/MM/YYYY
    if (!c.Digits(1, 2, &d)) return false;
    const char sep = c.Char('-') ? '-' : (c.Char('/') ? '/' : '\0');
    if (sep == '\0' || !c.Digits(1, 2, &m) || !c.Char(sep) || !c.Digits(4, 4, &y)) return false;
  }
  absl::CivilSecond cs;
  if (!c.AtEnd() || !MakeCivilSecond(y, m, d, 0, 0, 0, &cs)) return false;
  *out = absl::CivilDay(cs);
  return true;
}

std::string SanitizeUtf8(std::string_view s, size_t max_bytes) {
  if (text::IsValidUtf8(s)) {
    if (s.size() <= max_bytes) return std::string(s);
    size_t cut = max_bytes;
    while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
    return std::string(s.substr(0, cut));
  }
  static constexpr std::string_view kReplacement = "\xEF\xBF\xBD";
  std::string out;
  out.reserve(std::min(s.size(), max_bytes));
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  size_t i = 0;
  while (i < s.size()) {
    const size_t length = Utf8SequenceLength(p + i, s.size() - i);
    const std::string_view piece = length == 0 ? kReplacement : s.substr(i, length);
    if (out.size() + piece.size() > max_bytes) break;
    out.append(piece);
    i += length == 0 ? 1 : length;
  }
  return out;
}

std::vector<std::string> ColumnNames(const std::vector<std::string_view>& header) {
  std::vector<std::string> names;
  names.reserve(header.size());
  for (std::string_view name : header)
    names.push_back(text::EscapeForTerminal(TrimAscii(name), 64));
  return names;
}

std::string Quoted(std::string_view value) {
  return absl::StrCat("'", text::EscapeForTerminal(value, 64), "'");
}

ingest::v1::ClientRejection MakeRejection(const std::string& source_name, int64_t row,
                                          std::string_view field, std::string_view reason,
                                          std::string_view raw) {
  ingest::v1::ClientRejection rejection;
  rejection.set_source_name(source_name);
  rejection.set_row(row);
  rejection.set_field(SanitizeUtf8(field, kMaxReasonBytes));
  rejection.set_reason(SanitizeUtf8(reason, kMaxReasonBytes));
  rejection.set_raw(SanitizeUtf8(raw, kMaxRawBytes));
  return rejection;
}

std::string EventIdComponent(std::string_view value) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(value.size());
  for (char ch : value) {
    const auto c = static_cast<unsigned char>(ch);
    if (c > 0x20 && c < 0x7f && c != '%' && c != '/') {
      out.push_back(ch);
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

}  // namespace clientele::ingest::import_internal
