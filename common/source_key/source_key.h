// The one codec of clientele.common.v1.SourceKey (a record's source system and its id there).
//
// Text, for people, flags, messages and profile ids: "system/id". A system matches
// [a-z0-9_.-]+ and never holds '/', so the first '/' separates; the id may hold anything
// (further '/' included).
//
//   absl::StatusOr<common::v1::SourceKey> key = ParseSourceKey("web_shop/c-17", "--source");
//   FormatSourceKey(*key) == "web_shop/c-17"
//
// Storage keys (analytics and recommender stores): "system" 0x00 "id", so that the keys of one
// system sort together. Pure functions; thread-safe.
#ifndef CLIENTELE_COMMON_SOURCE_KEY_SOURCE_KEY_H_
#define CLIENTELE_COMMON_SOURCE_KEY_SOURCE_KEY_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "clientele/common/v1/types.pb.h"

namespace clientele {

// "system/id".
std::string FormatSourceKey(const common::v1::SourceKey& key);
std::string FormatSourceKey(std::string_view system, std::string_view id);

// Parses "system/id". InvalidArgument naming `field` when `text` is not one, e.g.
// "--source: expected system/id, got 'pos:17'", or when the system holds a character outside
// [a-z0-9_.-].
absl::StatusOr<common::v1::SourceKey> ParseSourceKey(std::string_view text, std::string_view field);

// "system" 0x00 "id": the storage key of a source key.
std::string EncodeSourceKey(const common::v1::SourceKey& key);
// DataLoss naming `store` if `bytes` holds no 0x00 separator.
absl::StatusOr<common::v1::SourceKey> DecodeSourceKey(std::string_view bytes,
                                                      std::string_view store);

}  // namespace clientele

#endif  // CLIENTELE_COMMON_SOURCE_KEY_SOURCE_KEY_H_
