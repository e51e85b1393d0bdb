// Who is calling the gateway, once the call's credentials have been checked (call_policy.h).
#ifndef CLIENTELE_GATEWAY_CALLER_H_
#define CLIENTELE_GATEWAY_CALLER_H_

#include <string>
#include <string_view>

namespace clientele::gateway {

// The credentials a call arrived with, as the transport saw them. Views into the call's
// metadata and auth context: valid only during CallPolicy::Admit.
struct CallCredentials {
  // The "authorization" metadata value ("Bearer <key>"); empty when absent.
  std::string_view authorization;
  // The identity of the peer's verified client certificate (its common name) when the call
  // came over mutual TLS; empty otherwise.
  std::string_view certificate_identity;
};

// An authenticated caller. Copyable; the front keeps one per call.
struct Caller {
  // The API key's id ("key-…"); empty for a caller identified by its certificate or when
  // authentication is off (--auth=none).
  std::string key_id;
  // The key's name, or the certificate's identity: for logs and audit entries.
  std::string name;
  // The role whose permissions apply (gateway/authz/role_table.h), e.g. "marketer".
  std::string role;
  // The caller is another Clientele component, identified by a certificate of the cluster's
  // CA (mutual TLS): it may call every method and reads responses unmasked and unaudited
  // (the gateway it forwards for has masked and audited them).
  bool component = false;
};

}  // namespace clientele::gateway

#endif  // CLIENTELE_GATEWAY_CALLER_H_
