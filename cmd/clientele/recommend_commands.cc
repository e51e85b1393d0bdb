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

// evaluate: "metrics" as an object keyed by model, not a list.
void AdjustResultJson(json& result) {
  if (!result.contains("metrics") || !result["metrics"].is_array()) return;
  json metrics = json::object();
  for (json& m : result["metrics"]) {
    const std::string model = m.value("model", "");
    m.erase("model");
    metrics[model] = std::move(m);
  }
  result["metrics"] = std::move(metrics);
}

// The text of a succeeded train or evaluate job's result.
void PrintResult(const google::protobuf::Any& any) {
  v1::JobResult r;
  if (!any.UnpackTo(&r)) return;
  if (r.metrics_size() == 0) {
    std::printf("  model version %llu: %lld users, %lld items, %lld interactions, %lld baskets\n",
                static_cast<unsigned long long>(r.model_version()),
                static_cast<long long>(r.users()), static_cast<long long>(r.items()),
                static_cast<long long>(r.interactions()), static_cast<long long>(r.baskets()));
    std::printf("  %lld frequent itemsets (%.3f s), %lld rules; models: %s\n",
                static_cast<long long>(r.itemsets()), r.itemsets_seconds(),
                static_cast<long long>(r.rules()), absl::StrJoin(r.models(), ", ").c_str());
    if (!r.model_selection().empty()) std::printf("  %s\n", r.model_selection().c_str());
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

std::vector<std::string> SplitModels(const std::string& models) {
  std::vector<std::string> out;
  for (absl::string_view m : absl::StrSplit(models, ',', absl::SkipWhitespace())) {
    out.emplace_back(m);
  }
  return out;
}

// The recommender spec of `kind` (train or evaluate) from the flags.
absl::StatusOr<google::protobuf::Any> BuildSpec(const RecommendFlags& flags,
                                                const AnalyticsFlags& analytics_flags,
                                                const std::string& kind) {
  v1::JobSpec job_spec;
  if (kind == "train") {
    v1::TrainJobSpec* spec = job_spec.mutable_train();
    spec->set_min_support(flags.min_support);
    spec->set_min_confidence(flags.train_min_confidence);
    spec->set_max_itemset_size(flags.max_itemset_size);
    spec->set_max_itemsets(flags.max_itemsets);
    for (std::string& m : SplitModels(flags.models)) spec->add_models(std::move(m));
  } else {
    v1::EvaluateJobSpec* spec = job_spec.mutable_evaluate();
    spec->set_split(flags.split);
    spec->set_seed(analytics_flags.seed);
    spec->set_k(flags.eval_k);
    spec->set_cold_users(flags.cold_users);
    for (std::string& m : SplitModels(flags.models)) spec->add_models(std::move(m));
  }
  google::protobuf::Any any;
  any.PackFrom(job_spec);
  return any;
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
  if (flags.basket_min_lift) request.set_min_lift(*flags.basket_min_lift);
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
  if (response.items().empty()) {
    std::printf(
        flags.basket_min_lift
            ? "no rule applies to this basket\n"
            : "no rule with lift above 1 applies to this basket (--min-lift=0 shows all)\n");
  }
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
                {"rules", response.rules()},
                {"model_selection", response.model_selection()}};
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
  if (!response.model_selection().empty()) {
    std::printf("  %s\n", response.model_selection().c_str());
  }
  return 0;
}

}  // namespace

void AddRecommendCommands(CLI::App& app, const CliContext& context, RecommendFlags& flags,
                          AnalyticsFlags& analytics_flags, JobFlags& job_flags,
                          std::function<int()>& run) {
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
  basket->add_option_function<double>(
      "--min-lift", [&flags](double lift) { flags.basket_min_lift = lift; },
      "Only rules with at least this lift (default: above 1)");
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

  // `jobs start train|evaluate`: the kinds and their flags (cmd/clientele/job_commands.h).
  CLI::App* start = job_flags.start;
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
                        absl::StrJoin(recommender::ServedModelNames(), ", ") + "; above " +
                        std::to_string(recommender::kDenseItemCap) +
                        " items: " + absl::StrJoin(recommender::LargeCatalogModelNames(), ", ") +
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
  JobKind train;
  train.flags = {"--min-support", "--min-confidence", "--max-itemset-size", "--max-itemsets",
                 "--models"};
  train.build_spec = [&flags, &analytics_flags] {
    return BuildSpec(flags, analytics_flags, "train");
  };
  train.print_result = PrintResult;
  AddJobKind(job_flags, "train", std::move(train));
  JobKind evaluate;
  evaluate.flags = {"--split", "--seed", "-k", "--models", "--cold-users"};
  evaluate.build_spec = [&flags, &analytics_flags] {
    return BuildSpec(flags, analytics_flags, "evaluate");
  };
  evaluate.print_result = PrintResult;
  evaluate.adjust_result_json = AdjustResultJson;
  AddJobKind(job_flags, "evaluate", std::move(evaluate));
}

}  // namespace clientele::cli
