#include "identity/resolution/profile_id.h"

#include <cstdio>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/source_key/source_key.h"

namespace clientele::identity {

std::string ProfileIdString(uint64_t number) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "P%010llu", static_cast<unsigned long long>(number));
  return buf;
}

absl::StatusOr<uint64_t> ParseProfileId(const std::string& id, const std::string& field) {
  uint64_t n = 0;
  if (id.size() < 2 || id[0] != 'P' || !absl::SimpleAtoi(id.substr(1), &n) || n == 0 ||
      id.find_first_not_of("0123456789", 1) != std::string::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": '", id, "' is not a profile id (P followed by digits)"));
  }
  return n;
}

std::string SourceKeyString(const common::v1::SourceKey& key) { return FormatSourceKey(key); }

common::v1::SourceKey SourceKeyOf(const std::string& key) {
  common::v1::SourceKey out;
  const size_t slash = key.find('/');
  out.set_system(key.substr(0, slash));
  out.set_id(slash == std::string::npos ? "" : key.substr(slash + 1));
  return out;
}

}  // namespace clientele::identity
