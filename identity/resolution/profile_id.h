// The text forms of the identity service's ids: profile ids ("P0000000042" <-> 42) and source
// keys ("system/id" <-> SourceKey). Pure functions; thread-safe.
#ifndef CLIENTELE_IDENTITY_RESOLUTION_PROFILE_ID_H_
#define CLIENTELE_IDENTITY_RESOLUTION_PROFILE_ID_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "clientele/common/v1/types.pb.h"

namespace clientele::identity {

// "P0000000042" <-> 42. ParseProfileId: InvalidArgument naming `field` for other text.
std::string ProfileIdString(uint64_t number);
absl::StatusOr<uint64_t> ParseProfileId(const std::string& id, const std::string& field);
// "system/id" of a SourceKey.
std::string SourceKeyString(const common::v1::SourceKey& key);
// The SourceKey of a "system/id" string (system up to the first '/'; id "" without one).
common::v1::SourceKey SourceKeyOf(const std::string& key);

}  // namespace clientele::identity

#endif  // CLIENTELE_IDENTITY_RESOLUTION_PROFILE_ID_H_
