#include "cmd/clientele/report_command.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>

#include "absl/time/clock.h"
#include "analytics/report/analytics_report.h"
#include "clientele/analytics/v1/analytics.grpc.pb.h"
#include "nlohmann/json.hpp"

namespace clientele::cli {
namespace {

namespace v1 = analytics::v1;

int RunReport(const CliContext& context, const ReportFlags& flags) {
  auto stub = v1::AnalyticsService::NewStub(context.Channel());
  std::optional<v1::Model> model;
  std::optional<v1::ListSegmentsResponse> segments;
  {
    grpc::ClientContext rpc;
    rpc.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(60)));
    v1::GetModelRequest request;
    request.set_kind(v1::JOB_KIND_RECLUSTER);
    v1::GetModelResponse response;
    grpc::Status status = stub->GetModel(&rpc, request, &response);
    if (status.ok()) {
      model = response.model();
    } else if (status.error_code() != grpc::StatusCode::FAILED_PRECONDITION) {
      return ReportRpcError("report", status);
    } else {
      std::fprintf(stderr,
                   "clientele report: no cluster model (run `clientele jobs start "
                   "recluster --wait`); skipping its charts\n");
    }
  }
  {
    grpc::ClientContext rpc;
    rpc.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(60)));
    v1::ListSegmentsResponse response;
    grpc::Status status = stub->ListSegments(&rpc, v1::ListSegmentsRequest(), &response);
    if (status.ok()) {
      segments = response;
    } else if (status.error_code() != grpc::StatusCode::FAILED_PRECONDITION) {
      return ReportRpcError("report", status);
    } else {
      std::fprintf(stderr,
                   "clientele report: no RFM model (run `clientele rfm`); skipping the "
                   "segment chart\n");
    }
  }
  if (!model && !segments) {
    std::fprintf(stderr, "clientele report: nothing to report yet\n");
    return 1;
  }
  std::error_code ec;
  std::filesystem::create_directories(flags.out, ec);
  if (ec) {
    std::fprintf(stderr, "clientele report: --out: cannot create %s: %s\n", flags.out.c_str(),
                 ec.message().c_str());
    return 2;
  }
  nlohmann::json written = nlohmann::json::array();
  for (const analytics::ReportFile& file : analytics::BuildAnalyticsReport(
           model ? &*model : nullptr, segments ? &*segments : nullptr)) {
    const std::filesystem::path path = std::filesystem::path(flags.out) / file.name;
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << file.contents;
    out.close();
    if (!out) {
      std::fprintf(stderr, "clientele report: cannot write %s\n", path.c_str());
      return 1;
    }
    written.push_back(path.string());
    if (!context.json) std::printf("wrote %s\n", path.c_str());
  }
  if (context.json) std::printf("%s\n", nlohmann::json({{"files", written}}).dump().c_str());
  return 0;
}

}  // namespace

void AddReportCommand(CLI::App& app, const CliContext& context, ReportFlags& flags,
                      std::function<int()>& run) {
  CLI::App* cmd = app.add_subcommand(
      "report", "Write SVG charts (elbow, silhouette, PCA, segments) of the active models");
  cmd->add_option("--out", flags.out, "Directory to write the SVG files to")->required();
  cmd->callback([&] { run = [&] { return RunReport(context, flags); }; });
}

}  // namespace clientele::cli
