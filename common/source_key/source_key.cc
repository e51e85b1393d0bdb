#include "common/source_key/source_key.h"

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

namespace clientele {
namespace {

absl::string_view Absl(std::string_view s) { return absl::string_view(s.data(), s.size()); }

bool IsSystemChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
}

}  // namespace

std::string FormatSourceKey(const common::v1::SourceKey& key) {
  return FormatSourceKey(key.system(), key.id());
}

std::string FormatSourceKey(std::string_view system, std::string_view id) {
  std::string out;
  out.reserve(system.size() + 1 + id.size());
  out.append(system);
  out.push_back('/');
  out.append(id);
  return out;
}

absl::StatusOr<common::v1::SourceKey> ParseSourceKey(std::string_view text,
                                                     std::string_view field) {
  const size_t slash = text.find('/');
  if (slash == std::string_view::npos || slash == 0 || slash + 1 == text.size()) {
    return absl::InvalidArgumentError(absl::StrCat(Absl(field), ": expected system/id, got '",
                                                   absl::CHexEscape(Absl(text)), "'"));
  }
  const std::string_view system = text.substr(0, slash);
  for (char c : system) {
    if (!IsSystemChar(c)) {
      return absl::InvalidArgumentError(
          absl::StrCat(Absl(field), ": expected system/id, got '", absl::CHexEscape(Absl(text)),
                       "' (a system holds only a-z, 0-9, '_', '.' and '-')"));
    }
  }
  common::v1::SourceKey key;
  key.set_system(std::string(system));
  key.set_id(std::string(text.substr(slash + 1)));
  return key;
}

std::string EncodeSourceKey(const common::v1::SourceKey& key) {
  std::string out;
  out.reserve(key.system().size() + 1 + key.id().size());
  out.append(key.system());
  out.push_back('\0');
  out.append(key.id());
  return out;
}

absl::StatusOr<common::v1::SourceKey> DecodeSourceKey(std::string_view bytes,
                                                      std::string_view store) {
  const size_t sep = bytes.find('\0');
  if (sep == std::string_view::npos) {
    return absl::DataLossError(absl::StrCat(Absl(store), " store: malformed source key '",
                                            absl::CHexEscape(Absl(bytes)), "'"));
  }
  common::v1::SourceKey key;
  key.set_system(std::string(bytes.substr(0, sep)));
  key.set_id(std::string(bytes.substr(sep + 1)));
  return key;
}

}  // namespace clientele
