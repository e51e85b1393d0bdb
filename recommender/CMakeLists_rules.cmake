# recommender/rules/: frequent itemsets (FP-Growth), association rules, basket completion.
# Included from recommender/CMakeLists.txt. Pure libraries: no gRPC.

# Binary read/write helpers for the Serialize/Deserialize of rules and content (internal).
clt_cc_library(NAME recommender_binary_io
  HDRS rules/internal/binary_io.h
  DEPS absl::strings)

clt_cc_library(NAME recommender_rules
  HDRS rules/transactions.h rules/fp_growth.h rules/association_rules.h
       rules/basket_completer.h rules/basket_text.h
  SRCS rules/transactions.cc rules/fp_growth.cc rules/association_rules.cc
       rules/basket_completer.cc rules/basket_text.cc
  DEPS clientele::status clientele::recommender_binary_io clientele::utf8 absl::flat_hash_map
       absl::status absl::statusor absl::strings absl::span Threads::Threads)
