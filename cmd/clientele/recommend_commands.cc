#include "cmd/clientele/recommend_commands.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "clientele/recommender/v1/recommender.grpc.pb.h"
#include "common/source_key/source_key.h"
#include "common/time/proto_time.h"
#include "nlohmann/json.hpp"
#include "recommender/models/model_names.h"

namespace clientele::cli {
namespace {

using recommender::v1::RecommenderService;
namespace v1 = recommender::v1;
using nlohmann::json;

void Deadline(grpc::ClientContext& rpc, double seconds = 30) {
  rpc.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(seconds)));
}

int UsageError(const std::string& message) {
  std::fprintf(stderr, "clientele: %s\n", message.c_str());
  return 2;
}

std::string Lower(std::string s, const std::string& prefix) {
  if (s.rfind(prefix, 0) == 0) s = s.substr(prefix.size());
  std::transform(s.begin(), s.end(), s.begin(), ::tolower);
  return s;
}

std::string StateName(v1::JobState state) { return Lower(v1::JobState_Name(state), "JOB_STATE_"); }
std::string KindName(v1::JobKind kind) { return Lower(v1::JobKind_Name(kind), "JOB_KIND_"); }

bool Finished(v1::JobState state) {
  return state == v1::JOB_STATE_SUCCEEDED || state == v1::JOB_STATE_FAILED ||
         state == v1::JOB_STATE_CANCELLED;
}

bool ParseStrategy(const std::string& name, v1::Strategy* out) {
  if (name.empty()) {
    *out = v1::STRATEGY_UNSPECIFIED;
    return true;
  }
  std::string upper = "STRATEGY_" + name;
  std::transform(upper.begin(), upper.end(), upper.begin(), ::toupper);
  return v1::Strategy_Parse(upper, out) && *out != v1::STRATEGY_UNSPECIFIED;
}

json ItemJson(const v1::RecommendedItem& item) {
  return {{"rank", item.rank()},     {"sku", item.sku()},   {"score", item.score()},
          {"reason", item.reason()}, {"name", item.name()}, {"category", item.category()}};
}

void PrintItems(const google::protobuf::RepeatedPtrField<v1::RecommendedItem>& items) {
  for (const v1::RecommendedItem& item : items) {
    std::printf("%3d. %-24s %9.4f  %s%s%s\n", item.rank(), item.sku().c_str(), item.score(),
                item.reason().c_str(),
                item.name() != item.sku() && !item.name().empty() ? "  | " : "",
                item.name() != item.sku() ? item.name().c_str() : "");
  }
}

json JobJson(const v1::Job& job) {
  json out = {{"job_id", job.job_id()},
              {"kind", KindName(job.kind())},
              {"state", StateName(job.state())},
              {"progress", job.progress()},
              {"progress_message", job.progress_message()},
              {"error", job.error()}};
  if (job.state() != v1::JOB_STATE_SUCCEEDED) return out;
  const v1::JobResult& r = job.result();
  out["model_version"] = r.model_version();
  out["users"] = r.users();
  out["items"] = r.items();
  out["interactions"] = r.interactions();
  if (job.kind() == v1::JOB_KIND_TRAIN) {
    out["baskets"] = r.baskets();
    out["itemsets"] = r.itemsets();
    out["rules"] = r.rules();
    out["itemsets_seconds"] = r.itemsets_seconds();
    out["models"] = std::vector<std::string>(r.models().begin(), r.models().end());
  } else {
    out["k"] = r.k();
    out["warm_test_users"] = r.warm_test_users();
    out["cold_test_users"] = r.cold_test_users();
    out["cold_users"] = r.cold_users();
    json metrics = json::object();
    for (const v1::ModelMetrics& m : r.metrics()) {
      metrics[m.model()] = {{"precision", m.precision()},
                            {"recall", m.recall()},
                            {"f1", m.f1()},
                            {"map", m.map()},
                            {"ndcg", m.ndcg()},
                            {"mrr", m.mrr()},
                            {"hit_rate", m.hit_rate()},
                            {"coverage", m.coverage()},
                            {"users", m.users()},
                            {"fit_seconds", m.fit_seconds()}};
    }
    out["metrics"] = metrics;
  }
  return out;
}

