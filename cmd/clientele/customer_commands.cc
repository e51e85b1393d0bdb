// `clientele customer get`.
#include "cmd/clientele/customer_commands.h"

#include <cstdio>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "clientele/gateway/v1/customer.grpc.pb.h"
#include "cmd/clientele/proto_json.h"
#include "common/cli/command_line.h"
#include "common/money/money.h"
#include "common/source_key/source_key.h"
#include "common/time/proto_time.h"

namespace clientele::cli {
namespace {

using gateway::v1::GetCustomer360Request;
using gateway::v1::GetCustomer360Response;
using gateway::v1::PartStatus;

int UsageError(const std::string& message) {
  std::fprintf(stderr, "clientele customer get: %s\n", message.c_str());
  return command_line::kExitUsage;
}

std::string Time(const google::protobuf::Timestamp& t) {
  return absl::FormatTime("%Y-%m-%d %H:%M", FromProtoTimestamp(t), absl::UTCTimeZone());
}

std::string Amount(const common::v1::Money& money) {
  return absl::StrCat(absl::StrFormat("%.2f", money::ToDouble(money)), " ", money.currency_code());
}

// Prints the part's heading, or its status when the part is missing; true when it is there.
bool Heading(const char* part, const PartStatus& status) {
  if (status.code() != PartStatus::OK) {
    std::printf("%s: not available (%s: %s)\n", part, PartStatus::Code_Name(status.code()).c_str(),
                status.message().c_str());
    return false;
  }
  std::printf("%s:%s%s\n", part, status.message().empty() ? "" : " ", status.message().c_str());
  return true;
}

void PrintText(const GetCustomer360Response& r) {
  const gateway::v1::Customer360Status& status = r.status();
  if (Heading("profile", status.profile())) {
    const identity::v1::Profile& p = r.profile();
    const common::v1::CustomerUpsert& g = p.golden().record();
    std::printf("  %s (created %s)\n", p.profile_id().c_str(), Time(p.created_at()).c_str());
    std::string name = g.full_name().empty() ? absl::StrJoin({g.given_name(), g.family_name()}, " ")
                                             : g.full_name();
    if (name != " ") std::printf("  name:    %s\n", name.c_str());
    if (!g.email().empty()) std::printf("  e-mail:  %s\n", g.email().c_str());
    if (!g.phone().empty()) std::printf("  phone:   %s\n", g.phone().c_str());
    std::vector<std::string> members;
    for (const common::v1::SourceKey& m : p.members()) members.push_back(FormatSourceKey(m));
    std::printf("  members: %s\n", absl::StrJoin(members, ", ").c_str());
  }
  if (Heading("consents", status.consents())) {
    for (const identity::v1::ConsentState& c : r.consents()) {
      // "marketing_email  granted  since 2024-01-01 10:00"
      const std::string purpose = absl::AsciiStrToLower(
          absl::StripPrefix(common::v1::ConsentPurpose_Name(c.purpose()), "CONSENT_PURPOSE_"));
      const std::string state = absl::AsciiStrToLower(
          absl::StripPrefix(common::v1::ConsentStatus_Name(c.status()), "CONSENT_STATUS_"));
      std::printf("  %-22s %-9s since %s\n", purpose.c_str(), state.c_str(),
                  Time(c.decided_by().occurred_at()).c_str());
    }
    if (r.consents().empty()) std::printf("  (none recorded)\n");
  }
  if (Heading("rfm", status.rfm())) {
    const gateway::v1::RfmSummary& m = r.rfm();
    if (m.rfm_model_version() != 0) {
      std::printf("  segment %s (R%d F%d M%d): last purchase %lld days ago, %lld orders, %.2f\n",
                  m.segment().c_str(), m.r(), m.f(), m.m(),
                  static_cast<long long>(m.recency_days()), static_cast<long long>(m.frequency()),
                  m.monetary());
      if (!m.strategy().empty()) std::printf("  strategy: %s\n", m.strategy().c_str());
    }
    if (m.cluster() >= 0) {
      std::printf("  cluster %d (model %llu)\n", m.cluster(),
                  static_cast<unsigned long long>(m.cluster_model_version()));
    } else {
      std::printf("  not clustered\n");
    }
  }
  if (Heading("orders", status.orders())) {
    for (const analytics::v1::CustomerOrder& o : r.orders()) {
      std::printf("  %s  %-16s %3d line(s)  %s%s\n", Time(o.occurred_at()).c_str(),
                  o.order_id().c_str(), o.lines_size(),
                  o.has_total() ? Amount(o.total()).c_str() : "",
                  o.cancellation() ? "  (cancellation)" : "");
    }
    if (r.orders().empty()) std::printf("  (no orders)\n");
  }
  if (Heading("recommendations", status.recommendations())) {
    for (const recommender::v1::RecommendedItem& item : r.recommendations()) {
      std::printf("  %2d. %-16s %-32s %s\n", item.rank(), item.sku().c_str(), item.name().c_str(),
                  item.reason().c_str());
    }
    if (r.recommendations().empty()) std::printf("  (none)\n");
  }
}

int RunGet(const CliContext& context, const CustomerFlags& flags) {
  GetCustomer360Request request;
  const int given =
      !flags.email.empty() + !flags.phone.empty() + !flags.id.empty() + !flags.source.empty();
  if (given != 1) return UsageError("give exactly one of --email, --phone, --id, --source");
  if (!flags.email.empty()) request.set_email(flags.email);
  if (!flags.phone.empty()) request.set_phone(flags.phone);
  if (!flags.id.empty()) request.set_profile_id(flags.id);
  if (!flags.source.empty()) {
    absl::StatusOr<common::v1::SourceKey> key = ParseSourceKey(flags.source, "--source");
    if (!key.ok()) return UsageError(std::string(key.status().message()));
    request.set_source_key(flags.source);
  }
  request.set_orders_limit(flags.orders);
  request.set_recommendations_limit(flags.recommendations);

  auto stub = gateway::v1::CustomerService::NewStub(context.Channel());
  grpc::ClientContext rpc;
  rpc.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(30)));
  GetCustomer360Response response;
  grpc::Status s = stub->GetCustomer360(&rpc, request, &response);
  if (!s.ok()) return ReportRpcError("customer get", s);
  if (context.json) {
    std::printf("%s\n", MessageJson(response).dump().c_str());
  } else {
    PrintText(response);
  }
  return command_line::kExitOk;
}

}  // namespace

void AddCustomerCommands(CLI::App& app, const CliContext& context, CustomerFlags& flags,
                         std::function<int()>& run) {
  CLI::App* customer =
      app.add_subcommand("customer", "Customer 360: profile, consents, RFM, orders, items");
  customer->require_subcommand(1);
  CLI::App* get = customer->add_subcommand(
      "get", "Everything known about one customer (a missing part is shown with its status)");
  command_line::MutuallyExclusive({
      get->add_option("--email", flags.email, "Look up by e-mail"),
      get->add_option("--phone", flags.phone, "Look up by phone"),
      get->add_option("--id", flags.id, "Look up by profile id (or an alias)"),
      get->add_option("--source", flags.source, "Look up by source key system/id"),
  });
  get->add_option("--orders", flags.orders, "Last orders to show (0: 10)")
      ->check(CLI::Range(0, 100));
  get->add_option("--recommendations", flags.recommendations, "Top items to show (0: 10)")
      ->check(CLI::Range(0, 100));
  get->callback([&] { run = [&] { return RunGet(context, flags); }; });
}

}  // namespace clientele::cli
