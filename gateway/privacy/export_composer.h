// The access export (PrivacyService.ExportSubject): resolves the selector with identity,
// asks identity, analytics and the recommender for their parts (ExportSubjectData) in
// parallel, and merges their JSON objects into one document with the gateway's own keys:
// "subject" ({profile_ids, source_keys}), "pii_audit" (the PII audit entries about the
// profile ids, oldest first) and "exported_at" (RFC 3339). The export is itself an unmasked
// read of PII: it appends an audit entry (method ExportSubject, the profile ids, the field
// clientele.privacy.v1.ExportSubjectResponse.json) before the document is returned.
//
// Thread-safe: Export may be called from many threads at once; it blocks its caller.
#ifndef CLIENTELE_GATEWAY_PRIVACY_EXPORT_COMPOSER_H_
#define CLIENTELE_GATEWAY_PRIVACY_EXPORT_COMPOSER_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "clientele/privacy/v1/privacy.pb.h"
#include "gateway/pii/pii_audit_log.h"
#include "gateway/privacy/privacy_backends.h"
#include "gateway/privacy/privacy_request_store.h"
#include "grpcpp/server_context.h"

namespace clientele::gateway {

// Who asked, for the audit entry.
struct ExportCaller {
  std::string key_id;
  std::string key_name;
  std::string role;
};

class ExportComposer {
 public:
  // `audit` is not owned and must outlive the composer.
  ExportComposer(PrivacyBackends backends, PiiAuditLog* audit,
                 absl::Duration part_timeout = absl::Seconds(30));

  // The document. InvalidArgument naming the field for a bad selector, NotFound when it names
  // nobody, the first failing component's error (prefixed with its name) otherwise: an
  // export with a part missing would be an incomplete answer. With `parent` (the server call
  // being answered; it must outlive Export), its cancellation and deadline reach the calls.
  absl::StatusOr<std::string> Export(const privacy::v1::SubjectSelector& selector,
                                     const ExportCaller& caller,
                                     const grpc::ServerContextBase* parent = nullptr) const;

 private:
  std::unique_ptr<grpc::ClientContext> NewContext(const grpc::ServerContextBase* parent) const;

  const PrivacyBackends backends_;
  PiiAuditLog* const audit_;
  const absl::Duration part_timeout_;
};

}  // namespace clientele::gateway

#endif  // CLIENTELE_GATEWAY_PRIVACY_EXPORT_COMPOSER_H_
