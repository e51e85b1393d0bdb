// gRPC adapter of clientele.privacy.v1.IngestPrivacy over EventLog: erasure of subjects'
// log data (crypto-shredding, suppression, dead letters) and the suppressions. Registered by
// the ingest component. Thread-safe (EventLog is).
#ifndef CLIENTELE_INGEST_PRIVACY_INGEST_PRIVACY_SERVICE_H_
#define CLIENTELE_INGEST_PRIVACY_INGEST_PRIVACY_SERVICE_H_

#include <functional>

#include "absl/time/time.h"
#include "clientele/privacy/v1/privacy.grpc.pb.h"
#include "ingest/event_log.h"

namespace clientele::ingest::privacy {

class IngestPrivacyServiceImpl final : public ::clientele::privacy::v1::IngestPrivacy::Service {
 public:
  // `log` (opened with a key store) must outlive the service. `clock` defaults to absl::Now.
  explicit IngestPrivacyServiceImpl(EventLog* log, std::function<absl::Time()> clock = nullptr);

  // Erases the source keys of every subject that route to a partition this node owns (the
  // others are left to their nodes); profile ids are not ingest's concern. INVALID_ARGUMENT
  // naming the field for a source key without system or id.
  grpc::Status EraseSubjectData(grpc::ServerContext* context,
                                const privacy_v1::EraseSubjectDataRequest* request,
                                privacy_v1::EraseSubjectDataResponse* response) override;
  grpc::Status ListSuppressions(grpc::ServerContext* context,
                                const privacy_v1::ListSuppressionsRequest* request,
                                privacy_v1::ListSuppressionsResponse* response) override;
  grpc::Status LiftSuppression(grpc::ServerContext* context,
                               const privacy_v1::LiftSuppressionRequest* request,
                               privacy_v1::LiftSuppressionResponse* response) override;
  // The current data keys of the references (absent: shredded or never made).
  // INVALID_ARGUMENT for more than 4096 refs; FAILED_PRECONDITION without a key store.
  grpc::Status GetSubjectKeys(grpc::ServerContext* context,
                              const privacy_v1::GetSubjectKeysRequest* request,
                              privacy_v1::GetSubjectKeysResponse* response) override;

 private:
  EventLog* const log_;
  const std::function<absl::Time()> clock_;
};

}  // namespace clientele::ingest::privacy

#endif  // CLIENTELE_INGEST_PRIVACY_INGEST_PRIVACY_SERVICE_H_
