#include "ingest/privacy/data_key_cipher.h"

#include <memory>

#include "openssl/evp.h"
#include "openssl/rand.h"

namespace clientele::ingest::privacy {
namespace {

struct CtxDeleter {
  void operator()(EVP_CIPHER_CTX* ctx) const { EVP_CIPHER_CTX_free(ctx); }
};
using Ctx = std::unique_ptr<EVP_CIPHER_CTX, CtxDeleter>;

// The cipher, fetched from the provider once (OpenSSL 3 fetches it again on every init given
// EVP_aes_256_gcm()), and one context per thread, initialized again for every call.
const EVP_CIPHER* Gcm() {
  static const EVP_CIPHER* const cipher = [] {
    const EVP_CIPHER* fetched = EVP_CIPHER_fetch(nullptr, "AES-256-GCM", nullptr);
    return fetched != nullptr ? fetched : EVP_aes_256_gcm();
  }();
  return cipher;
}

EVP_CIPHER_CTX* ThreadContext() {
  thread_local Ctx ctx(EVP_CIPHER_CTX_new());
  return ctx.get();
}

const unsigned char* Bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

struct MdCtxDeleter {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};

const EVP_MD* Sha256Md() {
  static const EVP_MD* const md = [] {
    const EVP_MD* fetched = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    return fetched != nullptr ? fetched : EVP_sha256();
  }();
  return md;
}

}  // namespace

void Sha256(std::string_view a, std::string_view b, unsigned char* out) {
  thread_local std::unique_ptr<EVP_MD_CTX, MdCtxDeleter> ctx(EVP_MD_CTX_new());
  unsigned int len = 0;
  EVP_DigestInit_ex(ctx.get(), Sha256Md(), nullptr);
  EVP_DigestUpdate(ctx.get(), a.data(), a.size());
  EVP_DigestUpdate(ctx.get(), b.data(), b.size());
  EVP_DigestFinal_ex(ctx.get(), out, &len);
}

absl::Status NewDataKey(DataKey* key) {
  if (RAND_bytes(key->data(), static_cast<int>(key->size())) != 1) {
    return absl::InternalError("RAND_bytes failed to make a data key");
  }
  return absl::OkStatus();
}

absl::Status RandomBytes(size_t n, std::string* out) {
  out->resize(n);
  if (n > 0 &&
      RAND_bytes(reinterpret_cast<unsigned char*>(out->data()), static_cast<int>(n)) != 1) {
    return absl::InternalError("RAND_bytes failed");
  }
  return absl::OkStatus();
}

absl::Status Seal(const DataKey& key, std::string_view nonce, std::string_view aad,
                  std::string_view plaintext, std::string* out) {
  if (nonce.size() != kNonceBytes) return absl::InternalError("seal: the nonce is not 96 bits");
  EVP_CIPHER_CTX* const ctx = ThreadContext();
  if (ctx == nullptr) return absl::ResourceExhaustedError("seal: no cipher context");
  const size_t start = out->size();
  out->resize(start + kNonceBytes + plaintext.size() + kTagBytes);
  auto* dst = reinterpret_cast<unsigned char*>(out->data() + start);
  std::copy(nonce.begin(), nonce.end(), dst);
  int len = 0;
  bool ok = EVP_EncryptInit_ex(ctx, Gcm(), nullptr, key.data(), Bytes(nonce)) == 1 &&
            (aad.empty() || EVP_EncryptUpdate(ctx, nullptr, &len, Bytes(aad),
                                              static_cast<int>(aad.size())) == 1) &&
            EVP_EncryptUpdate(ctx, dst + kNonceBytes, &len, Bytes(plaintext),
                              static_cast<int>(plaintext.size())) == 1 &&
            static_cast<size_t>(len) == plaintext.size() &&
            EVP_EncryptFinal_ex(ctx, dst + kNonceBytes + len, &len) == 1 &&
            EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, static_cast<int>(kTagBytes),
                                dst + kNonceBytes + plaintext.size()) == 1;
  if (!ok) {
    out->resize(start);
    return absl::InternalError("seal: AES-256-GCM encryption failed");
  }
  return absl::OkStatus();
}

absl::Status Open(const DataKey& key, std::string_view aad, std::string_view sealed,
                  std::string* out) {
  if (sealed.size() < kSealOverhead) {
    return absl::DataLossError("sealed payload shorter than its nonce and tag");
  }
  const std::string_view nonce = sealed.substr(0, kNonceBytes);
  const std::string_view ciphertext =
      sealed.substr(kNonceBytes, sealed.size() - kNonceBytes - kTagBytes);
  std::string tag(sealed.substr(sealed.size() - kTagBytes));
  EVP_CIPHER_CTX* const ctx = ThreadContext();
  if (ctx == nullptr) return absl::ResourceExhaustedError("open: no cipher context");
  const size_t start = out->size();
  out->resize(start + ciphertext.size());
  auto* dst = reinterpret_cast<unsigned char*>(out->data() + start);
  int len = 0;
  bool ok =
      EVP_DecryptInit_ex(ctx, Gcm(), nullptr, key.data(), Bytes(nonce)) == 1 &&
      (aad.empty() ||
       EVP_DecryptUpdate(ctx, nullptr, &len, Bytes(aad), static_cast<int>(aad.size())) == 1) &&
      EVP_DecryptUpdate(ctx, dst, &len, Bytes(ciphertext), static_cast<int>(ciphertext.size())) ==
          1 &&
      static_cast<size_t>(len) == ciphertext.size() &&
      EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, static_cast<int>(kTagBytes), tag.data()) ==
          1 &&
      EVP_DecryptFinal_ex(ctx, dst + len, &len) == 1;
  if (!ok) {
    out->resize(start);
    return absl::DataLossError("sealed payload does not authenticate (AES-256-GCM tag mismatch)");
  }
  return absl::OkStatus();
}

}  // namespace clientele::ingest::privacy
