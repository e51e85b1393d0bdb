#include "gateway/auth/key_store.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "common/status/status_macros.h"
#include "common/time/proto_time.h"

namespace clientele::gateway {
namespace {

constexpr size_t kMaxNameLength = 200;
constexpr double kMaxRps = 1e6;

// Debian's abseil has its own string_view type: std::string_view converts explicitly.
absl::string_view Sv(std::string_view text) { return absl::string_view(text.data(), text.size()); }

bool HasControlCharacter(std::string_view text) {
  return std::any_of(text.begin(), text.end(),
                     [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
}

}  // namespace

KeyStore::KeyStore(storage::KvStore* kv, storage::ColumnFamilyId cf, KeyStoreOptions options)
    : kv_(kv),
      cf_(cf),
      roles_(std::move(options.roles)),
      now_(options.now ? std::move(options.now) : [] { return absl::Now(); }) {}

absl::StatusOr<std::unique_ptr<KeyStore>> KeyStore::Open(storage::KvStore* kv,
                                                         storage::ColumnFamilyId cf,
                                                         KeyStoreOptions options) {
  std::unique_ptr<KeyStore> store(new KeyStore(kv, cf, std::move(options)));
  std::unique_ptr<storage::KvIterator> it = kv->NewIterator(cf);
  absl::MutexLock lock(&store->mu_);
  for (it->Seek(""); it->Valid(); it->Next()) {
    v1::StoredKey stored;
    if (!stored.ParseFromArray(it->value().data(), static_cast<int>(it->value().size())) ||
        stored.info().key_id() != it->key() || stored.secret_sha256().size() != kSha256Bytes) {
      absl::Status damaged = absl::DataLossError(
          absl::StrCat("store gateway: the stored API key '", Sv(it->key()), "' does not parse"));
      kv->ReportCorruption(damaged);
      return damaged;
    }
    store->keys_.emplace(std::string(it->key()), std::move(stored));
  }
  CLT_RETURN_IF_ERROR(it->status());
  return store;
}

absl::Status KeyStore::Validate(const KeySpec& spec) const {
  if (spec.name.empty()) return absl::InvalidArgumentError("name: required");
  if (spec.name.size() > kMaxNameLength) {
    return absl::InvalidArgumentError(
        absl::StrCat("name: longer than ", kMaxNameLength, " characters"));
  }
  if (HasControlCharacter(spec.name)) {
    return absl::InvalidArgumentError("name: contains control characters");
  }
  if (spec.role.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("role: required (one of ", absl::StrJoin(roles_, ", "), ")"));
  }
  if (std::find(roles_.begin(), roles_.end(), spec.role) == roles_.end()) {
    return absl::InvalidArgumentError(absl::StrCat("role: '", spec.role, "' is not a role (one of ",
                                                   absl::StrJoin(roles_, ", "), ")"));
  }
  if (!std::isfinite(spec.rps) || spec.rps < 0 || spec.rps > kMaxRps) {
    return absl::InvalidArgumentError(
        absl::StrCat("rps: ", spec.rps, " is not in [0, ", kMaxRps, "] (0: the server's default)"));
  }
  if (spec.expires_at.has_value() && *spec.expires_at <= now_()) {
    return absl::InvalidArgumentError("expires_at: not in the future");
  }
  return absl::OkStatus();
}

absl::Status KeyStore::Put(const v1::StoredKey& stored) {
  std::unique_ptr<storage::WriteBatch> batch = kv_->NewWriteBatch();
  batch->Put(cf_, stored.info().key_id(), stored.SerializeAsString());
  return kv_->Write(*batch);
}

absl::StatusOr<NewKey> KeyStore::CreateKey(const KeySpec& spec) {
  CLT_RETURN_IF_ERROR(Validate(spec));
  // A generated id repeats with probability ~n^2 / 2^65: try again rather than fail.
  for (int attempt = 0;; ++attempt) {
    CLT_ASSIGN_OR_RETURN(ApiKey key, GenerateApiKey());
    absl::StatusOr<NewKey> added = AddKey(key, spec);
    if (added.ok() || !absl::IsAlreadyExists(added.status()) || attempt == 3) return added;
  }
}

absl::StatusOr<NewKey> KeyStore::AddKey(const ApiKey& key, const KeySpec& spec) {
  CLT_RETURN_IF_ERROR(Validate(spec));
  v1::StoredKey stored;
  v1::KeyInfo& info = *stored.mutable_info();
  info.set_key_id(key.key_id);
  info.set_name(spec.name);
  info.set_role(spec.role);
  info.set_rps(spec.rps);
  ToProtoTimestamp(now_(), info.mutable_created_at());
  if (spec.expires_at.has_value()) ToProtoTimestamp(*spec.expires_at, info.mutable_expires_at());
  stored.set_secret_sha256(HashSecret(key.secret));

  absl::MutexLock lock(&mu_);
  if (keys_.contains(key.key_id)) {
    return absl::AlreadyExistsError(absl::StrCat("key_id: ", key.key_id, " exists"));
  }
  CLT_RETURN_IF_ERROR(Put(stored));
  keys_.emplace(key.key_id, stored);
  return NewKey{stored.info(), key.Text()};
}

absl::StatusOr<v1::KeyInfo> KeyStore::RevokeKey(std::string_view key_id) {
  absl::MutexLock lock(&mu_);
  auto it = keys_.find(Sv(key_id));
  if (it == keys_.end()) {
    return absl::NotFoundError(absl::StrCat("key_id: no key '", Sv(key_id), "'"));
  }
  if (it->second.info().revoked()) return it->second.info();
  v1::StoredKey revoked = it->second;
  revoked.mutable_info()->set_revoked(true);
  ToProtoTimestamp(now_(), revoked.mutable_info()->mutable_revoked_at());
  CLT_RETURN_IF_ERROR(Put(revoked));
  it->second = std::move(revoked);
  return it->second.info();
}

std::vector<v1::KeyInfo> KeyStore::ListKeys() const {
  std::vector<v1::KeyInfo> keys;
  {
    absl::ReaderMutexLock lock(&mu_);
    keys.reserve(keys_.size());
    for (const auto& [id, stored] : keys_) keys.push_back(stored.info());
  }
  std::sort(keys.begin(), keys.end(), [](const v1::KeyInfo& a, const v1::KeyInfo& b) {
    const absl::Time ta = FromProtoTimestamp(a.created_at());
    const absl::Time tb = FromProtoTimestamp(b.created_at());
    return ta != tb ? ta < tb : a.key_id() < b.key_id();
  });
  return keys;
}

std::optional<v1::StoredKey> KeyStore::Find(std::string_view key_id) const {
  absl::ReaderMutexLock lock(&mu_);
  auto it = keys_.find(Sv(key_id));
  if (it == keys_.end()) return std::nullopt;
  return it->second;
}

bool KeyStore::empty() const {
  absl::ReaderMutexLock lock(&mu_);
  return keys_.empty();
}

}  // namespace clientele::gateway
