#include "cmd/clientele/log_commands.h"

#include <cstdio>
#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/clock.h"
#include "clientele/ingest/v1/ingest.grpc.pb.h"
#include "common/text/terminal_escape.h"
#include "google/protobuf/util/json_util.h"
#include "nlohmann/json.hpp"

namespace clientele::cli {
namespace {

using ingest::v1::IngestService;

int RunRejected(const CliContext& context, const LogFlags& flags) {
  auto stub = IngestService::NewStub(context.Channel());
  ingest::v1::ListRejectedRequest request;
  request.set_page_size(1000);
  int64_t shown = 0, total = 0;
  if (!context.json)
    std::printf("%-8s %-28s %8s  %-36s %s\n", "ID", "SOURCE", "ROW", "FIELD", "REASON");
  do {
    grpc::ClientContext rpc;
    rpc.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(30)));
    ingest::v1::ListRejectedResponse page;
    grpc::Status status = stub->ListRejected(&rpc, request, &page);
    if (!status.ok()) return ReportRpcError("rejected", status);
    total = page.total();
    for (const ingest::v1::DeadLetter& d : page.dead_letters()) {
      if (flags.limit > 0 && shown >= flags.limit) break;
      ++shown;
      if (context.json) {
        nlohmann::json j = {{"id", d.id()},        {"source_name", d.source_name()},
                            {"row", d.row()},      {"event_id", d.event_id()},
                            {"field", d.field()},  {"code", d.code()},
                            {"reason", d.reason()}};
        if (!d.raw().empty()) j["raw"] = d.raw();
        if (d.excerpt()) j["excerpt"] = true;
        if (d.repeats() > 0) j["repeats"] = d.repeats();
        std::printf("%s\n", j.dump().c_str());
      } else {
        // Stored by any client: escaped so control bytes never reach the terminal.
        std::printf(
            "%-8llu %-28s %8lld  %-36s %s%s\n", static_cast<unsigned long long>(d.id()),
            text::EscapeForTerminal(d.source_name().empty() ? d.event_id() : d.source_name(), 256)
                .c_str(),
            static_cast<long long>(d.row()), text::EscapeForTerminal(d.field(), 256).c_str(),
            text::EscapeForTerminal(d.reason()).c_str(),
            d.repeats() > 0 ? (" (seen " + std::to_string(d.repeats() + 1) + " times)").c_str()
                            : "");
      }
    }
    request.set_page_token(page.next_page_token());
  } while (!request.page_token().empty() && (flags.limit == 0 || shown < flags.limit));
  if (!context.json)
    std::printf("%lld of %lld dead letters shown\n", static_cast<long long>(shown),
                static_cast<long long>(total));
  return 0;
}

absl::StatusOr<ingest::v1::GetLogInfoResponse> GetLogInfo(IngestService::Stub& stub) {
  grpc::ClientContext rpc;
  rpc.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
  ingest::v1::GetLogInfoResponse info;
  grpc::Status status = stub.GetLogInfo(&rpc, ingest::v1::GetLogInfoRequest(), &info);
  if (!status.ok()) {
    return absl::Status(static_cast<absl::StatusCode>(status.error_code()), status.error_message());
  }
  return info;
}

