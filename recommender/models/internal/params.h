// Params: reads a model's hyper-parameters from ModelConfig::params with defaults, and reports
// the names nobody read (a typo in a job request is an InvalidArgument, not silently ignored).
#ifndef CLIENTELE_RECOMMENDER_MODELS_INTERNAL_PARAMS_H_
#define CLIENTELE_RECOMMENDER_MODELS_INTERNAL_PARAMS_H_

#include <map>
#include <set>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace clientele::recommender::internal {

class Params {
 public:
  explicit Params(const std::map<std::string, double>& params) : params_(params) {}

  double Get(const std::string& name, double default_value) {
    used_.insert(name);
    auto it = params_.find(name);
    return it == params_.end() ? default_value : it->second;
  }

  absl::Status CheckAllUsed(const std::string& model) const {
    std::set<std::string> unknown;
    for (const auto& [name, value] : params_) {
      if (!used_.count(name)) unknown.insert(name);
    }
    if (unknown.empty()) return absl::OkStatus();
    return absl::InvalidArgumentError(absl::StrCat("params: unknown parameter(s) for model ", model,
                                                   ": ", absl::StrJoin(unknown, ", "),
                                                   " (known: ", absl::StrJoin(used_, ", "), ")"));
  }

 private:
  const std::map<std::string, double>& params_;
  std::set<std::string> used_;
};

}  // namespace clientele::recommender::internal

#endif  // CLIENTELE_RECOMMENDER_MODELS_INTERNAL_PARAMS_H_
