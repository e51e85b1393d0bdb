# recommender/content/: TF-IDF over item names and descriptions, caller-supplied vectors, and
# an HNSW (hnswlib) / exact cosine similar-items index. Included from recommender/CMakeLists.txt.
# Pure libraries: no gRPC.
clt_cc_library(NAME recommender_content
  HDRS content/text_tokenizer.h content/tfidf.h content/item_similarity_index.h
  SRCS content/text_tokenizer.cc content/tfidf.cc content/item_similarity_index.cc
  DEPS clientele::recommender_binary_io clientele::hnswlib Eigen3::Eigen absl::flat_hash_map absl::status
       absl::statusor absl::strings absl::span ICU::uc ICU::i18n Threads::Threads)
