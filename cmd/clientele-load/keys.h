// The subjects of load calls: profile ids ("P0000000001") or source keys ("system/id"), read
// from a file or fetched from identity, then shuffled so that consecutive calls ask for
// unrelated customers.
#ifndef CLIENTELE_CMD_CLIENTELE_LOAD_KEYS_H_
#define CLIENTELE_CMD_CLIENTELE_LOAD_KEYS_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "clientele/common/v1/types.pb.h"
#include "grpcpp/channel.h"

namespace clientele::load {

// One key: a source key when it holds a '/' (split at the first one), else a profile id.
struct ParsedKey {
  std::string profile_id;  // Set for a profile id.
  bool is_source_key = false;
  common::v1::SourceKey source_key;  // Set when is_source_key.
};
ParsedKey ParseKey(const std::string& key);

// Keys from a text file, one per line; blank lines and lines starting with '#' are skipped,
// surrounding whitespace is trimmed. Errors: NotFound if the file cannot be opened,
// InvalidArgument naming the line for a "system/" or "/id" key with an empty part,
// FailedPrecondition if the file holds no key.
absl::StatusOr<std::vector<std::string>> ReadKeysFile(const std::string& path);

// Up to `max_keys` profile ids from identity's ListProfiles, in id order.
absl::StatusOr<std::vector<std::string>> FetchProfileIds(
    const std::shared_ptr<grpc::Channel>& channel, int64_t max_keys, absl::Duration timeout);

// Up to `max_keys` "system/id" source keys from identity's GetProfileMap (only those of
// `system` unless it is empty).
absl::StatusOr<std::vector<std::string>> FetchSourceKeys(
    const std::shared_ptr<grpc::Channel>& channel, const std::string& system, int64_t max_keys,
    absl::Duration timeout);

// A seeded, deterministic permutation of `keys`.
std::vector<std::string> ShuffleKeys(std::vector<std::string> keys, uint64_t seed);

}  // namespace clientele::load

#endif  // CLIENTELE_CMD_CLIENTELE_LOAD_KEYS_H_
