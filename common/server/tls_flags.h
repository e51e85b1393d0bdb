// clienteled's TLS flags (docs/security.md, "TLS"): the listener's certificate, key and
// client CA, and the certificate material of the channels to other components.
//
//   TlsFlags tls;
//   AddTlsFlags(app, &tls);                 // before parsing
//   ... parse ...
//   CLT_RETURN_IF_ERROR(ValidateTlsFlags(tls));
//   CLT_ASSIGN_OR_RETURN(options.tls, LoadListenerTls(tls));
//   CLT_ASSIGN_OR_RETURN(ChannelTls channel_tls, LoadComponentChannelTls(tls));
#ifndef CLIENTELE_COMMON_SERVER_TLS_FLAGS_H_
#define CLIENTELE_COMMON_SERVER_TLS_FLAGS_H_

#include <string>
#include <string_view>

#include "CLI/CLI.hpp"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/server/tls_credentials.h"

namespace clientele::server {

// Paths of PEM files; empty: the flag is not set.
struct TlsFlags {
  std::string cert;         // --tls_cert: the listener's certificate chain
  std::string key;          // --tls_key: its private key
  std::string client_ca;    // --tls_client_ca: require client certificates of this CA (mTLS)
  std::string ca;           // --tls_ca: CA of the other components' server certificates
  std::string client_cert;  // --tls_client_cert: this process's certificate towards them
  std::string client_key;   // --tls_client_key: its key

  // The listener requires and verifies client certificates: all three server flags are set.
  bool MutualTlsListener() const { return !cert.empty() && !key.empty() && !client_ca.empty(); }
};

// Adds the six flags to `app` (`flags` must outlive the parse).
void AddTlsFlags(CLI::App& app, TlsFlags* flags);

// The combination, without reading any file: --tls_cert and --tls_key together,
// --tls_client_ca only with them, --tls_client_cert and --tls_client_key together.
// InvalidArgument naming the flag.
absl::Status ValidateTlsFlags(const TlsFlags& flags);

// InvalidArgument "<flags missing>: required <why>" unless MutualTlsListener(), e.g.
// RequireMutualTlsListener(flags, "with --auth=required when the gateway does not run here").
absl::Status RequireMutualTlsListener(const TlsFlags& flags, std::string_view why);

// Reads the listener's files (LoadServerTls: client certificates required with
// --tls_client_ca) and the channels' files (LoadChannelTls). InvalidArgument naming the flag.
absl::StatusOr<ServerTls> LoadListenerTls(const TlsFlags& flags);
absl::StatusOr<ChannelTls> LoadComponentChannelTls(const TlsFlags& flags);

}  // namespace clientele::server

#endif  // CLIENTELE_COMMON_SERVER_TLS_FLAGS_H_
