#include "recommender/models/popularity_model.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "recommender/models/internal/byte_io.h"
#include "recommender/models/internal/params.h"

namespace clientele::recommender {

absl::StatusOr<std::unique_ptr<RecommenderModel>> PopularityModel::Create(
    const ModelConfig& config) {
  internal::Params params(config.params);
  auto model = std::make_unique<PopularityModel>();
  model->weighted_ = params.Get("weighted", 0) != 0;
  model->user_segments_ = config.user_segments;
  if (auto s = params.CheckAllUsed("popularity"); !s.ok()) return s;
  return model;
}

absl::Status PopularityModel::FitImpl(const Dataset& data, const FitProgress& /*progress*/) {
  const int32_t n = data.num_items();
  overall_.assign(n, 0.0f);
  segment_names_.clear();
  for (const auto& [user, seg] : user_segments_) {
    if (data.FindUser(user).has_value()) segment_names_.push_back(seg);
  }
  std::sort(segment_names_.begin(), segment_names_.end());
  segment_names_.erase(std::unique(segment_names_.begin(), segment_names_.end()),
                       segment_names_.end());
  segment_.assign(segment_names_.size(), std::vector<float>(n, 0.0f));
  user_segment_.assign(data.num_users(), -1);
  for (int32_t u = 0; u < data.num_users(); ++u) {
    auto it = user_segments_.find(data.user_id(u));
    if (it != user_segments_.end()) user_segment_[u] = SegmentIndex(it->second);
    auto items = data.UserItems(u);
    auto values = data.UserValues(u);
    for (size_t j = 0; j < items.size(); ++j) {
      float v = weighted_ ? values[j] : 1.0f;
      overall_[items[j]] += v;
      if (user_segment_[u] >= 0) segment_[user_segment_[u]][items[j]] += v;
    }
  }
  user_segments_.clear();
  SetTieScale();
  RankItems();
  return absl::OkStatus();
}

void PopularityModel::SetTieScale() {
  float max_overall = 0;
  for (float v : overall_) max_overall = std::max(max_overall, v);
  tie_scale_ = 1.0f / (2.0f * (max_overall + 1.0f));
}

int PopularityModel::SegmentIndex(absl::string_view segment) const {
  auto it = std::lower_bound(segment_names_.begin(), segment_names_.end(), segment);
  if (it == segment_names_.end() || *it != segment) return -1;
  return static_cast<int>(it - segment_names_.begin());
}

void PopularityModel::ForgetUsersImpl(const absl::flat_hash_set<int32_t>& users) {
  for (int32_t u : users) {
    if (u >= 0 && static_cast<size_t>(u) < user_segment_.size()) user_segment_[u] = -1;
  }
}

std::string PopularityModel::UserSegment(int32_t user) const {
  int s = user_segment_[user];
  return s < 0 ? "" : segment_names_[s];
}

void PopularityModel::Score(absl::Span<const std::pair<int32_t, float>> /*history*/,
                            absl::string_view segment, absl::Span<float> scores) const {
  int s = segment.empty() ? -1 : SegmentIndex(segment);
  for (size_t i = 0; i < scores.size(); ++i) scores[i] = ItemScore(s, static_cast<int32_t>(i));
}

float PopularityModel::ItemScore(int s, int32_t item) const {
  if (s < 0) return overall_[item];
  // Integer-valued segment counts dominate; overall popularity (scaled below 0.5) breaks ties
  // and ranks the items unseen in the segment.
  return segment_[s][item] > 0 ? segment_[s][item] + overall_[item] * tie_scale_ : 0.0f;
}

void PopularityModel::RankItems() {
  ranked_.assign(segment_names_.size() + 1, {});
  for (int s = -1; s < static_cast<int>(segment_names_.size()); ++s) {
    std::vector<std::pair<int32_t, float>>& ranked = ranked_[s + 1];
    for (int32_t i = 0; i < static_cast<int32_t>(overall_.size()); ++i) {
      const float score = ItemScore(s, i);
      if (score > 0) ranked.emplace_back(i, score);
    }
    std::sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) {
      return a.second != b.second ? a.second > b.second : a.first < b.first;
    });
  }
}

const std::vector<std::pair<int32_t, float>>* PopularityModel::RankedScores(
    absl::string_view segment) const {
  const int s = segment.empty() ? -1 : SegmentIndex(segment);
  return &ranked_[s + 1];
}

Reason PopularityModel::Explain(int32_t item, absl::Span<const std::pair<int32_t, float>>,
                                absl::string_view segment) const {
  int s = segment.empty() ? -1 : SegmentIndex(segment);
  if (s >= 0 && segment_[s][item] > 0) {
    return Reason{ReasonKind::kPopularInSegment, -1, std::string(segment)};
  }
  return Reason{ReasonKind::kPopular};
}

void PopularityModel::SerializeImpl(std::string* out) const {
  internal::Put<uint8_t>(out, weighted_ ? 1 : 0);
  internal::PutVector(out, overall_);
  internal::Put<uint64_t>(out, segment_names_.size());
  for (size_t s = 0; s < segment_names_.size(); ++s) {
    internal::PutString(out, segment_names_[s]);
    internal::PutVector(out, segment_[s]);
  }
  internal::PutVector(out, user_segment_);
}

absl::Status PopularityModel::DeserializeImpl(absl::string_view* in) {
  uint8_t weighted;
  uint64_t nseg;
  const size_t n = items().size();
  if (!internal::Get(in, &weighted) || !internal::GetVector(in, &overall_) ||
      overall_.size() != n || !internal::Get(in, &nseg) || nseg > in->size()) {
    return absl::DataLossError("popularity bytes: truncated");
  }
  weighted_ = weighted != 0;
  segment_names_.resize(nseg);
  segment_.resize(nseg);
  for (size_t s = 0; s < nseg; ++s) {
    if (!internal::GetString(in, &segment_names_[s]) || !internal::GetVector(in, &segment_[s]) ||
        segment_[s].size() != n) {
      return absl::DataLossError("popularity bytes: bad segment");
    }
  }
  if (!internal::GetVector(in, &user_segment_) ||
      user_segment_.size() != static_cast<size_t>(users().size())) {
    return absl::DataLossError("popularity bytes: bad user segments");
  }
  for (int32_t s : user_segment_) {
    if (s < -1 || s >= static_cast<int32_t>(nseg)) {
      return absl::DataLossError("popularity bytes: bad user segment");
    }
  }
  SetTieScale();
  RankItems();
  return absl::OkStatus();
}

int64_t PopularityModel::ModelFitBytes(const DataShape& shape) const {
  // Item counts and ranked lists (per segment: a few more) and segments.
  return 32 * shape.items + 8 * shape.users;
}

}  // namespace clientele::recommender
