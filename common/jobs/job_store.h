// Persisted jobs (common.v1.Job) of one service over its KvStore: a column family of jobs keyed
// by job id, and one of idempotency keys -> the id of the key's latest attempt.
//
// Job ids are "<service>-<10 digits>" ("analytics-0000000042"), so ids of one service sort in
// creation order and say who owns them (common/v1/jobs.proto). Entries of the jobs column
// family without this service's prefix (jobs stored in an earlier format) are never parsed:
// CountForeign() counts them, and the manager logs a warning.
//
// A failed job stored without an error code (by versions that kept only the message) reads
// with error_code UNKNOWN.
//
// Thread-compatible: the JobManager serializes its calls.
#ifndef CLIENTELE_COMMON_JOBS_JOB_STORE_H_
#define CLIENTELE_COMMON_JOBS_JOB_STORE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "clientele/common/v1/jobs.pb.h"
#include "common/storage/kv_store.h"

namespace clientele::jobs {

class JobStore {
 public:
  // `kv` is not owned and must outlive the store. `service` is a lower-case name without '-'.
  JobStore(storage::KvStore* kv, storage::ColumnFamilyId jobs_cf, storage::ColumnFamilyId keys_cf,
           std::string service);

  const std::string& service() const { return service_; }
  storage::KvStore* kv() const { return kv_; }

  // "<service>-<number, 10 digits>".
  std::string JobId(uint64_t number) const;
  // The number of one of this service's ids; nullopt for an id of another service or format.
  std::optional<uint64_t> JobNumber(std::string_view job_id) const;

  absl::StatusOr<std::optional<common::v1::Job>> Get(std::string_view job_id) const;
  void Put(storage::WriteBatch& batch, const common::v1::Job& job) const;
  absl::Status Write(const common::v1::Job& job);  // Put in a batch of its own.

  // The job id of the latest attempt of `idempotency_key`, if any.
  absl::StatusOr<std::optional<std::string>> JobIdForKey(std::string_view idempotency_key) const;
  void PutJobKey(storage::WriteBatch& batch, std::string_view idempotency_key,
                 std::string_view job_id) const;

  // Every job of this service, oldest first.
  absl::StatusOr<std::vector<common::v1::Job>> All() const;
  // Up to `limit` jobs older than `before_job_id` ("" = from the newest), newest first.
  absl::StatusOr<std::vector<common::v1::Job>> Before(std::string_view before_job_id,
                                                      int limit) const;
  // Entries of the jobs column family that are not this service's jobs.
  absl::StatusOr<int64_t> CountForeign() const;

 private:
  storage::KvStore* const kv_;
  const storage::ColumnFamilyId jobs_cf_;
  const storage::ColumnFamilyId keys_cf_;
  const std::string service_;
  const std::string prefix_;  // service_ + "-"
};

}  // namespace clientele::jobs

#endif  // CLIENTELE_COMMON_JOBS_JOB_STORE_H_
