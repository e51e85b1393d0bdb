// The names of the recommender's models, apart from the models themselves, so that a client
// (the CLI's help) can list them without linking the models.
#ifndef CLIENTELE_RECOMMENDER_MODELS_MODEL_NAMES_H_
#define CLIENTELE_RECOMMENDER_MODELS_MODEL_NAMES_H_

#include <cstdint>
#include <string>
#include <vector>

namespace clientele::recommender {

// The model names CreateModel knows: what an evaluate job fits by default.
std::vector<std::string> ModelNames();

// The models a serving strategy answers with (ModelNames() but rp3beta, svd and als, which are
// served as components of the hybrid or above the dense cap): what a train job fits by default.
std::vector<std::string> ServedModelNames();

// What a train job fits by default above the dense cap (more items than ease's max_items):
// ServedModelNames() with als instead of ease and hybrid, whose cost grows with the cube of
// the cap.
std::vector<std::string> LargeCatalogModelNames();

// Ease's default max_items: the dense cap above which a train job fits LargeCatalogModelNames().
inline constexpr int64_t kDenseItemCap = 10000;

}  // namespace clientele::recommender

#endif  // CLIENTELE_RECOMMENDER_MODELS_MODEL_NAMES_H_
