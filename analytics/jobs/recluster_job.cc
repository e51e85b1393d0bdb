#include "analytics/jobs/recluster_job.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "analytics/clustering/agglomerative.h"
#include "analytics/clustering/cluster_profile.h"
#include "analytics/clustering/elbow.h"
#include "analytics/clustering/kmeans.h"
#include "analytics/clustering/minibatch_kmeans.h"
#include "analytics/clustering/pca.h"
#include "analytics/clustering/random.h"
#include "analytics/clustering/silhouette.h"
#include "analytics/features/preprocessor.h"
#include "analytics/jobs/feature_sets.h"
#include "analytics/jobs/job_common.h"
#include "analytics/jobs/profile_figures.h"
#include "common/status/status_macros.h"

namespace clientele::analytics {
namespace {

constexpr int kMaxK = 50;
constexpr int kRowsPerBatch = 2000;

absl::Status Invalid(const std::string& field, const std::string& what) {
  return absl::InvalidArgumentError(absl::StrCat("spec.recluster.", field, ": ", what));
}

bool ValidAttributeName(const std::string& name) {
  if (name.empty() || name.size() > 64) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

// Up to `size` row indices, ascending, drawn without replacement (all when n <= size).
std::vector<int> SampleRows(int n, int size, uint64_t seed) {
  std::vector<int> all(n);
  std::iota(all.begin(), all.end(), 0);
  if (n <= size) return all;
  ClusteringRng rng(seed);
  for (int i = 0; i < size; ++i) {
    const int j = i + static_cast<int>(rng.Below(static_cast<uint64_t>(n - i)));
    std::swap(all[i], all[j]);
  }
  all.resize(size);
  std::sort(all.begin(), all.end());
  return all;
}

}  // namespace

absl::Status ValidateReclusterSpec(const v1::ReclusterJobSpec& spec) {
  if (!v1::FeatureSet_IsValid(spec.feature_set())) return Invalid("feature_set", "unknown value");
  if (spec.feature_set() == v1::FEATURE_SET_ATTRIBUTES) {
    if (spec.attributes().empty()) {
      return Invalid("attributes", "required for the attributes feature set");
    }
    for (const std::string& name : spec.attributes()) {
      if (!ValidAttributeName(name)) {
        return Invalid(
            "attributes",
            absl::StrCat("'", name, "' is not an attribute name ([a-z0-9_], at most 64 bytes)"));
      }
    }
  } else if (!spec.attributes().empty()) {
    return Invalid("attributes", "only for the attributes feature set");
  }
  const int k_min = spec.k_min() == 0 ? kDefaultKMin : spec.k_min();
  const int k_max = spec.k_max() == 0 ? kDefaultKMax : spec.k_max();
  if (k_min < 2 || k_min > kMaxK) return Invalid("k_min", absl::StrCat("must be in 2..", kMaxK));
  if (k_max < k_min || k_max > kMaxK) {
    return Invalid("k_max", absl::StrCat("must be in k_min (", k_min, ")..", kMaxK));
  }
  if (spec.k() != 0 && (spec.k() < k_min || spec.k() > k_max)) {
    return Invalid("k", absl::StrCat("must be 0 (the suggested k) or in ", k_min, "..", k_max));
  }
  if (spec.n_init() < 0 || spec.n_init() > 100) return Invalid("n_init", "must be in 0..100");
  if (spec.pca_sample_size() < 0 || spec.pca_sample_size() > 100000) {
    return Invalid("pca_sample_size", "must be in 0..100000");
  }
  if (spec.silhouette_sample_size() < 0 || spec.silhouette_sample_size() == 1 ||
      spec.silhouette_sample_size() > 100000) {
    return Invalid("silhouette_sample_size", "must be 0 or in 2..100000");
  }
  if (!v1::RfmConvention_IsValid(spec.convention())) {
    return Invalid("convention", "unknown value");
  }
  if (spec.has_reference_date() && !IsValidProtoTimestamp(spec.reference_date())) {
    return Invalid("reference_date", "outside years 1..9999");
  }
  if (spec.batch_size() < 0 || spec.batch_size() > 1000000) {
    return Invalid("batch_size", "must be in 0..1000000");
  }
  return absl::OkStatus();
}

absl::StatusOr<JobOutcome> RunReclusterJob(AnalyticsStore& store, ProfileDirectory& directory,
                                           const JobInput& job, JobControl& control,
                                           int kmeans_threads) {
  const v1::ReclusterJobSpec& spec = job.spec.recluster();
  const RfmConvention convention = FromProto(spec.convention());
  CLT_ASSIGN_OR_RETURN(std::vector<ProfileFigures> profiles,
                       CollectProfiles(store, directory, convention, control, 0.0, 0.2));
  absl::Time reference;
  if (spec.has_reference_date()) {
    reference = FromProtoTimestamp(spec.reference_date());
  } else {
    absl::Time last = absl::InfinitePast();
    for (const ProfileFigures& p : profiles) {
      if (p.rfm) last = std::max(last, p.rfm->last_purchase);
    }
    reference = last == absl::InfinitePast() ? absl::Now() : DayAfter(last);
  }
  CLT_ASSIGN_OR_RETURN(FeatureTable table, BuildFeatureTable(profiles, spec, reference));
  const int n = static_cast<int>(table.rows.size());
  if (n < 3) {
    return absl::FailedPreconditionError(
        absl::StrCat("clustering needs at least 3 profiles with features, there are ", n));
  }
  if (spec.ward() && n > kMaxWardPoints) {
    return absl::FailedPreconditionError(
        absl::StrCat("spec.recluster.ward: Ward clustering takes at most ", kMaxWardPoints,
                     " profiles, there are ", n));
  }
  CLT_ASSIGN_OR_RETURN(Preprocessor preprocessor, Preprocessor::Fit(table.frame));
  CLT_ASSIGN_OR_RETURN(Eigen::MatrixXd X, preprocessor.Transform(table.frame));
  control.SetProgress(0.25, absl::StrCat(n, " profiles x ", X.cols(), " features"));

  const int k_min = spec.k_min() == 0 ? kDefaultKMin : spec.k_min();
  const int k_max = std::min(spec.k_max() == 0 ? kDefaultKMax : spec.k_max(), n - 1);
  if (k_max < k_min) {
    return absl::FailedPreconditionError(
        absl::StrCat("k_min ", k_min, " needs more than ", k_min, " profiles, there are ", n));
  }
  KMeansOptions kmeans;
  kmeans.n_init = spec.n_init() == 0 ? kDefaultNInit : spec.n_init();
  kmeans.seed = spec.seed();
  kmeans.threads = std::max(1, kmeans_threads);
  const int silhouette_sample =
      spec.silhouette_sample_size() == 0 ? kDefaultSilhouetteSample : spec.silhouette_sample_size();
  std::map<int, KMeansResult> results;
  std::vector<v1::KScore> scores;
  for (int k = k_min; k <= k_max; ++k) {
    if (control.cancelled()) return absl::CancelledError("cancelled");
    control.SetProgress(0.25 + 0.6 * (k - k_min) / (k_max - k_min + 1),
                        absl::StrCat("k-means k=", k, " of ", k_min, "..", k_max));
    kmeans.k = k;
    KMeansResult result;
    if (spec.minibatch()) {
      MiniBatchKMeansOptions minibatch;
      minibatch.k = k;
      minibatch.n_init = kmeans.n_init;
      minibatch.seed = kmeans.seed;
      minibatch.threads = kmeans.threads;
      if (spec.batch_size() != 0) minibatch.batch_size = spec.batch_size();
      CLT_ASSIGN_OR_RETURN(result, MiniBatchKMeans(X, minibatch));
    } else {
      CLT_ASSIGN_OR_RETURN(result, KMeans(X, kmeans));
    }
    v1::KScore score;
    score.set_k(k);
    score.set_inertia(result.inertia);
    absl::StatusOr<double> silhouette =
        SilhouetteSampled(X, result.labels, silhouette_sample, spec.seed());
    // Fewer than 2 distinct clusters (duplicate points): no silhouette, scored 0.
    score.set_silhouette(silhouette.ok() ? *silhouette : 0.0);
    scores.push_back(score);
    results.emplace(k, std::move(result));
  }
  int suggested = scores.front().k();
  double best = scores.front().silhouette();
  for (const v1::KScore& s : scores) {
    if (s.silhouette() > best) {
      best = s.silhouette();
      suggested = s.k();
    }
  }
  std::vector<int> ks;
  std::vector<double> inertias;
  for (const v1::KScore& s : scores) {
    ks.push_back(s.k());
    inertias.push_back(s.inertia());
  }
  const int elbow_k = KneeOfCurve(ks, inertias);
  const int k = spec.k() != 0 && spec.k() <= k_max ? spec.k() : suggested;
  const KMeansResult& chosen = results.at(k);
  if (control.cancelled()) return absl::CancelledError("cancelled");
  control.SetProgress(0.87, absl::StrCat("profiling ", k, " clusters"));

  CLT_ASSIGN_OR_RETURN(const uint64_t rfm_version, store.ActiveVersion(v1::JOB_KIND_RFM));
  CLT_ASSIGN_OR_RETURN(const uint64_t version, store.AllocateModelVersion());
  v1::Model model;
  model.set_version(version);
  model.set_kind(v1::JOB_KIND_RECLUSTER);
  model.set_job_id(job.job_id);
  ToProtoTimestamp(absl::Now(), model.mutable_created_at());
  v1::ClusterModel& cm = *model.mutable_cluster();
  cm.set_feature_set(spec.feature_set() == v1::FEATURE_SET_UNSPECIFIED ? v1::FEATURE_SET_RFM
                                                                       : spec.feature_set());
  for (const FeatureColumn& c : table.frame) {
    v1::FeatureColumn& f = *cm.add_features();
    f.set_name(c.name);
    f.set_log1p(c.log1p);
    f.set_categorical(c.kind == ColumnKind::kCategorical);
  }
  for (const std::string& name : preprocessor.output_names()) cm.add_columns(name);
  // Scaler figures, read back from the fitted preprocessing: z = (g(x) - mean) / scale.
  {
    std::vector<double> mean(X.cols(), 0.0), scale(X.cols(), 1.0);
    const std::vector<std::string>& outputs = preprocessor.output_names();
    for (size_t j = 0; j < table.frame.size(); ++j) {
      const FeatureColumn& c = table.frame[j];
      if (c.kind != ColumnKind::kNumeric) continue;
      const auto out = std::find(outputs.begin(), outputs.end(), c.name);
      if (out == outputs.end()) continue;
      const size_t o = static_cast<size_t>(out - outputs.begin());
      std::vector<FeatureValue> row(table.frame.size());
      row[j] = 0.0;  // g = 0
      CLT_ASSIGN_OR_RETURN(Eigen::RowVectorXd z0, preprocessor.TransformRow(row));
      row[j] = c.log1p ? std::expm1(1.0) : 1.0;  // g = 1
      CLT_ASSIGN_OR_RETURN(Eigen::RowVectorXd z1, preprocessor.TransformRow(row));
      const double dz = z1(o) - z0(o);
      scale[o] = dz != 0 ? 1.0 / dz : 1.0;
      mean[o] = -z0(o) * scale[o];
    }
    for (size_t o = 0; o < mean.size(); ++o) {
      cm.add_scaler_mean(mean[o]);
      cm.add_scaler_scale(scale[o]);
    }
  }
  cm.set_k(k);
  for (int c = 0; c < chosen.centroids.rows(); ++c) {
    for (int d = 0; d < chosen.centroids.cols(); ++d) cm.add_centroids(chosen.centroids(c, d));
  }
  for (const v1::KScore& s : scores) *cm.add_k_scores() = s;
  cm.set_suggested_k(suggested);
  cm.set_elbow_k(elbow_k);
  // PCA in two dimensions (one when there is a single column: y is then 0).
  CLT_ASSIGN_OR_RETURN(const PcaResult pca, Pca(X, std::min<int>(2, static_cast<int>(X.cols()))));
  for (int c = 0; c < 2; ++c) {
    for (int d = 0; d < X.cols(); ++d) {
      cm.add_pca_components(c < pca.components.rows() ? pca.components(c, d) : 0.0);
    }
    cm.add_explained_variance_ratio(
        c < pca.explained_variance_ratio.size() ? pca.explained_variance_ratio(c) : 0.0);
  }
  for (int d = 0; d < X.cols(); ++d) cm.add_pca_mean(pca.mean(d));
  const int pca_sample = spec.pca_sample_size() == 0 ? kDefaultPcaSample : spec.pca_sample_size();
  std::vector<int> ward_labels;
  if (spec.ward()) {
    if (control.cancelled()) return absl::CancelledError("cancelled");
    control.SetProgress(0.86, absl::StrCat("Ward agglomerative clustering, k=", k));
    CLT_ASSIGN_OR_RETURN(ward_labels, AgglomerativeWard(X, k));
    std::vector<int64_t> ward_sizes(k, 0);
    for (int label : ward_labels) ++ward_sizes[label];
    for (int64_t size : ward_sizes) cm.add_ward_cluster_sizes(size);
    absl::StatusOr<double> s = SilhouetteSampled(X, ward_labels, silhouette_sample, spec.seed());
    cm.set_ward_silhouette(s.ok() ? *s : 0.0);
  }
  for (int i : SampleRows(n, pca_sample, spec.seed())) {
    v1::PcaPoint& point = *cm.add_pca_sample();
    point.set_x(pca.projected(i, 0));
    point.set_y(pca.projected.cols() > 1 ? pca.projected(i, 1) : 0.0);
    point.set_cluster(chosen.labels[i]);
    if (!ward_labels.empty()) cm.add_ward_labels_sample(ward_labels[i]);
  }
  // Cluster profiles: sizes, centroids, raw feature means, the most common RFM segment.
  CLT_ASSIGN_OR_RETURN(const std::vector<ClusterProfile> profiles_of_clusters,
                       ProfileClusters(table.frame, chosen.labels, k, /*top_categories=*/3));
  std::vector<std::map<std::string, int64_t>> segments(k);
  std::vector<int64_t> sizes(k, 0);
  for (int i = 0; i < n; ++i) ++sizes[chosen.labels[i]];
  if (rfm_version != 0) {
    for (int i = 0; i < n; ++i) {
      CLT_ASSIGN_OR_RETURN(std::optional<v1::RfmRow> row,
                           store.GetRfmRow(rfm_version, table.rows[i]->profile_id));
      if (row) ++segments[chosen.labels[i]][row->segment()];
    }
  }
  for (int c = 0; c < k; ++c) {
    v1::Cluster& cluster = *cm.add_clusters();
    cluster.set_cluster(c);
    cluster.set_size(sizes[c]);
    for (int d = 0; d < chosen.centroids.cols(); ++d) cluster.add_centroid(chosen.centroids(c, d));
    for (const FeatureSummary& feature : profiles_of_clusters[c].features) {
      if (feature.kind == ColumnKind::kNumeric) {
        if (!std::isnan(feature.mean))
          (*cluster.mutable_feature_means())[feature.name] = feature.mean;
        continue;
      }
      for (const CategoryShare& top : feature.top) {
        v1::CategoryShare& out = *cluster.add_top_categories();
        out.set_feature(feature.name);
        out.set_value(top.value);
        out.set_count(top.count);
        out.set_share(top.share);
      }
    }
    int64_t most = 0;
    for (const auto& [segment, count] : segments[c]) {
      if (count > most) {
        most = count;
        cluster.set_dominant_segment(segment);
      }
    }
  }
  cm.set_profiles(n);
  cm.set_convention(ToProto(convention));
  ToProtoTimestamp(reference, cm.mutable_reference_date());
  cm.set_preprocessor(preprocessor.Encode());

  control.SetProgress(0.9, "storing cluster assignments");
  std::unique_ptr<storage::WriteBatch> batch = store.kv()->NewWriteBatch();
  for (int i = 0; i < n; ++i) {
    store.PutClusterRow(*batch, version, table.rows[i]->profile_id, chosen.labels[i]);
    for (const common::v1::SourceKey& key : table.rows[i]->members) {
      if (table.rows[i]->profile_id != FormatSourceKey(key)) {
        store.PutMember(*batch, version, key, table.rows[i]->profile_id);
      }
    }
    if ((i + 1) % kRowsPerBatch == 0) {
      if (control.cancelled()) return absl::CancelledError("cancelled");
      CLT_RETURN_IF_ERROR(store.kv()->Write(*batch));
      batch->Clear();
    }
  }
  CLT_RETURN_IF_ERROR(store.kv()->Write(*batch));
  if (control.cancelled()) return absl::CancelledError("cancelled");

  JobOutcome outcome;
  outcome.result.set_model_version(version);
  outcome.result.set_profiles(n);
  *outcome.result.mutable_k_scores() = cm.k_scores();
  outcome.result.set_suggested_k(suggested);
  outcome.result.set_k(k);
  outcome.result.set_elbow_k(elbow_k);
  *outcome.result.mutable_reference_date() = cm.reference_date();
  outcome.commit = store.kv()->NewWriteBatch();
  store.PutModel(*outcome.commit, model);
  store.PutActiveVersion(*outcome.commit, v1::JOB_KIND_RECLUSTER, version);
  control.SetProgress(1.0, absl::StrCat(n, " profiles in ", k, " clusters"));
  return outcome;
}

}  // namespace clientele::analytics
