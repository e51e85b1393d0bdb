// JobService.ListJobs through a front in front of several components that run jobs (split
// mode: analytics and the recommender in their own processes): every component's JobService
// is asked in parallel for a page after its cursor, and the answers merged newest first
// (common/jobs/job_list_merge.h), with the same page token format as one process's merged
// listing. Components that share an address are asked once. A backend that fails fails the
// call, the backend named.
#include <algorithm>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_join.h"
#include "clientele/common/v1/jobs.pb.h"
#include "common/jobs/job_list_merge.h"
#include "common/jobs/job_state.h"
#include "gateway/front/fan_out_call.h"
#include "gateway/front/proxy_calls.h"
#include "grpcpp/impl/codegen/proto_utils.h"

namespace clientele::gateway::front {
namespace {

// As each JobService pages (jobs.proto): page_size 0 means 50, at most 1000.
constexpr int kDefaultPageSize = 50;
constexpr int kMaxPageSize = 1000;

class ListJobsCall final : public FanOutCall {
 public:
  ListJobsCall(FrontCall* front_call, ForwardedCall call, BackendRouter* router)
      : FanOutCall(front_call, std::move(call)), router_(router) {}

 private:
  absl::StatusOr<std::vector<Target>> Plan(const grpc::ByteBuffer& request_bytes) override {
    common::v1::ListJobsRequest request;
    grpc::ByteBuffer copy(request_bytes);
    if (!grpc::SerializationTraits<common::v1::ListJobsRequest>::Deserialize(&copy, &request)
             .ok()) {
      return absl::InvalidArgumentError("request does not parse");
    }
    if (request.page_size() < 0 || request.page_size() > kMaxPageSize) {
      return absl::InvalidArgumentError("page_size: must be between 0 and 1000");
    }
    page_size_ = request.page_size() == 0 ? kDefaultPageSize : request.page_size();
    absl::StatusOr<jobs::JobCursors> cursors = jobs::ParseJobListToken(request.page_token());
    if (!cursors.ok()) return cursors.status();
    cursors_ = *std::move(cursors);
    const std::vector<std::string> services = router_->JobServices();
    std::vector<std::string> asked;
    if (request.page_token().empty()) {
      asked = services;
    } else {
      for (const auto& [service, cursor] : cursors_) {
        if (std::find(services.begin(), services.end(), service) == services.end()) {
          return absl::InvalidArgumentError("page_token: not a token of ListJobs");
        }
        asked.push_back(service);
      }
    }
    // One call per backend: the services at one address share it.
    struct JobBackend {
      std::shared_ptr<grpc::Channel> channel;
      std::vector<std::string> services;
      jobs::JobCursors cursors;
    };
    std::vector<JobBackend> backends;
    for (const std::string& service : asked) {
      std::shared_ptr<grpc::Channel> channel = router_->JobChannel(service);
      if (channel == nullptr) {
        return absl::UnavailableError("the " + service +
                                      " service is not reachable from this gateway (no --" +
                                      service + "_addr)");
      }
      auto it = std::find_if(backends.begin(), backends.end(),
                             [&](const JobBackend& b) { return b.channel == channel; });
      if (it == backends.end()) it = backends.insert(backends.end(), {channel, {}, {}});
      it->services.push_back(service);
      if (!request.page_token().empty()) it->cursors[service] = cursors_.at(service);
    }
    std::vector<Target> targets;
    for (JobBackend& backend : backends) {
      common::v1::ListJobsRequest to_backend;
      to_backend.set_page_size(page_size_);
      to_backend.set_page_token(jobs::JobListToken(backend.cursors));
      targets.push_back({"the JobService of " + absl::StrJoin(backend.services, ", "),
                         std::move(backend.channel), RequestBytes(to_backend)});
    }
    return targets;
  }

  absl::StatusOr<google::protobuf::Message*> Compose(std::vector<Answer>& answers) override {
    std::map<std::string, jobs::ServiceJobs> lists;
    for (Answer& answer : answers) {
      if (!answer.status.ok()) return NamedError(answer);
      common::v1::ListJobsResponse page;
      if (absl::Status s = ParseAnswer(answer, &page); !s.ok()) return s;
      for (common::v1::Job& job : *page.mutable_jobs()) {
        lists[jobs::OwnerOfJobId(job.job_id())].jobs.push_back(std::move(job));
      }
      absl::StatusOr<jobs::JobCursors> more = jobs::ParseJobListToken(page.next_page_token());
      if (!more.ok()) {
        return absl::InternalError(answer.target->name + ": a next_page_token of another format");
      }
      for (const auto& [service, cursor] : *more) lists[service].more = true;
    }
    jobs::MergedJobPage merged = jobs::MergeJobLists(page_size_, cursors_, std::move(lists));
    for (common::v1::Job& job : merged.jobs) *page_.add_jobs() = std::move(job);
    page_.set_next_page_token(std::move(merged.next_page_token));
    return &page_;
  }

  BackendRouter* const router_;
  int page_size_ = kDefaultPageSize;
  jobs::JobCursors cursors_;  // From the client's token.
  common::v1::ListJobsResponse page_;
};

}  // namespace

FrontReactor* NewListJobsCall(FrontCall* front_call, ForwardedCall call, BackendRouter* router) {
  return new ListJobsCall(front_call, std::move(call), router);
}

}  // namespace clientele::gateway::front
