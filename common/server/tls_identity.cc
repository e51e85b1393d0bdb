#include "common/server/tls_identity.h"

#include <string>
#include <vector>

#include "grpc/grpc_security_constants.h"

namespace clientele::server {

std::string PeerCertificateIdentity(const grpc::AuthContext& auth_context) {
  // A TLS listener of ServerCredentialsFor either verifies a client certificate or fails the
  // handshake, so a peer of an "ssl" call that gRPC calls authenticated presented a verified
  // certificate (gRPC authenticates it by its subject alternative names or common name).
  if (!auth_context.IsPeerAuthenticated()) return "";
  const std::vector<grpc::string_ref> security =
      auth_context.FindPropertyValues(GRPC_TRANSPORT_SECURITY_TYPE_PROPERTY_NAME);
  if (security.size() != 1 || security[0] != GRPC_SSL_TRANSPORT_SECURITY_TYPE) return "";
  const std::vector<grpc::string_ref> names =
      auth_context.FindPropertyValues(GRPC_X509_CN_PROPERTY_NAME);
  if (names.size() != 1) return "";
  return std::string(names[0].data(), names[0].size());
}

}  // namespace clientele::server
