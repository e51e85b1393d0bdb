#include "cmd/clientele-load/call_kind_util.h"

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_join.h"
#include "common/status/status_macros.h"

namespace clientele::load {

std::string Params::String(const std::string& name, const std::string& default_value) {
  known_.insert(name);
  auto it = values_.find(name);
  return it == values_.end() ? default_value : it->second;
}

absl::StatusOr<int64_t> Params::Int(const std::string& name, int64_t default_value, int64_t min,
                                    int64_t max) {
  known_.insert(name);
  auto it = values_.find(name);
  if (it == values_.end()) return default_value;
  int64_t value = 0;
  if (!absl::SimpleAtoi(it->second, &value) || value < min || value > max) {
    return absl::InvalidArgumentError("param " + name + " of call " + kind_ +
                                      ": expected an integer in [" + std::to_string(min) + ", " +
                                      std::to_string(max) + "], got '" + it->second + "'");
  }
  return value;
}

absl::StatusOr<bool> Params::Bool(const std::string& name, bool default_value) {
  known_.insert(name);
  auto it = values_.find(name);
  if (it == values_.end()) return default_value;
  const std::string v = absl::AsciiStrToLower(it->second);
  if (v == "true" || v == "1" || v == "yes") return true;
  if (v == "false" || v == "0" || v == "no") return false;
  return absl::InvalidArgumentError("param " + name + " of call " + kind_ +
                                    ": expected true or false, got '" + it->second + "'");
}

absl::Status Params::CheckAllUsed() const {
  for (const auto& [name, value] : values_) {
    if (!known_.count(name)) {
      return absl::InvalidArgumentError("param " + name + ": not a parameter of call " + kind_ +
                                        " (known: " + absl::StrJoin(known_, ", ") + ")");
    }
  }
  return absl::OkStatus();
}

absl::Status KeyedCallKind::Prepare(const PrepareContext& context) {
  if (context.channels.empty()) return absl::InvalidArgumentError("no channel to the server");
  Params params(name(), context.params);
  const std::string source = params.String("keys", "profiles");
  const std::string system = params.String("system", "");
  CLT_RETURN_IF_ERROR(ReadParams(params));
  CLT_RETURN_IF_ERROR(params.CheckAllUsed());
  if (source != "profiles" && source != "source_keys") {
    return absl::InvalidArgumentError("param keys of call " + name() +
                                      ": expected profiles or source_keys, got '" + source + "'");
  }

  std::vector<std::string> keys = context.keys;
  if (keys.empty()) {
    if (source == "profiles") {
      CLT_ASSIGN_OR_RETURN(keys,
                           FetchProfileIds(context.channels[0], context.max_keys, context.timeout));
    } else {
      CLT_ASSIGN_OR_RETURN(
          keys, FetchSourceKeys(context.channels[0], system, context.max_keys, context.timeout));
    }
    if (keys.empty()) {
      return absl::FailedPreconditionError(
          "call " + name() + ": the server's identity service holds no " +
          (source == "profiles" ? std::string("profiles") : "source keys") +
          "; import data first or pass --keys=FILE");
    }
  }
  keys_.clear();
  for (const std::string& key : ShuffleKeys(std::move(keys), context.seed)) {
    keys_.push_back(ParseKey(key));
  }
  MakeStubs(context.channels);
  return absl::OkStatus();
}

}  // namespace clientele::load
