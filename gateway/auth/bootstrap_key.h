// The first admin key of a fresh gateway: without it nobody could create keys.
//
//   CLT_ASSIGN_OR_RETURN(std::optional<std::string> path, EnsureBootstrapAdminKey(keys, data_dir));
//   if (path) LOG(INFO) << "admin API key written to " << *path;
#ifndef CLIENTELE_GATEWAY_AUTH_BOOTSTRAP_KEY_H_
#define CLIENTELE_GATEWAY_AUTH_BOOTSTRAP_KEY_H_

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "gateway/auth/key_store.h"

namespace clientele::gateway {

inline constexpr char kBootstrapKeyFile[] = "bootstrap-admin.key";
inline constexpr char kBootstrapKeyName[] = "bootstrap-admin";

// When `keys` holds no key at all (revoked ones count): creates an admin key named
// "bootstrap-admin", writes it (the key and a newline) to <data_dir>/bootstrap-admin.key,
// created with mode 0600 (a file left there by an earlier store is replaced, never reused
// with its old mode), and only then stores it, so a key is never stored that nobody can read.
// Returns the file's path, or nullopt when the store already had keys (nothing is written).
// Not safe against a concurrent CreateKey: call it once, at start-up.
absl::StatusOr<std::optional<std::string>> EnsureBootstrapAdminKey(KeyStore& keys,
                                                                   const std::string& data_dir);

}  // namespace clientele::gateway

#endif  // CLIENTELE_GATEWAY_AUTH_BOOTSTRAP_KEY_H_
