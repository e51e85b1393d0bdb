#include "gateway/front/method_routes.h"

#include <algorithm>
#include <array>
#include <utility>

namespace clientele::gateway::front {
namespace {

constexpr std::string_view kIngestService = "clientele.ingest.v1.IngestService";
constexpr std::string_view kJobService = "clientele.common.v1.JobService";

// Service -> component, for the services one component serves whole.
constexpr std::array<std::pair<std::string_view, std::string_view>, 7> kServiceComponents = {{
    {"clientele.ingest.v1.IngestService", "ingest"},
    {"clientele.identity.v1.IdentityService", "identity"},
    {"clientele.analytics.v1.AnalyticsService", "analytics"},
    {"clientele.recommender.v1.RecommenderService", "recommender"},
    {"clientele.privacy.v1.IdentityPrivacy", "identity"},
    {"clientele.privacy.v1.AnalyticsPrivacy", "analytics"},
    {"clientele.privacy.v1.RecommenderPrivacy", "recommender"},
}};

// The gateway's own services outside the clientele.gateway package.
constexpr std::string_view kPrivacyService = "clientele.privacy.v1.PrivacyService";

constexpr std::array<std::pair<std::string_view, std::string_view>, 4> kJobKinds = {{
    {"rfm", "analytics"},
    {"recluster", "analytics"},
    {"train", "recommender"},
    {"evaluate", "recommender"},
}};

}  // namespace

MethodRoute RouteOfMethod(std::string_view method) {
  if (method.size() < 4 || method[0] != '/') return {};
  const size_t slash = method.rfind('/');
  if (slash == 0) return {};
  const std::string_view service = method.substr(1, slash - 1);
  const std::string_view name = method.substr(slash + 1);
  if (service == kIngestService) {
    if (name == "Ingest" || name == "IngestStream") return {RouteKind::kIngestEvents, "ingest"};
    if (name == "Subscribe" || name == "CommitProgress") {
      return {RouteKind::kIngestPartition, "ingest"};
    }
  }
  if (service == kJobService) {
    if (name == "StartJob") return {RouteKind::kJobKind, ""};
    if (name == "ListJobs") return {RouteKind::kComponent, "analytics"};
    return {RouteKind::kJobId, ""};
  }
  for (const auto& [known, component] : kServiceComponents) {
    if (service == known) return {RouteKind::kComponent, std::string(component)};
  }
  if (service == kPrivacyService || service.rfind("clientele.gateway.", 0) == 0 ||
      service.rfind("grpc.reflection.", 0) == 0) {
    return {RouteKind::kLocal, ""};
  }
  return {};
}

bool ServedByRecommenderReplicas(std::string_view method) {
  return method == "/clientele.recommender.v1.RecommenderService/Recommend" ||
         method == "/clientele.recommender.v1.RecommenderService/SimilarItems" ||
         method == "/clientele.recommender.v1.RecommenderService/CompleteBasket";
}

std::vector<std::string> ComponentServices() {
  std::vector<std::string> services;
  for (const auto& [service, component] : kServiceComponents) services.emplace_back(service);
  services.emplace_back(kJobService);
  return services;
}

std::string_view ComponentOfJobKind(std::string_view kind) {
  for (const auto& [known, component] : kJobKinds) {
    if (kind == known) return component;
  }
  return {};
}

std::vector<std::string_view> JobComponents() {
  std::vector<std::string_view> components;
  for (const auto& [kind, component] : kJobKinds) {
    if (std::find(components.begin(), components.end(), component) == components.end()) {
      components.push_back(component);
    }
  }
  return components;
}

std::string_view ComponentOfJobId(std::string_view job_id) {
  const size_t dash = job_id.find('-');
  return dash == std::string_view::npos ? std::string_view() : job_id.substr(0, dash);
}

}  // namespace clientele::gateway::front