int RunLog(const CliContext& context) {
  auto stub = IngestService::NewStub(context.Channel());
  absl::StatusOr<ingest::v1::GetLogInfoResponse> info = GetLogInfo(*stub);
  if (!info.ok()) {
    return ReportRpcError("log", grpc::Status(static_cast<grpc::StatusCode>(info.status().code()),
                                              std::string(info.status().message())));
  }
  if (context.json) {
    std::string json;
    google::protobuf::util::JsonPrintOptions options;
    options.always_print_primitive_fields = true;
    options.preserve_proto_field_names = true;
    (void)google::protobuf::util::MessageToJsonString(*info, &json, options);
    std::printf("%s\n", json.c_str());
    return 0;
  }
  const bool kafka = !info->kafka_topic().empty();
  if (kafka) {
    // The log is Kafka: partition p is Kafka partition p, offset o is sequence o + 1.
    std::printf("log: kafka topic %s (offset o = sequence o+1)\n", info->kafka_topic().c_str());
  }
  std::printf("partitions: %u in all; served here:\n", info->partition_count());
  for (const auto& p : info->partitions()) {
    // first_sequence is the first retained one (log retention removes those below it); past
    // last_sequence when every entry was removed.
    const auto first = static_cast<unsigned long long>(p.first_sequence());
    const auto last = static_cast<unsigned long long>(p.last_sequence());
    if (last == 0) {
      std::printf("  partition %u: empty\n", p.partition());
    } else if (first > last) {
      std::printf(
          "  partition %u: sequences 1..%llu all removed by retention, first retained %llu"
          " (the next to come)\n",
          p.partition(), last, first);
    } else {
      std::printf("  partition %u: sequences %llu..%llu, first retained %llu\n", p.partition(),
                  first, last, first);
    }
  }
  for (const auto& p : info->partitions()) {
    if (!kafka) continue;
    if (p.kafka_high_watermark() < 0) {
      std::printf("  kafka partition %u: high-water mark unknown (brokers unreachable)\n",
                  p.partition());
    } else {
      std::printf("  kafka partition %u: high-water mark %lld\n", p.partition(),
                  static_cast<long long>(p.kafka_high_watermark()));
    }
  }
  for (const auto& p : info->partitions()) {
    if (!p.data_loss().empty()) {
      std::printf("  partition %u REFUSES TO SERVE: %s\n", p.partition(), p.data_loss().c_str());
    }
  }
  std::printf("consumers:\n");
  for (const auto& c : info->consumers()) {
    // On Kafka the applied sequence is the next offset the consumer reads.
    const std::string offset =
        kafka ? " (next kafka offset " + std::to_string(c.applied_sequence()) + ")" : "";
    std::printf("  %-16s partition %u applied %llu%s%s%s\n", c.consumer().c_str(), c.partition(),
                static_cast<unsigned long long>(c.applied_sequence()), offset.c_str(),
                c.error().empty() ? "" : " STOPPED: ", c.error().c_str());
  }
  std::printf("dead letters: %lld\n", static_cast<long long>(info->dead_letters()));
  return 0;
}

int RunSync(const CliContext& context, const LogFlags& flags) {
  auto stub = IngestService::NewStub(context.Channel());
  const absl::Time deadline = absl::Now() + absl::Seconds(flags.timeout_seconds);
  absl::StatusOr<ingest::v1::GetLogInfoResponse> info = GetLogInfo(*stub);
  if (!info.ok()) {
    return ReportRpcError("sync", grpc::Status(static_cast<grpc::StatusCode>(info.status().code()),
                                               std::string(info.status().message())));
  }
  std::map<uint32_t, uint64_t> target;
  for (const auto& p : info->partitions()) target[p.partition()] = p.last_sequence();
  absl::Duration poll = absl::Milliseconds(5);
  while (true) {
    // A partition that lost events, or a consumer that stopped, will never catch up.
    std::string failed;
    for (const auto& p : info->partitions()) {
      if (!p.data_loss().empty())
        failed += "\n  partition " + std::to_string(p.partition()) + ": " + p.data_loss();
    }
    for (const auto& c : info->consumers()) {
      if (!c.error().empty()) failed += "\n  consumer " + c.consumer() + ": " + c.error();
    }
    if (!failed.empty()) {
      std::fprintf(stderr, "clientele sync: the log cannot be synced:%s\n", failed.c_str());
      return 1;
    }
    std::string lagging;
    for (const auto& c : info->consumers()) {
      auto it = target.find(c.partition());
      if (it != target.end() && c.applied_sequence() < it->second) {
        lagging += " " + c.consumer() + "[partition " + std::to_string(c.partition()) + ": " +
                   std::to_string(c.applied_sequence()) + "/" + std::to_string(it->second) + "]";
      }
    }
    if (lagging.empty()) {
      if (context.json) {
        nlohmann::json out = {{"synced", true}, {"consumers", info->consumers_size()}};
        std::printf("%s\n", out.dump().c_str());
      }
      return 0;
    }
    if (absl::Now() >= deadline) {
      std::fprintf(stderr, "clientele sync: timed out; behind:%s\n", lagging.c_str());
      return 1;
    }
    absl::SleepFor(poll);  // Polling a remote server; there is nothing local to wait on.
    poll = std::min(poll * 2, absl::Milliseconds(200));
    info = GetLogInfo(*stub);
    if (!info.ok()) {
      return ReportRpcError("sync",
                            grpc::Status(static_cast<grpc::StatusCode>(info.status().code()),
                                         std::string(info.status().message())));
    }
  }
}