void PrintJob(const CliContext& context, const v1::Job& job) {
  if (context.json) {
    std::printf("%s\n", JobJson(job).dump().c_str());
    return;
  }
  std::printf("job %s (%s): %s", job.job_id().c_str(), KindName(job.kind()).c_str(),
              StateName(job.state()).c_str());
  if (!Finished(job.state())) {
    std::printf(" %.0f%% %s", job.progress() * 100, job.progress_message().c_str());
  }
  std::printf("\n");
  if (!job.error().empty()) std::printf("  error: %s\n", job.error().c_str());
  if (job.state() != v1::JOB_STATE_SUCCEEDED) return;
  const v1::JobResult& r = job.result();
  if (job.kind() == v1::JOB_KIND_TRAIN) {
    std::printf("  model version %llu: %lld users, %lld items, %lld interactions, %lld baskets\n",
                static_cast<unsigned long long>(r.model_version()),
                static_cast<long long>(r.users()), static_cast<long long>(r.items()),
                static_cast<long long>(r.interactions()), static_cast<long long>(r.baskets()));
    std::printf("  %lld frequent itemsets (%.3f s), %lld rules; models: %s\n",
                static_cast<long long>(r.itemsets()), r.itemsets_seconds(),
                static_cast<long long>(r.rules()), absl::StrJoin(r.models(), ", ").c_str());
    return;
  }
  std::printf("  test users: %lld with training history, %lld without (%s)\n",
              static_cast<long long>(r.warm_test_users()),
              static_cast<long long>(r.cold_test_users()),
              r.cold_users() == "popularity" ? "scored with popularity" : "skipped");
  std::printf("  %-12s %9s %9s %9s %9s %9s %9s %9s\n", "model", "P@k", "R@k", "MAP", "nDCG@k",
              "MRR", "hit", "coverage");
  for (const v1::ModelMetrics& m : r.metrics()) {
    std::printf("  %-12s %9.4f %9.4f %9.4f %9.4f %9.4f %9.4f %9.4f\n", m.model().c_str(),
                m.precision(), m.recall(), m.map(), m.ndcg(), m.mrr(), m.hit_rate(), m.coverage());
  }
}

int WaitForJob(RecommenderService::Stub& stub, double timeout_seconds, v1::Job* job) {
  const bool bar = isatty(STDERR_FILENO) == 1;
  const absl::Time deadline = absl::Now() + absl::Seconds(timeout_seconds);
  while (!Finished(job->state())) {
    if (bar) {
      std::fprintf(stderr, "\r%s %s %3.0f%% %-50.50s", job->job_id().c_str(),
                   StateName(job->state()).c_str(), job->progress() * 100,
                   job->progress_message().c_str());
      std::fflush(stderr);
    }
    if (absl::Now() >= deadline) {
      if (bar) std::fputc('\n', stderr);
      std::fprintf(stderr, "clientele: job %s did not finish within %.0f s\n",
                   job->job_id().c_str(), timeout_seconds);
      return 1;
    }
    absl::SleepFor(absl::Milliseconds(100));  // A poll interval of the CLI, not a test wait.
    grpc::ClientContext rpc;
    Deadline(rpc);
    v1::GetJobRequest request;
    request.set_job_id(job->job_id());
    v1::GetJobResponse response;
    grpc::Status status = stub.GetJob(&rpc, request, &response);
    if (!status.ok()) return ReportRpcError("jobs get", status);
    *job = response.job();
  }
  if (bar) std::fprintf(stderr, "\r%-80s\r", "");
  return 0;
}

std::vector<std::string> SplitModels(const std::string& models) {
  std::vector<std::string> out;
  for (absl::string_view m : absl::StrSplit(models, ',', absl::SkipWhitespace())) {
    out.emplace_back(m);
  }
  return out;
}

