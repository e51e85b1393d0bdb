// The names of the recommender's models, apart from the models themselves, so that a client
// (the CLI's help) can list them without linking the models.
#ifndef CLIENTELE_RECOMMENDER_MODELS_MODEL_NAMES_H_
#define CLIENTELE_RECOMMENDER_MODELS_MODEL_NAMES_H_

#include <string>
#include <vector>

namespace clientele::recommender {

// The model names CreateModel knows: what an evaluate job fits by default.
std::vector<std::string> ModelNames();

// The models a serving strategy answers with (ModelNames() but rp3beta, svd and als, which are
// served as components of the hybrid or above the dense cap): what a train job fits by default.
std::vector<std::string> ServedModelNames();

}  // namespace clientele::recommender

#endif  // CLIENTELE_RECOMMENDER_MODELS_MODEL_NAMES_H_
