#include "recommender/models/model_names.h"

namespace clientele::recommender {

std::vector<std::string> ModelNames() {
  return {"popularity", "item_cf", "sar", "ease", "rp3beta", "svd", "als", "hybrid"};
}

std::vector<std::string> ServedModelNames() {
  return {"popularity", "item_cf", "sar", "ease", "hybrid"};
}

std::vector<std::string> LargeCatalogModelNames() {
  return {"popularity", "item_cf", "sar", "als"};
}

}  // namespace clientele::recommender
