// Typed access to the recommender's column families (recommender/recommender_schema.h): the
// events it learns from (orders, interactions, products, customers, profiling consents), jobs,
// model versions with their artifacts, and the active version.
//
//   RecommenderStore store(kv);
//   CLT_RETURN_IF_ERROR(store.ForEachOrder([](const common::v1::Event& e) { ...; return OkStatus();
//   }));
//
// Thread-safe (it only forwards to the thread-safe KvStore); `kv` is not owned and must
// outlive the store. Corrupt stored values come back as DataLoss naming the key.
#ifndef CLIENTELE_RECOMMENDER_STATE_RECOMMENDER_STORE_H_
#define CLIENTELE_RECOMMENDER_STATE_RECOMMENDER_STORE_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "clientele/common/v1/event.pb.h"
#include "clientele/recommender/v1/recommender.pb.h"
#include "clientele/recommender/v1/recommender_state.pb.h"
#include "common/source_key/source_key.h"
#include "common/storage/kv_store.h"

namespace clientele::recommender {

// Source keys are stored as EncodeSourceKey (common/source_key/source_key.h); a source key
// without an identity profile is a profile of its own, with profile id FormatSourceKey(key).

class RecommenderStore {
 public:
  explicit RecommenderStore(storage::KvStore* kv) : kv_(kv) {}

  storage::KvStore* kv() const { return kv_; }

  // --- Events (written by the applier). ---
  // An Order event; a later event for the same order (same source) replaces it.
  void PutOrder(storage::WriteBatch& batch, const common::v1::Event& event) const;
  void PutInteraction(storage::WriteBatch& batch, uint64_t sequence,
                      const common::v1::Event& event) const;
  absl::StatusOr<std::optional<common::v1::ProductUpsert>> GetProduct(std::string_view sku) const;
  void PutProduct(storage::WriteBatch& batch, const common::v1::ProductUpsert& product) const;
  void PutCustomer(storage::WriteBatch& batch, const common::v1::SourceKey& key) const;
  absl::StatusOr<bool> HasCustomer(const common::v1::SourceKey& key) const;
  absl::StatusOr<std::optional<v1::ConsentRecord>> GetConsent(
      const common::v1::SourceKey& key) const;
  void PutConsent(storage::WriteBatch& batch, const common::v1::SourceKey& key,
                  const v1::ConsentRecord& record) const;

  // --- Live purchase history (the `purchases` column family). ---
  // The items of one applied event of `customer` that count as bought or rated.
  void PutPurchase(storage::WriteBatch& batch, const common::v1::SourceKey& customer,
                   uint32_t partition, uint64_t sequence, const v1::PurchasedItems& items) const;
  // Visits the SKUs `customer` bought or rated in events above `after` (a partition's events
  // with sequence <= its position are skipped; partitions absent from `after`: all events).
  // One seek per partition the customer has events in, plus one read per event visited: the
  // cost is that of the events since `after`, not of the whole history.
  absl::Status ForEachPurchaseSince(
      const common::v1::SourceKey& customer,
      const google::protobuf::RepeatedPtrField<v1::AppliedPosition>& after,
      const std::function<void(const std::string& sku)>& visit) const;
  // The same by source key text "system/id" (FormatSourceKey); a text that is no source
  // key has no purchases.
  absl::Status ForEachPurchaseSince(
      const std::string& source_key_text,
      const google::protobuf::RepeatedPtrField<v1::AppliedPosition>& after,
      const std::function<void(const std::string& sku)>& visit) const;

  // The applied log positions of the consumer "recommender" as stored with its state (the
  // LogConsumer's progress keys in `meta`), partition order.
  absl::StatusOr<std::vector<v1::AppliedPosition>> AppliedLog() const;

  // Visitors over a snapshot taken at the call, in key order; they stop at and return the
  // first error of `visit` or of the store.
  absl::Status ForEachOrder(
      const std::function<absl::Status(const common::v1::Event&)>& visit) const;
  absl::Status ForEachInteraction(
      const std::function<absl::Status(const common::v1::Event&)>& visit) const;
  absl::Status ForEachProduct(
      const std::function<absl::Status(const common::v1::ProductUpsert&)>& visit) const;
  absl::Status ForEachCustomer(
      const std::function<absl::Status(const common::v1::SourceKey&)>& visit) const;
  absl::Status ForEachConsent(
      const std::function<absl::Status(const common::v1::SourceKey&, const v1::ConsentRecord&)>&
          visit) const;

  // --- Caller-supplied item vectors. ---
  void PutItemVector(storage::WriteBatch& batch, std::string_view sku,
                     const std::vector<float>& values) const;
  absl::Status ForEachItemVector(
      const std::function<absl::Status(std::string_view sku, std::vector<float> values)>& visit)
      const;

  // Jobs live in the jobs / job_keys column families through common/jobs/job_store.h.

  // --- Model versions. ---
  // Reserves the next version (persisted; never reused). Only the job worker calls it.
  absl::StatusOr<uint64_t> AllocateModelVersion();
  absl::StatusOr<std::optional<v1::ModelManifest>> GetManifest(uint64_t version) const;
  void PutManifest(storage::WriteBatch& batch, const v1::ModelManifest& manifest) const;
  absl::StatusOr<std::optional<std::string>> GetArtifact(uint64_t version,
                                                         std::string_view name) const;
  void PutArtifact(storage::WriteBatch& batch, uint64_t version, std::string_view name,
                   std::string_view bytes) const;
  // 0 when no version is active.
  absl::StatusOr<uint64_t> ActiveVersion() const;
  void PutActiveVersion(storage::WriteBatch& batch, uint64_t version) const;

 private:
  storage::KvStore* const kv_;  // Not owned.
};

}  // namespace clientele::recommender

#endif  // CLIENTELE_RECOMMENDER_STATE_RECOMMENDER_STORE_H_