int RunJobsStart(const CliContext& context, const RecommendFlags& flags,
                 const AnalyticsFlags& analytics_flags) {
  v1::StartJobRequest request;
  request.set_idempotency_key(analytics_flags.idempotency_key);
  if (analytics_flags.kind == "train") {
    v1::TrainJobSpec* spec = request.mutable_spec()->mutable_train();
    spec->set_min_support(flags.min_support);
    spec->set_min_confidence(flags.train_min_confidence);
    spec->set_max_itemset_size(flags.max_itemset_size);
    spec->set_max_itemsets(flags.max_itemsets);
    for (std::string& m : SplitModels(flags.models)) spec->add_models(std::move(m));
  } else {
    v1::EvaluateJobSpec* spec = request.mutable_spec()->mutable_evaluate();
    spec->set_split(flags.split);
    spec->set_seed(analytics_flags.seed);
    spec->set_k(flags.eval_k);
    spec->set_cold_users(flags.cold_users);
    for (std::string& m : SplitModels(flags.models)) spec->add_models(std::move(m));
  }
  auto stub = RecommenderService::NewStub(context.Channel());
  grpc::ClientContext rpc;
  Deadline(rpc);
  v1::StartJobResponse response;
  grpc::Status status = stub->StartJob(&rpc, request, &response);
  if (!status.ok()) return ReportRpcError("jobs start", status);
  v1::Job job = response.job();
  if (analytics_flags.wait) {
    if (int rc = WaitForJob(*stub, analytics_flags.timeout_seconds, &job); rc != 0) return rc;
  }
  PrintJob(context, job);
  if (analytics_flags.wait && job.state() != v1::JOB_STATE_SUCCEEDED) return 1;
  return 0;
}

int RunRecommend(const CliContext& context, const RecommendFlags& flags) {
  v1::RecommendRequest request;
  if (!flags.profile.empty() == !flags.source.empty()) {
    return UsageError("recommend: give exactly one of --profile and --source");
  }
  if (!flags.profile.empty()) {
    request.set_profile_id(flags.profile);
  } else {
    absl::StatusOr<common::v1::SourceKey> key = ParseSourceKey(flags.source, "--source");
    if (!key.ok()) return UsageError(std::string(key.status().message()));
    *request.mutable_source_key() = *std::move(key);
  }
  v1::Strategy strategy;
  if (!ParseStrategy(flags.strategy, &strategy)) {
    return UsageError(
        "--strategy: one of popularity, item_cf, sar, ease, hybrid, content, rules; "
        "not '" +
        flags.strategy + "'");
  }
  request.set_strategy(strategy);
  request.set_k(flags.k);
  request.set_exclude_purchased(!flags.include_purchased);
  request.set_respect_consent(flags.respect_consent);
  for (const std::string& c : flags.categories) request.add_categories(c);
  for (const std::string& s : flags.exclude) request.add_exclude_skus(s);
  auto stub = RecommenderService::NewStub(context.Channel());
  grpc::ClientContext rpc;
  Deadline(rpc);
  v1::RecommendResponse response;
  grpc::Status status = stub->Recommend(&rpc, request, &response);
  if (!status.ok()) return ReportRpcError("recommend", status);
  if (context.json) {
    json items = json::array();
    for (const v1::RecommendedItem& item : response.items()) items.push_back(ItemJson(item));
    json out = {{"profile_id", response.profile_id()},
                {"strategy", Lower(v1::Strategy_Name(response.strategy()), "STRATEGY_")},
                {"personalized", response.personalized()},
                {"model_version", response.model_version()},
                {"note", response.note()},
                {"items", items}};
    std::printf("%s\n", out.dump().c_str());
    return 0;
  }
  std::printf("profile %s, %s, model version %llu%s%s\n", response.profile_id().c_str(),
              Lower(v1::Strategy_Name(response.strategy()), "STRATEGY_").c_str(),
              static_cast<unsigned long long>(response.model_version()),
              response.note().empty() ? "" : ": ", response.note().c_str());
  PrintItems(response.items());
  return 0;
}

int RunSimilar(const CliContext& context, const RecommendFlags& flags) {
  v1::SimilarItemsRequest request;
  request.set_sku(flags.sku);
  request.set_k(flags.k);
  for (const std::string& c : flags.categories) request.add_categories(c);
  auto stub = RecommenderService::NewStub(context.Channel());
  grpc::ClientContext rpc;
  Deadline(rpc);
  v1::SimilarItemsResponse response;
  grpc::Status status = stub->SimilarItems(&rpc, request, &response);
  if (!status.ok()) return ReportRpcError("similar", status);
  if (context.json) {
    json items = json::array();
    for (const v1::RecommendedItem& item : response.items()) items.push_back(ItemJson(item));
    std::printf(
        "%s\n",
        json({{"sku", flags.sku}, {"model_version", response.model_version()}, {"items", items}})
            .dump()
            .c_str());
    return 0;
  }
  PrintItems(response.items());
  return 0;
}

