// TLS material of Clientele's listeners and channels (docs/security.md, "TLS"), read once from
// PEM files named by flags, checked (parses, key matches certificate) so that a bad file is a
// usage error naming its flag rather than a server that fails to start, and turned into gRPC
// credentials.
//
//   absl::StatusOr<ServerTls> tls = LoadServerTls({"--tls_cert", cert_path},
//                                                 {"--tls_key", key_path},
//                                                 {"--tls_client_ca", ca_path});
//   options.tls = *tls;                                // ServerOptions (grpc_server.h)
//   absl::StatusOr<ChannelTls> out = LoadChannelTls({"--tls_ca", ...}, {...}, {...});
//   auto channel = grpc::CreateCustomChannel(address, ChannelCredentialsFor(*out), args);
#ifndef CLIENTELE_COMMON_SERVER_TLS_CREDENTIALS_H_
#define CLIENTELE_COMMON_SERVER_TLS_CREDENTIALS_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/security/server_credentials.h"

namespace clientele::server {

// A PEM file given on the command line: the flag's name (as the user spells it, e.g.
// "--tls_cert" or "--tls-ca") for error messages, and its path (empty: the flag is not set).
struct PemFile {
  std::string flag;
  std::string path;
};

// What a TLS listener presents and accepts, as PEM text.
struct ServerTls {
  // The server's certificate chain and private key; empty: the listener is plaintext.
  std::string cert_chain;
  std::string private_key;
  // CAs whose client certificates are accepted; empty: clients are not asked for one.
  std::string client_ca;
  // With client_ca: true refuses a client without a certificate (mTLS only, the handshake
  // fails); false asks for one and verifies it when given, but lets clients without one in
  // (e.g. a front door where callers authenticate either way). Either way a certificate that
  // does not chain to client_ca fails the handshake.
  bool require_client_cert = true;

  bool enabled() const { return !cert_chain.empty(); }
};

// What a TLS channel trusts and presents, as PEM text.
struct ChannelTls {
  bool enabled = false;  // False: a plaintext channel.
  // CAs the server's certificate must chain to; empty: gRPC's default roots.
  std::string ca;
  // The client certificate chain and key for mTLS; both empty: none presented.
  std::string client_cert;
  std::string client_key;
};

// Reads and checks a listener's files: cert and key together (each needs the other; the key
// must match the certificate), client_ca only with them. All unset: a plaintext ServerTls.
// InvalidArgument naming the flag: missing or unreadable file, not PEM, a key that does not
// match. The result requires client certificates when client_ca is set.
absl::StatusOr<ServerTls> LoadServerTls(const PemFile& cert, const PemFile& key,
                                        const PemFile& client_ca);

// Reads and checks a channel's files: any of them set turns TLS on; client cert and key
// together (the key must match). All unset: a plaintext ChannelTls. InvalidArgument naming
// the flag as LoadServerTls.
absl::StatusOr<ChannelTls> LoadChannelTls(const PemFile& ca, const PemFile& client_cert,
                                          const PemFile& client_key);

// gRPC credentials of a listener: insecure when !tls.enabled(); with a client CA, client
// certificates are verified against it (required or not as tls says).
std::shared_ptr<grpc::ServerCredentials> ServerCredentialsFor(const ServerTls& tls);

// gRPC credentials of a channel: insecure when !tls.enabled. The server's certificate must be
// valid for the host of the target address (e.g. localhost, 127.0.0.1, ingest-0.ingest).
std::shared_ptr<grpc::ChannelCredentials> ChannelCredentialsFor(const ChannelTls& tls);

}  // namespace clientele::server

#endif  // CLIENTELE_COMMON_SERVER_TLS_CREDENTIALS_H_
