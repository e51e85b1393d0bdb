// The analytics service's part of a data subject's erasure and access export (docs/privacy.md,
// docs/analytics.md "Privacy"). A subject is the source keys of a person's member records and
// their profile ids (privacy.v1.Subject).
//
// Erase removes, for every source key, its order aggregate, its attributes (the merged
// CustomerUpsert view) and its order history; and in every model version ever computed: the
// key's members row, and the RFM and cluster rows of the subject's profiles (by profile id,
// by FormatSourceKey(key) for a key that was its own profile, and by the profile a members
// row names). A row of another profile that merely listed the key (a profile since split) keeps
// its figures and loses the key from its source_ids. Models and job results hold no
// per-customer rows (population figures and anonymous PCA points only) and are kept. Queries
// read the store, so GetCustomerAnalytics and ListCustomerOrders answer NOT_FOUND / nothing
// for the subject at once. Then the touched column families are purged
// (KvStore::PurgeDeleted). Idempotent: erasing again finds nothing and counts 0.
//
// Export gives {"orders": [CustomerOrder...], "rfm": RfmRow or {}, "segment": SegmentSummary or
// {}, "cluster": Cluster or {}}: the whole order history of the source keys (newest first) and
// the subject's row, segment and cluster in the active RFM and cluster models.
//
// Thread-safe: erasures are serialized by a mutex; exports may run at any time. `store` is not
// owned and must outlive this object.
#ifndef CLIENTELE_ANALYTICS_PRIVACY_ANALYTICS_SUBJECT_DATA_H_
#define CLIENTELE_ANALYTICS_PRIVACY_ANALYTICS_SUBJECT_DATA_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "analytics/state/analytics_store.h"
#include "clientele/privacy/v1/privacy.pb.h"

namespace clientele::analytics {

class AnalyticsSubjectData {
 public:
  explicit AnalyticsSubjectData(AnalyticsStore* store) : store_(store) {}

  // Erases every subject of `subjects`; returns the number of keys deleted (a row rewritten
  // without the key counts too). InvalidArgument naming the field for a source key without
  // system or id.
  absl::StatusOr<int64_t> Erase(const std::vector<privacy::v1::Subject>& subjects);

  // The JSON object text described above.
  absl::StatusOr<std::string> Export(const privacy::v1::Subject& subject) const;

 private:
  AnalyticsStore* const store_;
  absl::Mutex erase_mu_;
};

}  // namespace clientele::analytics

#endif  // CLIENTELE_ANALYTICS_PRIVACY_ANALYTICS_SUBJECT_DATA_H_