json RuleJson(const v1::Rule& rule) {
  return {
      {"antecedent", std::vector<std::string>(rule.antecedent().begin(), rule.antecedent().end())},
      {"consequent", std::vector<std::string>(rule.consequent().begin(), rule.consequent().end())},
      {"support", rule.support()},
      {"confidence", rule.confidence()},
      {"lift", rule.lift()},
      {"count", rule.count()}};
}

std::string RuleText(const v1::Rule& rule) {
  return "{" + absl::StrJoin(rule.antecedent(), ", ") + "} => {" +
         absl::StrJoin(rule.consequent(), ", ") + "}";
}

int RunBasket(const CliContext& context, const RecommendFlags& flags) {
  v1::CompleteBasketRequest request;
  for (const std::string& s : flags.skus) request.add_skus(s);
  request.set_k(flags.k);
  for (const std::string& c : flags.categories) request.add_categories(c);
  auto stub = RecommenderService::NewStub(context.Channel());
  grpc::ClientContext rpc;
  Deadline(rpc);
  v1::CompleteBasketResponse response;
  grpc::Status status = stub->CompleteBasket(&rpc, request, &response);
  if (!status.ok()) return ReportRpcError("basket", status);
  if (context.json) {
    json items = json::array();
    for (const v1::BasketSuggestion& s : response.items()) {
      items.push_back({{"rank", s.rank()},
                       {"sku", s.sku()},
                       {"score", s.score()},
                       {"reason", s.reason()},
                       {"rule", RuleJson(s.rule())}});
    }
    std::printf(
        "%s\n",
        json({{"model_version", response.model_version()}, {"items", items}}).dump().c_str());
    return 0;
  }
  if (response.items().empty()) std::printf("no rule applies to this basket\n");
  for (const v1::BasketSuggestion& s : response.items()) {
    std::printf("%3d. %-24s conf %.3f lift %.2f support %.4f  %s\n", s.rank(), s.sku().c_str(),
                s.rule().confidence(), s.rule().lift(), s.rule().support(), s.reason().c_str());
  }
  return 0;
}

int RunRules(const CliContext& context, const RecommendFlags& flags) {
  auto stub = RecommenderService::NewStub(context.Channel());
  v1::ListRulesRequest request;
  request.set_page_size(std::clamp(flags.limit, 1, 10000));
  request.set_min_confidence(flags.min_confidence);
  request.set_min_lift(flags.min_lift);
  request.set_sku(flags.sku);
  int shown = 0;
  int64_t total = 0;
  do {
    grpc::ClientContext rpc;
    Deadline(rpc);
    v1::ListRulesResponse page;
    grpc::Status status = stub->ListRules(&rpc, request, &page);
    if (!status.ok()) return ReportRpcError("rules", status);
    total = page.total();
    for (const v1::Rule& rule : page.rules()) {
      if (shown >= flags.limit) break;
      ++shown;
      if (context.json) {
        std::printf("%s\n", RuleJson(rule).dump().c_str());
      } else {
        std::printf("%-60s conf %.3f lift %6.2f support %.4f (%lld)\n", RuleText(rule).c_str(),
                    rule.confidence(), rule.lift(), rule.support(),
                    static_cast<long long>(rule.count()));
      }
    }
    request.set_page_token(page.next_page_token());
  } while (!request.page_token().empty() && shown < flags.limit);
  if (!context.json) std::printf("%d of %lld rules shown\n", shown, static_cast<long long>(total));
  return 0;
}