int RunConsumers(const CliContext& context) {
  auto stub = IngestService::NewStub(context.Channel());
  absl::StatusOr<ingest::v1::GetLogInfoResponse> info = GetLogInfo(*stub);
  if (!info.ok()) {
    return ReportRpcError("log consumers",
                          grpc::Status(static_cast<grpc::StatusCode>(info.status().code()),
                                       std::string(info.status().message())));
  }
  if (!context.json) {
    std::printf("%-24s %9s %14s  %s\n", "CONSUMER", "PARTITION", "APPLIED", "ERROR");
  }
  for (const auto& c : info->consumers()) {
    if (context.json) {
      nlohmann::json j = {{"consumer", c.consumer()},
                          {"partition", c.partition()},
                          {"applied_sequence", c.applied_sequence()},
                          {"error", c.error()}};
      std::printf("%s\n", j.dump().c_str());
    } else {
      std::printf("%-24s %9u %14llu  %s\n", c.consumer().c_str(), c.partition(),
                  static_cast<unsigned long long>(c.applied_sequence()), c.error().c_str());
    }
  }
  return 0;
}

int RunRemoveConsumer(const CliContext& context, const LogFlags& flags) {
  auto stub = IngestService::NewStub(context.Channel());
  grpc::ClientContext rpc;
  rpc.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
  ingest::v1::RemoveConsumerRequest request;
  request.set_consumer(flags.consumer);
  ingest::v1::RemoveConsumerResponse response;
  grpc::Status status = stub->RemoveConsumer(&rpc, request, &response);
  if (!status.ok()) return ReportRpcError("log consumers remove", status);
  if (context.json) {
    nlohmann::json j = {{"consumer", flags.consumer},
                        {"partitions_removed", response.partitions_removed()}};
    std::printf("%s\n", j.dump().c_str());
  } else {
    std::printf("removed consumer %s (%d partitions)\n", flags.consumer.c_str(),
                response.partitions_removed());
  }
  return 0;
}

}  // namespace

void AddLogCommands(CLI::App& app, const CliContext& context, LogFlags& flags,
                    std::function<int()>& run) {
  CLI::App* rejected = app.add_subcommand("rejected",
                                          "List dead letters: rejected events and "
                                          "file rows with their reasons");
  rejected->add_option("--limit", flags.limit, "Show at most this many (default: all)");
  rejected->callback([&] { run = [&] { return RunRejected(context, flags); }; });

  CLI::App* log = app.add_subcommand("log", "Show the log's partitions and consumers");
  log->callback([&, log] {
    if (log->get_subcommands().empty()) run = [&] { return RunLog(context); };
  });
  CLI::App* consumers =
      log->add_subcommand("consumers", "List the registered consumers (or remove one)");
  consumers->callback([&, consumers] {
    if (consumers->get_subcommands().empty()) run = [&] { return RunConsumers(context); };
  });
  CLI::App* list = consumers->add_subcommand("list", "List the registered consumers");
  list->callback([&] { run = [&] { return RunConsumers(context); }; });
  CLI::App* remove = consumers->add_subcommand(
      "remove",
      "Forget a consumer: sync stops waiting for it and its position no longer fences the log "
      "(for retired or made-up consumers, or one whose state will be rebuilt from the log)");
  remove->add_option("name", flags.consumer, "The consumer's name")->required();
  remove->callback([&] { run = [&] { return RunRemoveConsumer(context, flags); }; });

  CLI::App* sync = app.add_subcommand(
      "sync", "Wait until every consumer has applied the log up to its current end");
  sync->add_option("--timeout", flags.timeout_seconds, "Give up after this many seconds")
      ->capture_default_str();
  sync->callback([&] { run = [&] { return RunSync(context, flags); }; });
}

}  // namespace clientele::cli
