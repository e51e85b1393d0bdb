// The gateway's durable store of privacy requests (PrivacyService.EraseSubject), in column
// families of the gateway's RocksDB store (<data_dir>/gateway, gateway_store.h):
//
//   privacy_requests  "privacy-<10 digits>"        -> privacy.v1.PrivacyRequest (no identifier
//                                                     of a person: selectors only as salted hashes)
//   privacy_keys      idempotency key               -> request id of its latest attempt
//   privacy_subjects  "<request id>/selectors"      -> privacy.v1.EraseSubjectRequest (subjects)
//                     "<request id>/resolved"       -> privacy.v1.EraseSubjectDataRequest
//                     (subjects)
//   privacy_meta      "salt"                        -> 32 random bytes (RAND_bytes), made once
//
// The selectors and the subjects they resolved to are kept while a request has not succeeded
// (a restart or the next attempt needs them); when it succeeds they are deleted and the
// column family purged (KvStore::PurgeDeleted), so the store's files keep no e-mail, phone,
// source key or profile id of an erased person. Request ids sort in creation order.
//
// Thread-safe.
#ifndef CLIENTELE_GATEWAY_PRIVACY_PRIVACY_REQUEST_STORE_H_
#define CLIENTELE_GATEWAY_PRIVACY_PRIVACY_REQUEST_STORE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "clientele/privacy/v1/privacy.pb.h"
#include "common/storage/kv_store.h"

namespace clientele::gateway {

// The store's column families, in this order: "privacy_requests", "privacy_keys",
// "privacy_subjects", "privacy_meta".
std::vector<storage::ColumnFamilySpec> PrivacyColumnFamilySpecs();

// Where PrivacyColumnFamilySpecs() landed in the store's registry.
struct PrivacyColumnFamilies {
  storage::ColumnFamilyId requests = 0;
  storage::ColumnFamilyId keys = 1;
  storage::ColumnFamilyId subjects = 2;
  storage::ColumnFamilyId meta = 3;
  static PrivacyColumnFamilies Starting(storage::ColumnFamilyId first) {
    return {first, first + 1, first + 2, first + 3};
  }
};

// The services an erasure has a step for, in the order they run.
const std::vector<std::string>& ErasureStepServices();

// InvalidArgument naming the field (e.g. "subjects[3].email: empty") for a request
// EraseSubject must refuse: no subject or more than 10,000, a selector without a lookup or
// with an empty one, no reason, an idempotency key over 256 bytes.
absl::Status ValidateEraseRequest(const privacy::v1::EraseSubjectRequest& request);

// The selector as text: "email:<lower-case>", "phone:<as given>", "id:<profile id>",
// "source:<system>/<id>".
std::string SelectorText(const privacy::v1::SubjectSelector& selector);

class PrivacyRequestStore {
 public:
  using Clock = std::function<absl::Time()>;

  // `store` is not owned and must outlive this; its column families `families` must be the
  // ones PrivacyColumnFamilySpecs() declares. Makes the salt on the first open.
  static absl::StatusOr<std::unique_ptr<PrivacyRequestStore>> Open(storage::KvStore* store,
                                                                   PrivacyColumnFamilies families,
                                                                   Clock clock = absl::Now);

  struct Created {
    privacy::v1::PrivacyRequest request;
    bool existing = false;  // The idempotency key named a queued, running or succeeded one.
  };
  // Stores a new QUEUED request for `request` (validated by the caller), or, when its
  // idempotency key names a request that has not failed, returns that one. After a FAILED
  // attempt the new request is attempt N+1; it takes over the subjects the failed one had
  // resolved (identity may already have forgotten them), and the failed one keeps only hashes.
  absl::StatusOr<Created> Create(const privacy::v1::EraseSubjectRequest& request,
                                 std::string_view requested_by);

  // NotFound naming the id when there is no such request.
  absl::StatusOr<privacy::v1::PrivacyRequest> Get(std::string_view request_id) const;
  // Newest first: page_size 0 means 50, at most 1000; InvalidArgument naming the field for a
  // negative size or a token this store did not make.
  absl::StatusOr<privacy::v1::ListPrivacyRequestsResponse> List(
      const privacy::v1::ListPrivacyRequestsRequest& request) const;
  // Requests QUEUED or RUNNING, oldest first (to run after a restart).
  absl::StatusOr<std::vector<std::string>> Unfinished() const;

  // Writes the request (state, steps) as it is now.
  absl::Status Update(const privacy::v1::PrivacyRequest& request);
  // Writes the SUCCEEDED request, deletes its selectors and resolved subjects, and purges
  // them from the store's files.
  absl::Status Succeed(const privacy::v1::PrivacyRequest& request);

  // The selectors of a request that has not succeeded (empty once it has).
  absl::StatusOr<std::vector<privacy::v1::SubjectSelector>> Selectors(
      std::string_view request_id) const;
  // The subjects resolved so far (by this attempt and the failed ones before it).
  absl::StatusOr<std::vector<privacy::v1::Subject>> Resolved(std::string_view request_id) const;
  absl::Status SaveResolved(std::string_view request_id,
                            const std::vector<privacy::v1::Subject>& subjects);

  // Hex of SHA-256(salt, SelectorText(selector)).
  std::string HashSelector(const privacy::v1::SubjectSelector& selector) const;

  absl::Time Now() const { return clock_(); }

 private:
  PrivacyRequestStore(storage::KvStore* store, PrivacyColumnFamilies families, Clock clock,
                      std::string salt, uint64_t next_number);

  absl::StatusOr<std::optional<privacy::v1::PrivacyRequest>> Find(
      std::string_view request_id) const;

  storage::KvStore* const store_;
  const PrivacyColumnFamilies families_;
  const Clock clock_;
  const std::string salt_;
  absl::Mutex mu_;  // Serializes Create (number and idempotency key).
  uint64_t next_number_ ABSL_GUARDED_BY(mu_);
};

}  // namespace clientele::gateway

#endif  // CLIENTELE_GATEWAY_PRIVACY_PRIVACY_REQUEST_STORE_H_
