#include "identity/resolution/match_statistics.h"

#include <optional>

#include "clientele/identity/resolution/identity_state.pb.h"
#include "common/log/partitioning.h"
#include "common/status/status_macros.h"
#include "common/storage/key_encoding.h"
#include "identity/resolution/identity_schema.h"
#include "identity/resolution/internal/resolver_keys.h"
#include "identity/resolution/record_index.h"

namespace clientele::identity {

constexpr int kModelWriteIntervalBatches = 32;

void MatchStatistics::RandomPartners(const std::string& key, uint32_t self, size_t record_count,
                                     std::vector<uint32_t>& others) const {
  others.clear();
  uint64_t h = log::StableHash(key);
  for (size_t i = 0; i < random_pairs_per_record_; ++i) {
    h = h * 6364136223846793005ULL + 1442695040888963407ULL;
    const uint32_t other = static_cast<uint32_t>((h >> 33) % record_count);
    if (other != self) others.push_back(other);
  }
}

absl::Status MatchStatistics::MaybeReestimate(uint64_t record_count) {
  const uint64_t n = record_count;
  if (!reestimate_ || n < first_estimate_records_ || n < 2 * records_at_last_estimate_) {
    return absl::OkStatus();
  }
  records_at_last_estimate_ = n;
  dirty_ = estimated_ = true;
  if (matcher_->Estimate(pattern_counts_, random_counts_).ok()) {
    ++estimates_;
    model_version_ = 0;  // Snapshotted when an audit entry first needs it.
  }
  return absl::OkStatus();
}

uint32_t MatchStatistics::ModelVersion(storage::WriteBatch& batch) {
  if (model_version_ == 0) {
    model_version_ = ++last_model_version_;
    batch.Put(kModelCf, resolution_internal::ModelVersionKey(model_version_),
              matcher_->EncodeModel());
  }
  return model_version_;
}

void MatchStatistics::PutIfDue(storage::WriteBatch& batch) {
  // The statistics are written every few batches (a crash loses a few batches' worth of
  // counts, harmless to estimation); a new estimate at once.
  ++batches_since_write_;
  if (estimated_ || (dirty_ && batches_since_write_ >= kModelWriteIntervalBatches)) {
    in_batch_ = true;
    resolution::StoredModel model;
    model.set_model(matcher_->EncodeModel());
    model.mutable_pattern_counts()->insert(pattern_counts_.begin(), pattern_counts_.end());
    model.mutable_random_counts()->insert(random_counts_.begin(), random_counts_.end());
    model.set_records_at_last_estimate(records_at_last_estimate_);
    model.set_estimates(estimates_);
    batch.Put(kModelCf, "em", model.SerializeAsString());
  }
}

void MatchStatistics::Committed() {
  if (in_batch_) {
    dirty_ = estimated_ = in_batch_ = false;
    batches_since_write_ = 0;
  }
}

void MatchStatistics::Clear() {
  pattern_counts_.clear();
  random_counts_.clear();
  records_at_last_estimate_ = 0;
  estimates_ = 0;
  dirty_ = estimated_ = in_batch_ = false;
  batches_since_write_ = 0;
  model_version_ = last_model_version_ = 0;
}

absl::Status MatchStatistics::Load(storage::KvStore& store) {
  Clear();
  {  // Model.
    CLT_ASSIGN_OR_RETURN(std::optional<std::string> v, store.Get(kModelCf, "em"));
    if (v.has_value()) {
      resolution::StoredModel model;
      if (!model.ParseFromString(*v)) return CorruptIdentityStore("the model does not parse");
      pattern_counts_.insert(model.pattern_counts().begin(), model.pattern_counts().end());
      random_counts_.insert(model.random_counts().begin(), model.random_counts().end());
      records_at_last_estimate_ = model.records_at_last_estimate();
      estimates_ = model.estimates();
      CLT_RETURN_IF_ERROR(matcher_->DecodeModel(model.model()));
    }
  }
  // Model versions.
  const std::string prefix(resolution_internal::kModelVersionPrefix);
  auto it = store.NewIterator(kModelCf, {prefix, storage::PrefixSuccessor(prefix)});
  it->SeekToLast();
  CLT_RETURN_IF_ERROR(it->status());
  if (!it->Valid()) return absl::OkStatus();
  if (it->key().size() != prefix.size() + 4) return CorruptIdentityStore("bad model snapshot key");
  last_model_version_ = storage::DecodeUint32(it->key().substr(prefix.size()));
  // The loaded model keeps the last snapshot's version if it is that model.
  if (it->value() == matcher_->EncodeModel()) model_version_ = last_model_version_;
  return absl::OkStatus();
}

}  // namespace clientele::identity