int RunModelInfo(const CliContext& context) {
  auto stub = RecommenderService::NewStub(context.Channel());
  grpc::ClientContext rpc;
  Deadline(rpc);
  v1::GetModelInfoResponse response;
  grpc::Status status = stub->GetModelInfo(&rpc, v1::GetModelInfoRequest(), &response);
  if (!status.ok()) return ReportRpcError("model-info", status);
  const std::vector<std::string> models(response.models().begin(), response.models().end());
  const std::vector<std::string> strategies(response.strategies().begin(),
                                            response.strategies().end());
  if (context.json) {
    json out = {{"model_version", response.model_version()},
                {"job_id", response.job_id()},
                {"trained_at", response.trained_at().seconds()},
                {"models", models},
                {"strategies", strategies},
                {"users", response.users()},
                {"items", response.items()},
                {"profiles", response.profiles()},
                {"itemsets", response.itemsets()},
                {"rules", response.rules()}};
    std::printf("%s\n", out.dump().c_str());
    return 0;
  }
  if (response.model_version() == 0) {
    std::printf("no model trained yet (clientele jobs start train)\n");
    return 0;
  }
  std::printf("model version %llu (job %s, trained %s)\n",
              static_cast<unsigned long long>(response.model_version()), response.job_id().c_str(),
              absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", FromProtoTimestamp(response.trained_at()),
                               absl::UTCTimeZone())
                  .c_str());
  std::printf("  %lld users, %lld items, %lld profiles, %lld itemsets, %lld rules\n",
              static_cast<long long>(response.users()), static_cast<long long>(response.items()),
              static_cast<long long>(response.profiles()),
              static_cast<long long>(response.itemsets()),
              static_cast<long long>(response.rules()));
  std::printf("  models: %s; strategies: %s\n",
              models.empty() ? "none (no customer history)" : absl::StrJoin(models, ", ").c_str(),
              absl::StrJoin(strategies, ", ").c_str());
  return 0;
}

int RunRecJobs(const CliContext& context, const RecommendFlags& flags, const std::string& what) {
  auto stub = RecommenderService::NewStub(context.Channel());
  if (what == "list") {
    grpc::ClientContext rpc;
    Deadline(rpc);
    v1::ListJobsRequest request;
    request.set_page_size(std::clamp(flags.limit, 1, 1000));
    v1::ListJobsResponse response;
    grpc::Status status = stub->ListJobs(&rpc, request, &response);
    if (!status.ok()) return ReportRpcError("rec-jobs list", status);
    for (const v1::Job& job : response.jobs()) PrintJob(context, job);
    return 0;
  }
  grpc::ClientContext rpc;
  Deadline(rpc);
  v1::Job job;
  grpc::Status status;
  if (what == "cancel") {
    v1::CancelJobRequest request;
    request.set_job_id(flags.job_id);
    v1::CancelJobResponse response;
    status = stub->CancelJob(&rpc, request, &response);
    job = response.job();
  } else {
    v1::GetJobRequest request;
    request.set_job_id(flags.job_id);
    v1::GetJobResponse response;
    status = stub->GetJob(&rpc, request, &response);
    job = response.job();
  }
  if (!status.ok()) return ReportRpcError("rec-jobs " + what, status);
  if (what == "get" && flags.wait) {
    if (int rc = WaitForJob(*stub, flags.timeout_seconds, &job); rc != 0) return rc;
  }
  PrintJob(context, job);
  return 0;
}

}  // namespace

