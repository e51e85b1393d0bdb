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

const unsigned char* Bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

}  // namespace

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
  Ctx ctx(EVP_CIPHER_CTX_new());
  if (ctx == nullptr) return absl::ResourceExhaustedError("seal: no cipher context");
  const size_t start = out->size();
  out->resize(start + kNonceBytes + plaintext.size() + kTagBytes);
  auto* dst = reinterpret_cast<unsigned char*>(out->data() + start);
  std::copy(nonce.begin(), nonce.end(), dst);
  int len = 0;
  bool ok =
      EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key.data(), Bytes(nonce)) == 1 &&
      (aad.empty() || EVP_EncryptUpdate(ctx.get(), nullptr, &len, Bytes(aad),
                                        static_cast<int>(aad.size())) == 1) &&
      EVP_EncryptUpdate(ctx.get(), dst + kNonceBytes, &len, Bytes(plaintext),
                        static_cast<int>(plaintext.size())) == 1 &&
      static_cast<size_t>(len) == plaintext.size() &&
      EVP_EncryptFinal_ex(ctx.get(), dst + kNonceBytes + len, &len) == 1 &&
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, static_cast<int>(kTagBytes),
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
  Ctx ctx(EVP_CIPHER_CTX_new());
  if (ctx == nullptr) return absl::ResourceExhaustedError("open: no cipher context");
  const size_t start = out->size();
  out->resize(start + ciphertext.size());
  auto* dst = reinterpret_cast<unsigned char*>(out->data() + start);
  int len = 0;
  bool ok =
      EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key.data(), Bytes(nonce)) == 1 &&
      (aad.empty() || EVP_DecryptUpdate(ctx.get(), nullptr, &len, Bytes(aad),
                                        static_cast<int>(aad.size())) == 1) &&
      EVP_DecryptUpdate(ctx.get(), dst, &len, Bytes(ciphertext),
                        static_cast<int>(ciphertext.size())) == 1 &&
      static_cast<size_t>(len) == ciphertext.size() &&
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, static_cast<int>(kTagBytes),
                          tag.data()) == 1 &&
      EVP_DecryptFinal_ex(ctx.get(), dst + len, &len) == 1;
  if (!ok) {
    out->resize(start);
    return absl::DataLossError("sealed payload does not authenticate (AES-256-GCM tag mismatch)");
  }
  return absl::OkStatus();
}

}  // namespace clientele::ingest::privacy
