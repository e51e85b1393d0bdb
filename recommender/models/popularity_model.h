// PopularityModel ("popularity"): items ranked by how many users interacted with them, overall
// or within the user's segment. The cold-start fallback of the other models.
//
// Parameters: "weighted" (0 default: count users; 1: sum the users' values).
// Segments come from ModelConfig::user_segments (user id -> segment name) at fit; a request
// may name a segment (RecommendRequest::segment) for users unknown at fit. Within a segment,
// items rank by the segment's count, ties broken by overall popularity; items nobody in the
// segment had follow, by overall popularity. Reasons: "popular in segment S" / "popular".
// Thread-safe after Fit.
#ifndef CLIENTELE_RECOMMENDER_MODELS_POPULARITY_MODEL_H_
#define CLIENTELE_RECOMMENDER_MODELS_POPULARITY_MODEL_H_

#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "recommender/models/recommender_model.h"

namespace clientele::recommender {

class PopularityModel final : public RecommenderModel {
 public:
  static absl::StatusOr<std::unique_ptr<RecommenderModel>> Create(const ModelConfig& config);

  std::string name() const override { return "popularity"; }

  // Segment names known at fit (sorted).
  const std::vector<std::string>& segments() const { return segment_names_; }

 protected:
  void Score(absl::Span<const std::pair<int32_t, float>> history, absl::string_view segment,
             absl::Span<float> scores) const override;
  Reason Explain(int32_t item, absl::Span<const std::pair<int32_t, float>> history,
                 absl::string_view segment) const override;
  absl::Status FitImpl(const Dataset& data, const FitProgress& progress) override;
  void SerializeImpl(std::string* out) const override;
  absl::Status DeserializeImpl(absl::string_view* in) override;
  int64_t ModelFitBytes(const DataShape& shape) const override;
  std::string UserSegment(int32_t user) const override;
  // The users' segments (segment counts, learnt from every user, stay).
  void ForgetUsersImpl(const absl::flat_hash_set<int32_t>& users) override;
  const std::vector<std::pair<int32_t, float>>* RankedScores(
      absl::string_view segment) const override;

 private:
  int SegmentIndex(absl::string_view segment) const;
  void SetTieScale();
  // What Score gives `item` in segment index `s` (-1: overall).
  float ItemScore(int s, int32_t item) const;
  // Fills ranked_ from overall_ and segment_.
  void RankItems();

  bool weighted_ = false;
  absl::flat_hash_map<std::string, std::string> user_segments_;  // Config; fit only.
  std::vector<float> overall_;                                   // Per item.
  float tie_scale_ = 0;                                          // 1 / (2 (max overall + 1)).
  std::vector<std::string> segment_names_;                       // Sorted.
  std::vector<std::vector<float>> segment_;                      // [segment][item].
  std::vector<int32_t> user_segment_;                            // Per user, -1 when none.
  // RankedScores: [0] overall, [1 + s] segment s; items with a score > 0, best first.
  std::vector<std::vector<std::pair<int32_t, float>>> ranked_;
};

}  // namespace clientele::recommender

#endif  // CLIENTELE_RECOMMENDER_MODELS_POPULARITY_MODEL_H_
