#include "gateway/front/method_routes.h"

#include <string>

#include "gtest/gtest.h"

namespace clientele::gateway::front {
namespace {

TEST(MethodRoutesTest, ServicesGoToTheirComponent) {
  for (const auto& [method, component] : std::vector<std::pair<std::string, std::string>>{
           {"/clientele.identity.v1.IdentityService/GetProfile", "identity"},
           {"/clientele.identity.v1.IdentityService/GetProfileMap", "identity"},
           {"/clientele.analytics.v1.AnalyticsService/ListRfm", "analytics"},
           {"/clientele.recommender.v1.RecommenderService/Recommend", "recommender"},
           {"/clientele.ingest.v1.IngestService/GetLogInfo", "ingest"},
           {"/clientele.ingest.v1.IngestService/ListRejected", "ingest"}}) {
    const MethodRoute route = RouteOfMethod(method);
    EXPECT_EQ(route.kind, RouteKind::kComponent) << method;
    EXPECT_EQ(route.component, component) << method;
  }
}

TEST(MethodRoutesTest, IngestCallsAreRoutedByPartition) {
  EXPECT_EQ(RouteOfMethod("/clientele.ingest.v1.IngestService/Ingest").kind,
            RouteKind::kIngestEvents);
  EXPECT_EQ(RouteOfMethod("/clientele.ingest.v1.IngestService/IngestStream").kind,
            RouteKind::kIngestEvents);
  EXPECT_EQ(RouteOfMethod("/clientele.ingest.v1.IngestService/Subscribe").kind,
            RouteKind::kIngestPartition);
  EXPECT_EQ(RouteOfMethod("/clientele.ingest.v1.IngestService/CommitProgress").kind,
            RouteKind::kIngestPartition);
}

TEST(MethodRoutesTest, JobsGoByKindOrById) {
  EXPECT_EQ(RouteOfMethod("/clientele.common.v1.JobService/StartJob").kind, RouteKind::kJobKind);
  for (const char* method : {"GetJob", "CancelJob", "WatchJob", "WaitJob"}) {
    EXPECT_EQ(RouteOfMethod(std::string("/clientele.common.v1.JobService/") + method).kind,
              RouteKind::kJobId)
        << method;
  }
  EXPECT_EQ(ComponentOfJobKind("rfm"), "analytics");
  EXPECT_EQ(ComponentOfJobKind("recluster"), "analytics");
  EXPECT_EQ(ComponentOfJobKind("train"), "recommender");
  EXPECT_EQ(ComponentOfJobKind("evaluate"), "recommender");
  EXPECT_EQ(ComponentOfJobKind("mine-bitcoin"), "");
  EXPECT_EQ(ComponentOfJobId("analytics-0000000042"), "analytics");
  EXPECT_EQ(ComponentOfJobId("recommender-0000000007"), "recommender");
  EXPECT_EQ(ComponentOfJobId("nodash"), "");
}

TEST(MethodRoutesTest, TheGatewaysOwnServicesAndReflectionAreLocal) {
  EXPECT_EQ(RouteOfMethod("/clientele.gateway.v1.KeyService/CreateKey").kind, RouteKind::kLocal);
  EXPECT_EQ(RouteOfMethod("/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo").kind,
            RouteKind::kLocal);
  EXPECT_EQ(RouteOfMethod("/clientele.privacy.v1.PrivacyService/EraseSubject").kind,
            RouteKind::kLocal);
}

TEST(MethodRoutesTest, TheComponentsPrivacyServicesGoToTheirComponent) {
  const MethodRoute identity =
      RouteOfMethod("/clientele.privacy.v1.IdentityPrivacy/ResolveSubject");
  EXPECT_EQ(identity.kind, RouteKind::kComponent);
  EXPECT_EQ(identity.component, "identity");
  EXPECT_EQ(RouteOfMethod("/clientele.privacy.v1.AnalyticsPrivacy/ExportSubjectData").component,
            "analytics");
  EXPECT_EQ(RouteOfMethod("/clientele.privacy.v1.RecommenderPrivacy/EraseSubjectData").component,
            "recommender");
}

TEST(MethodRoutesTest, ServingReplicasAnswerOnlyTheThreeReadCalls) {
  for (const char* method : {"Recommend", "SimilarItems", "CompleteBasket"}) {
    EXPECT_TRUE(ServedByRecommenderReplicas(
        std::string("/clientele.recommender.v1.RecommenderService/") + method))
        << method;
  }
  for (const char* method :
       {"/clientele.recommender.v1.RecommenderService/GetModelInfo",
        "/clientele.recommender.v1.RecommenderService/ListRules",
        "/clientele.recommender.v1.RecommenderService/PutItemVectors",
        "/clientele.privacy.v1.RecommenderPrivacy/EraseSubjectData",
        "/clientele.recommender.v1.RecommenderReplication/WatchModel",
        "/clientele.common.v1.JobService/StartJob", "/clientele.analytics.v1.S/Recommend"}) {
    EXPECT_FALSE(ServedByRecommenderReplicas(method)) << method;
  }
}

TEST(MethodRoutesTest, AnythingElseIsUnknown) {
  for (const char* method : {"", "/", "//", "/x.Y/Z", "nonsense", "/clientele.other.v1.S/M"}) {
    EXPECT_EQ(RouteOfMethod(method).kind, RouteKind::kUnknown) << method;
  }
}

}  // namespace
}  // namespace clientele::gateway::front
