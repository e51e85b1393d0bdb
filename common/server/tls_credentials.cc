#include "common/server/tls_credentials.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <utility>

#include "absl/status/status.h"

namespace clientele::server {
namespace {

// Certificates and keys are a few KiB; a larger file is not one (and /dev/zero never ends).
constexpr std::streamsize kMaxPemBytes = 1 << 20;

struct BioFree {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
struct X509Free {
  void operator()(X509* cert) const { X509_free(cert); }
};
struct PkeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
using BioPtr = std::unique_ptr<BIO, BioFree>;
using X509Ptr = std::unique_ptr<X509, X509Free>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;

absl::Status FileError(const PemFile& file, const std::string& what) {
  return absl::InvalidArgumentError(file.flag + ": '" + file.path + "' " + what);
}

absl::StatusOr<std::string> ReadFile(const PemFile& file) {
  std::ifstream in(file.path, std::ios::binary);
  if (!in) return FileError(file, std::string("cannot be read: ") + std::strerror(errno));
  std::string text;
  text.resize(kMaxPemBytes + 1);
  in.read(text.data(), kMaxPemBytes + 1);
  if (in.bad()) return FileError(file, std::string("cannot be read: ") + std::strerror(errno));
  text.resize(in.gcount());
  if (in.gcount() > kMaxPemBytes) return FileError(file, "is larger than 1 MiB: not a PEM file");
  return text;
}

BioPtr BioOf(const std::string& pem) {
  return BioPtr(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
}

// Never prompts for a passphrase (OpenSSL's default would read the terminal): an encrypted
// key fails to load.
int NoPassphrase(char* /*buf*/, int /*size*/, int /*rwflag*/, void* /*userdata*/) { return -1; }

// The first certificate of a PEM file that holds one or more and nothing unparsable.
absl::StatusOr<X509Ptr> ReadCertificates(const PemFile& file, const std::string& pem) {
  BioPtr bio = BioOf(pem);
  X509Ptr first;
  int count = 0;
  while (true) {
    X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, NoPassphrase, nullptr));
    if (cert == nullptr) break;
    if (first == nullptr) first = std::move(cert);
    ++count;
  }
  // The loop ends with "no start line" at the end of the text; anything else is damage.
  const unsigned long error = ERR_peek_last_error();
  const bool clean_end = ERR_GET_REASON(error) == PEM_R_NO_START_LINE;
  ERR_clear_error();
  if (count == 0) return FileError(file, "holds no PEM certificate");
  if (!clean_end) return FileError(file, "holds a damaged PEM certificate");
  return first;
}

absl::StatusOr<PkeyPtr> ReadPrivateKey(const PemFile& file, const std::string& pem) {
  BioPtr bio = BioOf(pem);
  PkeyPtr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, NoPassphrase, nullptr));
  ERR_clear_error();
  if (key == nullptr) {
    return FileError(file, "holds no PEM private key (an encrypted key is not supported)");
  }
  return key;
}

// Reads `cert` and `key`, which must be given together and match.
absl::Status ReadCertificateAndKey(const PemFile& cert, const PemFile& key, std::string* cert_pem,
                                   std::string* key_pem) {
  if (cert.path.empty() != key.path.empty()) {
    const PemFile& given = cert.path.empty() ? key : cert;
    const PemFile& missing = cert.path.empty() ? cert : key;
    return absl::InvalidArgumentError(given.flag + ": needs " + missing.flag + " too");
  }
  if (cert.path.empty()) return absl::OkStatus();
  absl::StatusOr<std::string> cert_text = ReadFile(cert);
  if (!cert_text.ok()) return cert_text.status();
  absl::StatusOr<std::string> key_text = ReadFile(key);
  if (!key_text.ok()) return key_text.status();
  absl::StatusOr<X509Ptr> leaf = ReadCertificates(cert, *cert_text);
  if (!leaf.ok()) return leaf.status();
  absl::StatusOr<PkeyPtr> private_key = ReadPrivateKey(key, *key_text);
  if (!private_key.ok()) return private_key.status();
  const bool matches = X509_check_private_key(leaf->get(), private_key->get()) == 1;
  ERR_clear_error();
  if (!matches) {
    return FileError(key, "does not match the certificate of " + cert.flag);
  }
  *cert_pem = *std::move(cert_text);
  *key_pem = *std::move(key_text);
  return absl::OkStatus();
}

// Reads a file of CA certificates (unset: empty).
absl::StatusOr<std::string> ReadCaFile(const PemFile& ca) {
  if (ca.path.empty()) return std::string();
  absl::StatusOr<std::string> text = ReadFile(ca);
  if (!text.ok()) return text.status();
  absl::StatusOr<X509Ptr> first = ReadCertificates(ca, *text);
  if (!first.ok()) return first.status();
  return text;
}

}  // namespace

absl::StatusOr<ServerTls> LoadServerTls(const PemFile& cert, const PemFile& key,
                                        const PemFile& client_ca) {
  ServerTls tls;
  if (absl::Status s = ReadCertificateAndKey(cert, key, &tls.cert_chain, &tls.private_key);
      !s.ok()) {
    return s;
  }
  if (!client_ca.path.empty() && cert.path.empty()) {
    return absl::InvalidArgumentError(client_ca.flag + ": needs " + cert.flag + " and " + key.flag +
                                      " (client certificates need a TLS listener)");
  }
  absl::StatusOr<std::string> ca = ReadCaFile(client_ca);
  if (!ca.ok()) return ca.status();
  tls.client_ca = *std::move(ca);
  tls.require_client_cert = true;
  return tls;
}

absl::StatusOr<ChannelTls> LoadChannelTls(const PemFile& ca, const PemFile& client_cert,
                                          const PemFile& client_key) {
  ChannelTls tls;
  tls.enabled = !ca.path.empty() || !client_cert.path.empty() || !client_key.path.empty();
  if (absl::Status s =
          ReadCertificateAndKey(client_cert, client_key, &tls.client_cert, &tls.client_key);
      !s.ok()) {
    return s;
  }
  absl::StatusOr<std::string> roots = ReadCaFile(ca);
  if (!roots.ok()) return roots.status();
  tls.ca = *std::move(roots);
  return tls;
}

std::shared_ptr<grpc::ServerCredentials> ServerCredentialsFor(const ServerTls& tls) {
  if (!tls.enabled()) return grpc::InsecureServerCredentials();
  grpc::SslServerCredentialsOptions options(
      tls.client_ca.empty()     ? GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE
      : tls.require_client_cert ? GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY
                                : GRPC_SSL_REQUEST_CLIENT_CERTIFICATE_AND_VERIFY);
  options.pem_root_certs = tls.client_ca;
  options.pem_key_cert_pairs.push_back({tls.private_key, tls.cert_chain});
  return grpc::SslServerCredentials(options);
}

std::shared_ptr<grpc::ChannelCredentials> ChannelCredentialsFor(const ChannelTls& tls) {
  if (!tls.enabled) return grpc::InsecureChannelCredentials();
  grpc::SslCredentialsOptions options;
  options.pem_root_certs = tls.ca;
  options.pem_private_key = tls.client_key;
  options.pem_cert_chain = tls.client_cert;
  return grpc::SslCredentials(options);
}

}  // namespace clientele::server
