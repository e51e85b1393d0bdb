// Typed access to the analytics service's column families (analytics/analytics_schema.h):
// per-source-key order aggregates and attributes, jobs, model versions, per-profile rows of
// each model and the active version of each model kind.
//
//   AnalyticsStore store(kv);
//   CLT_ASSIGN_OR_RETURN(std::optional<CustomerOrderAggregate> agg, store.GetAggregate(key));
//   auto batch = kv->NewWriteBatch();
//   store.PutAggregate(*batch, key, *agg);
//   CLT_RETURN_IF_ERROR(kv->Write(*batch));
//
// Thread-safe (it only forwards to the thread-safe KvStore); `kv` is not owned and must
// outlive the AnalyticsStore. Corrupt stored values come back as DataLoss naming the key.
#ifndef CLIENTELE_ANALYTICS_STATE_ANALYTICS_STORE_H_
#define CLIENTELE_ANALYTICS_STATE_ANALYTICS_STORE_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "analytics/aggregates/customer_aggregate.h"
#include "clientele/analytics/v1/analytics.pb.h"
#include "clientele/common/v1/event.pb.h"
#include "common/source_key/source_key.h"
#include "common/status/interrupt.h"
#include "common/storage/kv_store.h"

namespace clientele::analytics {

class AnalyticsStore {
 public:
  explicit AnalyticsStore(storage::KvStore* kv) : kv_(kv) {}

  storage::KvStore* kv() const { return kv_; }

  // --- Per source key state. ---
  absl::StatusOr<std::optional<CustomerOrderAggregate>> GetAggregate(
      const common::v1::SourceKey& key) const;
  void PutAggregate(storage::WriteBatch& batch, const common::v1::SourceKey& key,
                    const CustomerOrderAggregate& aggregate) const;
  // The merged CustomerUpsert view of a source key (attributes and demographics).
  absl::StatusOr<std::optional<common::v1::CustomerUpsert>> GetAttributes(
      const common::v1::SourceKey& key) const;
  void PutAttributes(storage::WriteBatch& batch, const common::v1::SourceKey& key,
                     const common::v1::CustomerUpsert& attributes) const;

  // One order of a source key (order.customer()), kept under its time so that the newest
  // come first. Putting an order again with the same time and id replaces it.
  void PutOrder(storage::WriteBatch& batch, const v1::CustomerOrder& order) const;
  // The newest `limit` orders of `key`, newest first (same time: by order id).
  absl::StatusOr<std::vector<v1::CustomerOrder>> LatestOrders(const common::v1::SourceKey& key,
                                                              int limit) const;

  // Erasure (analytics/privacy/): deletes the aggregate, attributes and every order of `key`
  // into `batch`; returns how many keys that is (0 when none is stored).
  absl::StatusOr<int64_t> DeleteCustomer(storage::WriteBatch& batch,
                                         const common::v1::SourceKey& key) const;

  // Visits every aggregate (attributes) in key order, on a snapshot taken at the call.
  // Stops at and returns the first error of `visit` or of the store.
  absl::Status ForEachAggregate(
      const std::function<absl::Status(const common::v1::SourceKey&,
                                       const CustomerOrderAggregate&)>& visit) const;
  absl::Status ForEachAttributes(
      const std::function<absl::Status(const common::v1::SourceKey&,
                                       const common::v1::CustomerUpsert&)>& visit) const;

  // Jobs live in the jobs / job_keys column families through common/jobs/job_store.h.

  // --- Models. ---
  absl::StatusOr<std::optional<v1::Model>> GetModel(uint64_t version) const;
  void PutModel(storage::WriteBatch& batch, const v1::Model& model) const;
  // Reserves the next model version (persisted, so a version whose job failed after writing
  // rows is never reused). Not for concurrent callers: only the job worker calls it.
  absl::StatusOr<uint64_t> AllocateModelVersion();
  // The highest version ever allocated or stored (rows may exist for a version whose job
  // failed before storing its model), 0 when there is none.
  absl::StatusOr<uint64_t> LastAllocatedVersion() const;
  // The highest stored version, 0 when there is none.
  absl::StatusOr<uint64_t> LastModelVersion() const;
  // The active version of `kind`, 0 when none is active.
  absl::StatusOr<uint64_t> ActiveVersion(v1::JobKind kind) const;
  void PutActiveVersion(storage::WriteBatch& batch, v1::JobKind kind, uint64_t version) const;

  void PutRfmRow(storage::WriteBatch& batch, uint64_t version, const v1::RfmRow& row) const;
  absl::StatusOr<std::optional<v1::RfmRow>> GetRfmRow(uint64_t version,
                                                      std::string_view profile_id) const;
  // Up to `limit` rows of `version` with profile id > `after` ("" = from the first), in
  // profile id order, that satisfy `filter` (null = all). Stops with interrupt.Check()'s
  // status when it is not OK (checked every kInterruptCheckEvery rows scanned).
  absl::StatusOr<std::vector<v1::RfmRow>> RfmRowsAfter(
      uint64_t version, std::string_view after, int limit,
      const std::function<bool(const v1::RfmRow&)>& filter = nullptr,
      const Interrupt& interrupt = NoInterrupt()) const;

  void PutClusterRow(storage::WriteBatch& batch, uint64_t version, std::string_view profile_id,
                     int32_t cluster) const;
  absl::StatusOr<std::optional<int32_t>> GetClusterRow(uint64_t version,
                                                       std::string_view profile_id) const;
  // Deletes the RFM and cluster rows of `profile_id` in `version`; returns how many existed.
  absl::StatusOr<int64_t> DeleteProfileRows(storage::WriteBatch& batch, uint64_t version,
                                            std::string_view profile_id) const;

  // The profile that `key` was part of when model `version` was computed. The jobs store it
  // only when it is not FormatSourceKey(key) (a source key that is its own profile).
  void PutMember(storage::WriteBatch& batch, uint64_t version, const common::v1::SourceKey& key,
                 std::string_view profile_id) const;
  absl::StatusOr<std::optional<std::string>> GetMember(uint64_t version,
                                                       const common::v1::SourceKey& key) const;
  void DeleteMember(storage::WriteBatch& batch, uint64_t version,
                    const common::v1::SourceKey& key) const;

 private:
  storage::KvStore* const kv_;  // Not owned.
};

}  // namespace clientele::analytics

#endif  // CLIENTELE_ANALYTICS_STATE_ANALYTICS_STORE_H_
