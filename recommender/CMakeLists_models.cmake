# recommender data model, personal models and offline evaluation (issue 5; no gRPC, no I/O).

# Dataset (dense user x item CSR) and the builder that aggregates raw events into it.
clt_cc_library(NAME recommender_dataset
  HDRS data/dataset.h data/dataset_builder.h
  SRCS data/dataset.cc data/dataset_builder.cc
  DEPS absl::status absl::statusor absl::strings absl::time absl::span absl::flat_hash_map)

# RecommenderModel and its implementations: popularity, item_cf, sar, ease, rp3beta, svd,
# hybrid (with the train/validation split the hybrid tunes its weights on).
clt_cc_library(NAME recommender_models
  HDRS models/recommender_model.h models/popularity_model.h models/item_cf_model.h
       models/sar_model.h models/ease_model.h models/rp3beta_model.h models/svd_model.h
       models/hybrid_model.h
       models/internal/byte_io.h models/internal/params.h models/internal/item_neighbors.h
       evaluation/split.h
  SRCS models/recommender_model.cc models/popularity_model.cc models/item_cf_model.cc
       models/sar_model.cc models/ease_model.cc models/rp3beta_model.cc models/svd_model.cc
       models/hybrid_model.cc
       models/model_factory.cc models/internal/item_neighbors.cc evaluation/split.cc
  DEPS clientele::recommender_dataset clientele::status Eigen3::Eigen absl::flat_hash_set
       absl::str_format)

# Ranking metrics at k and Evaluate(model, test) (train/test splits are in recommender_models).
clt_cc_library(NAME recommender_evaluation
  HDRS evaluation/ranking_metrics.h evaluation/evaluate.h
  SRCS evaluation/ranking_metrics.cc evaluation/evaluate.cc
  DEPS clientele::recommender_models clientele::recommender_dataset absl::flat_hash_set)
