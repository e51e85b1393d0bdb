#include "cmd/clientele-load/keys.h"

#include <chrono>
#include <fstream>
#include <random>
#include <utility>

#include "absl/strings/ascii.h"
#include "clientele/identity/v1/identity.grpc.pb.h"
#include "common/status/grpc_status.h"
#include "grpcpp/client_context.h"

namespace clientele::load {
namespace {

void SetDeadline(grpc::ClientContext* context, absl::Duration timeout) {
  context->set_deadline(std::chrono::system_clock::now() + absl::ToChronoNanoseconds(timeout));
}

absl::Status Annotate(const grpc::Status& status, const std::string& what) {
  absl::Status s = FromGrpcStatus(status);
  return absl::Status(s.code(), what + ": " + std::string(s.message()));
}

}  // namespace

ParsedKey ParseKey(const std::string& key) {
  ParsedKey out;
  const size_t slash = key.find('/');
  if (slash == std::string::npos) {
    out.profile_id = key;
  } else {
    out.is_source_key = true;
    out.source_key.set_system(key.substr(0, slash));
    out.source_key.set_id(key.substr(slash + 1));
  }
  return out;
}

absl::StatusOr<std::vector<std::string>> ReadKeysFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError("keys: cannot open " + path);
  std::vector<std::string> keys;
  std::string line;
  for (int64_t row = 1; std::getline(in, line); ++row) {
    std::string key(absl::StripAsciiWhitespace(line));
    if (key.empty() || key[0] == '#') continue;
    const size_t slash = key.find('/');
    if (slash != std::string::npos && (slash == 0 || slash + 1 == key.size())) {
      return absl::InvalidArgumentError("keys: " + path + " line " + std::to_string(row) +
                                        ": source key '" + key + "' needs both parts of system/id");
    }
    keys.push_back(std::move(key));
  }
  if (keys.empty()) return absl::FailedPreconditionError("keys: " + path + " holds no key");
  return keys;
}

absl::StatusOr<std::vector<std::string>> FetchProfileIds(
    const std::shared_ptr<grpc::Channel>& channel, int64_t max_keys, absl::Duration timeout) {
  auto stub = identity::v1::IdentityService::NewStub(channel);
  std::vector<std::string> ids;
  std::string token;
  do {
    grpc::ClientContext context;
    SetDeadline(&context, timeout);
    identity::v1::ListProfilesRequest request;
    request.set_page_size(1000);
    request.set_page_token(token);
    identity::v1::ListProfilesResponse response;
    grpc::Status status = stub->ListProfiles(&context, request, &response);
    if (!status.ok()) return Annotate(status, "identity ListProfiles");
    for (const auto& profile : response.profiles()) {
      if (static_cast<int64_t>(ids.size()) >= max_keys) break;
      ids.push_back(profile.profile_id());
    }
    token = response.next_page_token();
  } while (!token.empty() && static_cast<int64_t>(ids.size()) < max_keys);
  return ids;
}

absl::StatusOr<std::vector<std::string>> FetchSourceKeys(
    const std::shared_ptr<grpc::Channel>& channel, const std::string& system, int64_t max_keys,
    absl::Duration timeout) {
  auto stub = identity::v1::IdentityService::NewStub(channel);
  grpc::ClientContext context;
  SetDeadline(&context, timeout);
  identity::v1::GetProfileMapRequest request;
  request.set_system(system);
  std::unique_ptr<grpc::ClientReader<identity::v1::GetProfileMapResponse>> reader =
      stub->GetProfileMap(&context, request);
  std::vector<std::string> keys;
  identity::v1::GetProfileMapResponse chunk;
  while (static_cast<int64_t>(keys.size()) < max_keys && reader->Read(&chunk)) {
    for (const auto& entry : chunk.entries()) {
      if (static_cast<int64_t>(keys.size()) >= max_keys) break;
      keys.push_back(entry.source().system() + "/" + entry.source().id());
    }
  }
  if (static_cast<int64_t>(keys.size()) >= max_keys) context.TryCancel();
  grpc::Status status = reader->Finish();
  if (!status.ok() && status.error_code() != grpc::StatusCode::CANCELLED) {
    return Annotate(status, "identity GetProfileMap");
  }
  return keys;
}

std::vector<std::string> ShuffleKeys(std::vector<std::string> keys, uint64_t seed) {
  std::mt19937_64 rng(seed);
  // Fisher-Yates with our own index draw: std::shuffle's use of the engine is unspecified, so
  // the order would differ between standard libraries.
  for (size_t i = keys.size(); i > 1; --i) {
    const size_t j = static_cast<size_t>(rng() % i);
    std::swap(keys[i - 1], keys[j]);
  }
  return keys;
}

}  // namespace clientele::load
