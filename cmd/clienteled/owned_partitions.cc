#include "cmd/clienteled/owned_partitions.h"

#include <algorithm>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace clientele {

absl::StatusOr<std::vector<uint32_t>> OwnedPartitions(absl::string_view spec,
                                                      uint32_t partition_count, uint32_t replicas,
                                                      absl::string_view host_name) {
  if (replicas > partition_count) {
    return absl::InvalidArgumentError(absl::StrCat("--ingest_replicas: ", replicas,
                                                   " exceeds --partition_count ", partition_count,
                                                   " (a node owns at least one partition)"));
  }
  if (replicas == 0) replicas = partition_count;
  std::vector<uint32_t> owned;
  if (spec == "ordinal") {
    // A StatefulSet pod "ingest-1" is ordinal 1.
    const size_t dash = host_name.rfind('-');
    uint32_t ordinal = 0;
    if (dash == absl::string_view::npos ||
        !absl::SimpleAtoi(host_name.substr(dash + 1), &ordinal)) {
      return absl::InvalidArgumentError(absl::StrCat("--partitions=ordinal: host name '", host_name,
                                                     "' has no -<ordinal> suffix"));
    }
    if (ordinal >= replicas) {
      return absl::InvalidArgumentError(
          absl::StrCat("--partitions=ordinal: ordinal ", ordinal, " of host '", host_name,
                       "' is not below --ingest_replicas ", replicas));
    }
    for (uint32_t p = ordinal; p < partition_count; p += replicas) owned.push_back(p);
    return owned;
  }
  for (absl::string_view p : absl::StrSplit(spec, ',', absl::SkipWhitespace())) {
    uint32_t v = 0;
    if (!absl::SimpleAtoi(p, &v) || v >= partition_count) {
      return absl::InvalidArgumentError(
          absl::StrCat("--partitions: '", p, "' is not a partition below ", partition_count));
    }
    owned.push_back(v);
  }
  std::sort(owned.begin(), owned.end());
  owned.erase(std::unique(owned.begin(), owned.end()), owned.end());
  return owned;
}

}  // namespace clientele
