// The gateway's API keys, persisted in one column family of the gateway's RocksDB store
// (<data_dir>/gateway, gateway/gateway_store.h) and held in memory for lookups: keys are few
// and this process is the only writer of its store.
//
//   CLT_ASSIGN_OR_RETURN(std::unique_ptr<KeyStore> keys,
//                        KeyStore::Open(kv, kKeysColumnFamily, {.roles = {"admin", ...}}));
//   CLT_ASSIGN_OR_RETURN(NewKey created, keys->CreateKey({.name = "shop", .role = "ingest"}));
//   // created.key ("clt_key-…_…") is the only copy of the secret: hand it to the caller.
#ifndef CLIENTELE_GATEWAY_AUTH_KEY_STORE_H_
#define CLIENTELE_GATEWAY_AUTH_KEY_STORE_H_

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "clientele/gateway/v1/keys.pb.h"
#include "clientele/gateway/v1/keys_state.pb.h"
#include "common/storage/kv_store.h"
#include "gateway/auth/api_key.h"

namespace clientele::gateway {

struct KeyStoreOptions {
  // The roles a key may have (gateway/authz/role_table.h: RoleTable::KeyRoles()).
  std::vector<std::string> roles;
  // The clock of created_at, revoked_at and expiry checks. Default: absl::Now.
  std::function<absl::Time()> now;
};

// What to create.
struct KeySpec {
  std::string name;
  std::string role;
  double rps = 0;  // 0: the server's default rate.
  std::optional<absl::Time> expires_at;
};

// A key just created: `key` is the whole key text, the only copy of its secret.
struct NewKey {
  v1::KeyInfo info;
  std::string key;
};

// Thread-safe. Lookups (Find) take a shared lock on the in-memory map; changes write to the
// store first and then to the map, under an exclusive lock.
class KeyStore {
 public:
  // Loads the keys of column family `cf` of `kv`. `kv` is not owned and must outlive the
  // store. DataLoss when a stored key does not parse.
  static absl::StatusOr<std::unique_ptr<KeyStore>> Open(storage::KvStore* kv,
                                                        storage::ColumnFamilyId cf,
                                                        KeyStoreOptions options);

  // Validates `spec` (InvalidArgument naming the field: name empty, longer than 200 or with
  // control characters; role not one of options.roles; rps negative, not finite or above
  // 1e6; expires_at not in the future), generates a key and stores its hash.
  absl::StatusOr<NewKey> CreateKey(const KeySpec& spec);

  // Stores an already generated key (the bootstrap key, whose file is written before it is
  // stored). Validates like CreateKey; AlreadyExists when the key id is taken.
  absl::StatusOr<NewKey> AddKey(const ApiKey& key, const KeySpec& spec);

  // Marks the key revoked. NotFound for an unknown id; a revoked key is returned unchanged.
  absl::StatusOr<v1::KeyInfo> RevokeKey(std::string_view key_id);

  // Every key, oldest first (created_at, then key id).
  std::vector<v1::KeyInfo> ListKeys() const;

  // The stored key of `key_id`, revoked and expired ones included; nullopt when unknown.
  std::optional<v1::StoredKey> Find(std::string_view key_id) const;

  // True when no key was ever stored (revoked keys count as stored).
  bool empty() const;

  absl::Time Now() const { return now_(); }

 private:
  KeyStore(storage::KvStore* kv, storage::ColumnFamilyId cf, KeyStoreOptions options);
  absl::Status Validate(const KeySpec& spec) const;
  absl::Status Put(const v1::StoredKey& stored);

  storage::KvStore* const kv_;  // Not owned.
  const storage::ColumnFamilyId cf_;
  const std::vector<std::string> roles_;
  const std::function<absl::Time()> now_;
  mutable absl::Mutex mu_;
  absl::flat_hash_map<std::string, v1::StoredKey> keys_ ABSL_GUARDED_BY(mu_);
};

}  // namespace clientele::gateway

#endif  // CLIENTELE_GATEWAY_AUTH_KEY_STORE_H_
