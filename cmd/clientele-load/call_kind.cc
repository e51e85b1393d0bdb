#include "cmd/clientele-load/call_kind.h"

#include <utility>

#include "absl/strings/str_join.h"

namespace clientele::load {

absl::Status CallKindRegistry::Register(CallKindInfo info) {
  if (info.name.empty() || !info.create) {
    return absl::InvalidArgumentError("call kind: name and create must be set");
  }
  if (kinds_.count(info.name)) {
    return absl::AlreadyExistsError("call kind '" + info.name + "' is already registered");
  }
  std::string name = info.name;
  kinds_.emplace(std::move(name), std::move(info));
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<CallKind>> CallKindRegistry::Create(const std::string& name) const {
  auto it = kinds_.find(name);
  if (it == kinds_.end()) {
    std::vector<std::string> names;
    for (const auto& [known, info] : kinds_) names.push_back(known);
    return absl::NotFoundError("call: unknown call kind '" + name +
                               "' (known: " + absl::StrJoin(names, ", ") + ")");
  }
  return it->second.create();
}

std::vector<const CallKindInfo*> CallKindRegistry::List() const {
  std::vector<const CallKindInfo*> out;
  for (const auto& [name, info] : kinds_) out.push_back(&info);
  return out;
}

}  // namespace clientele::load
