#include "identity/client/identity_client.h"

#include "absl/strings/str_cat.h"

namespace clientele::identity {

std::string ProfileMapKey(const common::v1::SourceKey& key) {
  std::string out = key.system();
  out.push_back('\0');
  out.append(key.id());
  return out;
}

absl::Status CheckReportedPositions(const LogPositions& min_applied,
                                    const absl::flat_hash_map<uint32_t, uint64_t>& reported) {
  for (const auto& [partition, sequence] : min_applied) {
    if (sequence == 0) continue;
    auto it = reported.find(partition);
    if (it == reported.end()) {
      return absl::UnavailableError(
          absl::StrCat("identity GetProfileMap: identity reported no applied position of "
                       "partition ",
                       partition, " (the caller has applied through sequence ", sequence, ")"));
    }
    if (it->second < sequence) {
      return absl::UnavailableError(absl::StrCat(
          "identity GetProfileMap: identity is catching up with the log: partition ", partition,
          " applied through sequence ", it->second, ", the caller through ", sequence));
    }
  }
  return absl::OkStatus();
}

}  // namespace clientele::identity
