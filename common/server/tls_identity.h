// Who a caller is by its TLS client certificate (docs/security.md, "TLS"): a certificate's
// common name is its role, e.g. "component" for the components of a deployment.
//
//   const std::string identity = PeerCertificateIdentity(*context->auth_context());
//   if (!identity.empty()) { ... a verified certificate with this common name ... }
#ifndef CLIENTELE_COMMON_SERVER_TLS_IDENTITY_H_
#define CLIENTELE_COMMON_SERVER_TLS_IDENTITY_H_

#include <string>

#include "grpcpp/security/auth_context.h"

namespace clientele::server {

// The common name of the peer's client certificate when the TLS handshake verified it against
// the listener's client CA (ServerTls::client_ca, tls_credentials.h); empty for a plaintext or
// in-process call, a TLS call without a client certificate, or a certificate without a common
// name.
std::string PeerCertificateIdentity(const grpc::AuthContext& auth_context);

}  // namespace clientele::server

#endif  // CLIENTELE_COMMON_SERVER_TLS_IDENTITY_H_
