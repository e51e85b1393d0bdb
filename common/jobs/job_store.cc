#include "common/jobs/job_store.h"

#include <utility>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/status/status_macros.h"

namespace clientele::jobs {
namespace {

absl::StatusOr<common::v1::Job> ParseJob(std::string_view bytes, std::string_view key) {
  common::v1::Job job;
  if (!job.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return absl::DataLossError(
        absl::StrCat("job store: corrupt job at key '",
                     absl::CHexEscape(absl::string_view(key.data(), key.size())), "'"));
  }
  // Versions before error_code stored only the message of a failure.
  if (job.state() == common::v1::JOB_STATE_FAILED && job.error_code() == 0) {
    job.set_error_code(static_cast<int32_t>(absl::StatusCode::kUnknown));
  }
  return job;
}

}  // namespace

JobStore::JobStore(storage::KvStore* kv, storage::ColumnFamilyId jobs_cf,
                   storage::ColumnFamilyId keys_cf, std::string service)
    : kv_(kv),
      jobs_cf_(jobs_cf),
      keys_cf_(keys_cf),
      service_(std::move(service)),
      prefix_(service_ + "-") {}

std::string JobStore::JobId(uint64_t number) const {
  return absl::StrFormat("%s%010d", prefix_, number);
}

std::optional<uint64_t> JobStore::JobNumber(std::string_view job_id) const {
  if (job_id.substr(0, prefix_.size()) != prefix_) return std::nullopt;
  uint64_t number = 0;
  const std::string_view digits = job_id.substr(prefix_.size());
  if (digits.empty() ||
      !absl::SimpleAtoi(absl::string_view(digits.data(), digits.size()), &number)) {
    return std::nullopt;
  }
  return number;
}

absl::StatusOr<std::optional<common::v1::Job>> JobStore::Get(std::string_view job_id) const {
  if (!JobNumber(job_id)) return std::optional<common::v1::Job>();
  CLT_ASSIGN_OR_RETURN(std::optional<std::string> value, kv_->Get(jobs_cf_, job_id));
  if (!value) return std::optional<common::v1::Job>();
  CLT_ASSIGN_OR_RETURN(common::v1::Job job, ParseJob(*value, job_id));
  return std::optional<common::v1::Job>(std::move(job));
}

void JobStore::Put(storage::WriteBatch& batch, const common::v1::Job& job) const {
  batch.Put(jobs_cf_, job.job_id(), job.SerializeAsString());
}

absl::Status JobStore::Write(const common::v1::Job& job) {
  std::unique_ptr<storage::WriteBatch> batch = kv_->NewWriteBatch();
  Put(*batch, job);
  return kv_->Write(*batch);
}

absl::StatusOr<std::optional<std::string>> JobStore::JobIdForKey(
    std::string_view idempotency_key) const {
  return kv_->Get(keys_cf_, idempotency_key);
}

void JobStore::PutJobKey(storage::WriteBatch& batch, std::string_view idempotency_key,
                         std::string_view job_id) const {
  batch.Put(keys_cf_, idempotency_key, job_id);
}

absl::StatusOr<std::vector<common::v1::Job>> JobStore::All() const {
  std::vector<common::v1::Job> jobs;
  storage::IteratorBounds bounds;
  bounds.lower_bound = prefix_;
  bounds.upper_bound = service_ + ".";  // '.' follows '-' in ASCII.
  std::unique_ptr<storage::KvIterator> it = kv_->NewIterator(jobs_cf_, bounds);
  for (it->Seek(prefix_); it->Valid(); it->Next()) {
    CLT_ASSIGN_OR_RETURN(common::v1::Job job, ParseJob(it->value(), it->key()));
    jobs.push_back(std::move(job));
  }
  CLT_RETURN_IF_ERROR(it->status());
  return jobs;
}

absl::StatusOr<std::vector<common::v1::Job>> JobStore::Before(std::string_view before_job_id,
                                                              int limit) const {
  std::vector<common::v1::Job> jobs;
  storage::IteratorBounds bounds;
  bounds.lower_bound = prefix_;
  bounds.upper_bound = before_job_id.empty() ? service_ + "." : std::string(before_job_id);
  std::unique_ptr<storage::KvIterator> it = kv_->NewIterator(jobs_cf_, bounds);
  for (it->SeekToLast(); it->Valid() && static_cast<int>(jobs.size()) < limit; it->Prev()) {
    CLT_ASSIGN_OR_RETURN(common::v1::Job job, ParseJob(it->value(), it->key()));
    jobs.push_back(std::move(job));
  }
  CLT_RETURN_IF_ERROR(it->status());
  return jobs;
}

absl::StatusOr<int64_t> JobStore::CountForeign() const {
  int64_t foreign = 0;
  std::unique_ptr<storage::KvIterator> it = kv_->NewIterator(jobs_cf_);
  for (it->Seek(""); it->Valid(); it->Next()) {
    if (!JobNumber(it->key())) ++foreign;
  }
  CLT_RETURN_IF_ERROR(it->status());
  return foreign;
}

}  // namespace clientele::jobs
