#include "common/server/tls_flags.h"

#include <vector>

#include "absl/strings/str_join.h"

namespace clientele::server {
namespace {

// `a` and `b` are set together.
absl::Status Together(const std::string& a, std::string_view a_flag, const std::string& b,
                      std::string_view b_flag) {
  if (a.empty() == b.empty()) return absl::OkStatus();
  const std::string_view given = a.empty() ? b_flag : a_flag;
  const std::string_view missing = a.empty() ? a_flag : b_flag;
  return absl::InvalidArgumentError(std::string(given) + ": needs " + std::string(missing) +
                                    " too");
}

}  // namespace

void AddTlsFlags(CLI::App& app, TlsFlags* flags) {
  app.add_option("--tls_cert", flags->cert,
                 "PEM certificate chain of the gRPC listener (with --tls_key: TLS; default "
                 "plaintext)");
  app.add_option("--tls_key", flags->key, "PEM private key of --tls_cert");
  app.add_option("--tls_client_ca", flags->client_ca,
                 "PEM CA certificates: the listener requires client certificates they signed "
                 "(mTLS); the certificate's common name is the caller's identity");
  app.add_option("--tls_ca", flags->ca,
                 "PEM CA certificates the other components' server certificates must chain to; "
                 "any of --tls_ca, --tls_client_cert turns TLS on for channels to --*_addr");
  app.add_option("--tls_client_cert", flags->client_cert,
                 "PEM client certificate this process presents to other components (mTLS)");
  app.add_option("--tls_client_key", flags->client_key, "PEM private key of --tls_client_cert");
}

absl::Status ValidateTlsFlags(const TlsFlags& flags) {
  if (absl::Status s = Together(flags.cert, "--tls_cert", flags.key, "--tls_key"); !s.ok()) {
    return s;
  }
  if (!flags.client_ca.empty() && flags.cert.empty()) {
    return absl::InvalidArgumentError(
        "--tls_client_ca: needs --tls_cert and --tls_key (client certificates need a TLS "
        "listener)");
  }
  return Together(flags.client_cert, "--tls_client_cert", flags.client_key, "--tls_client_key");
}

absl::Status RequireMutualTlsListener(const TlsFlags& flags, std::string_view why) {
  std::vector<std::string> missing;
  if (flags.cert.empty()) missing.push_back("--tls_cert");
  if (flags.key.empty()) missing.push_back("--tls_key");
  if (flags.client_ca.empty()) missing.push_back("--tls_client_ca");
  if (missing.empty()) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrJoin(missing, ", ") + ": required " +
                                    std::string(why));
}

absl::StatusOr<ServerTls> LoadListenerTls(const TlsFlags& flags) {
  return LoadServerTls({"--tls_cert", flags.cert}, {"--tls_key", flags.key},
                       {"--tls_client_ca", flags.client_ca});
}

absl::StatusOr<ChannelTls> LoadComponentChannelTls(const TlsFlags& flags) {
  return LoadChannelTls({"--tls_ca", flags.ca}, {"--tls_client_cert", flags.client_cert},
                        {"--tls_client_key", flags.client_key});
}

}  // namespace clientele::server