void AddRecommendCommands(CLI::App& app, const CliContext& context, RecommendFlags& flags,
                          AnalyticsFlags& analytics_flags, std::function<int()>& run) {
  CLI::App* recommend = app.add_subcommand("recommend", "Top-k products for one customer");
  recommend->add_option("--profile", flags.profile, "Profile id (e.g. online_retail:12347)");
  recommend->add_option("--source", flags.source, "A member source key system/id");
  recommend->add_option("-k", flags.k, "Number of items (1..1000)")->capture_default_str();
  recommend->add_option("--strategy", flags.strategy,
                        "popularity, item_cf, sar, ease, hybrid, content or rules (default: the "
                        "best trained model)");
  recommend->add_flag("--include-purchased", flags.include_purchased,
                      "Keep items the customer already bought");
  recommend->add_option("--category", flags.categories, "Only items of this category (repeatable)");
  recommend->add_option("--exclude", flags.exclude, "Never return this SKU (repeatable)");
  recommend->add_flag("--respect-consent", flags.respect_consent,
                      "Without a granted profiling consent, answer with popular items only");
  recommend->callback([&] { run = [&] { return RunRecommend(context, flags); }; });

  CLI::App* basket = app.add_subcommand("basket", "Items that complete a basket (rules)");
  basket->add_option("sku", flags.skus, "The basket's SKUs")->required();
  basket->add_option("-k", flags.k, "Number of items")->capture_default_str();
  basket->add_option("--category", flags.categories, "Only items of this category");
  basket->callback([&] { run = [&] { return RunBasket(context, flags); }; });

  CLI::App* similar = app.add_subcommand("similar", "Items similar to one item");
  similar->add_option("sku", flags.sku, "The item's SKU")->required();
  similar->add_option("-k", flags.k, "Number of items")->capture_default_str();
  similar->add_option("--category", flags.categories, "Only items of this category");
  similar->callback([&] { run = [&] { return RunSimilar(context, flags); }; });

  CLI::App* rules = app.add_subcommand("rules", "Association rules of the active model");
  rules->add_option("--limit", flags.limit, "At most this many")->capture_default_str();
  rules->add_option("--min-confidence", flags.min_confidence, "Only rules at least this confident");
  rules->add_option("--min-lift", flags.min_lift, "Only rules with at least this lift");
  rules->add_option("--sku", flags.sku, "Only rules whose left-hand side holds this item");
  rules->callback([&] { run = [&] { return RunRules(context, flags); }; });

  CLI::App* info = app.add_subcommand("model-info", "The recommender model version served");
  info->callback([&] { run = [&] { return RunModelInfo(context); }; });

  // `jobs start train|evaluate`: options on the analytics `jobs start` command.
  CLI::App* start = app.get_subcommand("jobs")->get_subcommand("start");
  start->add_option("--min-support", flags.min_support,
                    "train: FP-Growth minimum support (count / baskets; default 0.01)");
  start->add_option("--min-confidence", flags.train_min_confidence,
                    "train: minimum rule confidence (default 0.5)");
  start->add_option("--max-itemset-size", flags.max_itemset_size,
                    "train: largest itemset mined (default: no limit)");
  start->add_option("--max-itemsets", flags.max_itemsets,
                    "train: fail the job when more frequent itemsets are found (default "
                    "1000000)");
  start->add_option("--models", flags.models,
                    "train, evaluate: models, comma separated (train default: " +
                        absl::StrJoin(recommender::ServedModelNames(), ", ") +
                        "; evaluate default: " + absl::StrJoin(recommender::ModelNames(), ", ") +
                        "; hybrid fits ease and svd)");
  start
      ->add_option("--split", flags.split,
                   "evaluate: random:R (per-user share R for training) or time:N (last N days)")
      ->capture_default_str();
  start->add_option("-k", flags.eval_k, "evaluate: list length k")->capture_default_str();
  start
      ->add_option("--cold-users", flags.cold_users,
                   "evaluate: test users without training history: skip them, or score them "
                   "with popularity")
      ->check(CLI::IsMember({"skip", "popularity"}))
      ->capture_default_str();
  // The analytics `jobs start` hands these kinds to the recommender.
  analytics_flags.start_recommender_job = [&] {
    return RunJobsStart(context, flags, analytics_flags);
  };

  CLI::App* rec_jobs = app.add_subcommand("rec-jobs", "Watch, list and cancel recommender jobs");
  rec_jobs->require_subcommand(1);
  CLI::App* get = rec_jobs->add_subcommand("get", "Show a job");
  get->add_option("job_id", flags.job_id, "Job id")->required();
  get->add_flag("--wait", flags.wait, "Wait until it has finished");
  get->callback([&] { run = [&] { return RunRecJobs(context, flags, "get"); }; });
  CLI::App* list = rec_jobs->add_subcommand("list", "List jobs, newest first");
  list->add_option("--limit", flags.limit, "At most this many");
  list->callback([&] { run = [&] { return RunRecJobs(context, flags, "list"); }; });
  CLI::App* cancel = rec_jobs->add_subcommand("cancel", "Cancel a queued or running job");
  cancel->add_option("job_id", flags.job_id, "Job id")->required();
  cancel->callback([&] { run = [&] { return RunRecJobs(context, flags, "cancel"); }; });
}

}  // namespace clientele::cli
