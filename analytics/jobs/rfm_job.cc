#include "analytics/jobs/rfm_job.h"

#include <algorithm>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "analytics/jobs/job_common.h"
#include "analytics/jobs/profile_figures.h"
#include "analytics/rfm/rfm_reference.h"
#include "common/status/status_macros.h"

namespace clientele::analytics {
namespace {

constexpr int kRowsPerBatch = 2000;

}  // namespace

absl::Status ValidateRfmSpec(const v1::RfmJobSpec& spec) {
  if (!v1::RfmConvention_IsValid(spec.convention())) {
    return absl::InvalidArgumentError("spec.rfm.convention: unknown value");
  }
  if (spec.has_reference_date() && !IsValidProtoTimestamp(spec.reference_date())) {
    return absl::InvalidArgumentError("spec.rfm.reference_date: outside years 1..9999");
  }
  std::vector<std::string> names;
  for (const SegmentDefinition& d : DefaultSegmentDefinitions()) names.push_back(d.name);
  for (const auto& [segment, strategy] : spec.segment_strategies()) {
    if (std::find(names.begin(), names.end(), segment) == names.end()) {
      return absl::InvalidArgumentError(
          absl::StrCat("spec.rfm.segment_strategies: unknown segment '", segment,
                       "' (known: ", absl::StrJoin(names, ", "), ")"));
    }
  }
  return absl::OkStatus();
}

std::vector<SegmentDefinition> SegmentDefinitionsFor(const v1::RfmJobSpec& spec) {
  std::vector<SegmentDefinition> definitions = DefaultSegmentDefinitions();
  for (SegmentDefinition& d : definitions) {
    auto it = spec.segment_strategies().find(d.name);
    if (it != spec.segment_strategies().end()) d.strategy = it->second;
  }
  return definitions;
}

absl::StatusOr<JobOutcome> RunRfmJob(AnalyticsStore& store, ProfileDirectory& directory,
                                     const JobInput& job, JobControl& control) {
  const v1::RfmJobSpec& spec = job.spec.rfm();
  const RfmConvention convention = FromProto(spec.convention());
  CLT_ASSIGN_OR_RETURN(std::vector<ProfileFigures> profiles,
                       CollectProfiles(store, directory, convention, control, 0.0, 0.5));
  std::vector<const ProfileFigures*> scored;
  std::vector<CustomerAggregate> inputs;
  for (const ProfileFigures& p : profiles) {
    if (!p.rfm) continue;
    scored.push_back(&p);
    inputs.push_back(*p.rfm);
    // Ties in the quintile ranks break by key: use the profile's smallest member source key,
    // which does not change when identity renumbers profiles, and which orders one-key
    // profiles like the notebook's groupby(customer id).
    inputs.back().key = FormatSourceKey(p.members.front());
  }
  if (inputs.empty()) {
    return absl::FailedPreconditionError(
        "no profile has a counted order yet: import orders (and let analytics catch up) first");
  }
  absl::Time reference;
  if (spec.has_reference_date()) {
    reference = FromProtoTimestamp(spec.reference_date());
  } else {
    absl::Time last = absl::InfinitePast();
    for (const CustomerAggregate& c : inputs) last = std::max(last, c.last_purchase);
    reference = DayAfter(last);
  }
  if (control.cancelled()) return absl::CancelledError("cancelled");
  control.SetProgress(0.55, absl::StrCat("scoring ", inputs.size(), " profiles"));
  const std::vector<RfmScore> scores = ScoreRfm(inputs, reference);
  const std::vector<SegmentDefinition> definitions = SegmentDefinitionsFor(spec);
  CLT_ASSIGN_OR_RETURN(std::vector<SegmentSummary> summary,
                       SummarizeSegments(inputs, scores, definitions));

  v1::Model model;
  CLT_ASSIGN_OR_RETURN(const uint64_t version, store.AllocateModelVersion());
  model.set_version(version);
  model.set_kind(v1::JOB_KIND_RFM);
  model.set_job_id(job.job_id);
  ToProtoTimestamp(absl::Now(), model.mutable_created_at());
  v1::RfmModel& rfm = *model.mutable_rfm();
  rfm.set_convention(ToProto(convention));
  ToProtoTimestamp(reference, rfm.mutable_reference_date());
  rfm.set_profiles(static_cast<int64_t>(inputs.size()));
  for (const SegmentSummary& s : summary) {
    v1::SegmentSummary& out = *rfm.add_segments();
    out.set_segment(s.segment);
    out.set_customers(s.customers);
    out.set_revenue(s.revenue);
    out.set_revenue_share(s.revenue_share);
    out.set_strategy(s.strategy);
  }
  for (const SegmentDefinition& d : definitions) (*rfm.mutable_strategies())[d.name] = d.strategy;
  {
    CLT_ASSIGN_OR_RETURN(RfmReference population, RfmReference::Build(inputs, reference));
    rfm.set_reference(population.Encode());
  }

  // Rows first, in batches: they are invisible until the model becomes active.
  std::unique_ptr<storage::WriteBatch> batch = store.kv()->NewWriteBatch();
  for (size_t i = 0; i < scored.size(); ++i) {
    v1::RfmRow row;
    row.set_profile_id(scored[i]->profile_id);
    for (const common::v1::SourceKey& key : scored[i]->members) {
      *row.add_source_ids() = key;
      if (scored[i]->profile_id != FormatSourceKey(key)) {  // Else implied (see the schema).
        store.PutMember(*batch, version, key, scored[i]->profile_id);
      }
    }
    row.set_recency_days(scores[i].recency_days);
    row.set_frequency(inputs[i].frequency);
    row.set_monetary(inputs[i].monetary);
    row.set_r(scores[i].r);
    row.set_f(scores[i].f);
    row.set_m(scores[i].m);
    row.set_segment(scores[i].segment);
    ToProtoTimestamp(inputs[i].last_purchase, row.mutable_last_purchase());
    store.PutRfmRow(*batch, version, row);
    if ((i + 1) % kRowsPerBatch == 0) {
      if (control.cancelled()) return absl::CancelledError("cancelled");
      CLT_RETURN_IF_ERROR(store.kv()->Write(*batch));
      batch->Clear();
      control.SetProgress(0.6 + 0.35 * static_cast<double>(i + 1) / scored.size(),
                          absl::StrCat("stored ", i + 1, " of ", scored.size(), " rows"));
    }
  }
  CLT_RETURN_IF_ERROR(store.kv()->Write(*batch));
  if (control.cancelled()) return absl::CancelledError("cancelled");

  JobOutcome outcome;
  outcome.result.set_model_version(version);
  outcome.result.set_profiles(static_cast<int64_t>(inputs.size()));
  *outcome.result.mutable_segments() = rfm.segments();
  *outcome.result.mutable_reference_date() = rfm.reference_date();
  outcome.commit = store.kv()->NewWriteBatch();
  store.PutModel(*outcome.commit, model);
  store.PutActiveVersion(*outcome.commit, v1::JOB_KIND_RFM, version);
  control.SetProgress(1.0, absl::StrCat("scored ", inputs.size(), " profiles"));
  return outcome;
}

}  // namespace clientele::analytics
