// clientele-load: a gRPC load generator for Clientele's services.
//
//   clientele-load --server=127.0.0.1:50051 --call=recommend --concurrency=16 --duration=10
//   clientele-load --call=recommend --rate=5000 --duration=20 --json
//
// Prints the throughput, latency percentiles and errors by gRPC status code; with --json the last
// line of stdout is one JSON object (report.h lists its keys). --server defaults to
// $CLIENTELE_SERVER; the API key comes from --api-key, --api-key-file or $CLIENTELE_API_KEY.
// Exit codes (common/cli/command_line.h): 0 the run completed (failed calls
// are counted in the report), 1 the run could not be made (e.g. the server is unreachable while
// preparing), 2 usage.
#include <cstdio>
#include <cstdlib>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "cmd/clientele-load/call_kind.h"
#include "cmd/clientele-load/keys.h"
#include "cmd/clientele-load/load_runner.h"
#include "cmd/clientele-load/report.h"
#include "common/cli/command_line.h"
#include "common/client/api_key_channel.h"
#include "common/server/tls_credentials.h"

namespace clientele::load {
namespace {

struct Flags {
  std::string server = "127.0.0.1:50051";
  std::string api_key;
  std::string api_key_file;
  std::string call = "recommend";
  int concurrency = 16;
  double rate = 0;
  double duration_seconds = 10;
  double warmup_seconds = 1;
  int64_t max_calls = 0;
  double timeout_seconds = 5;
  int channels = 2;
  int threads = 1;
  std::string keys_file;
  int64_t max_keys = 100000;
  std::vector<std::string> params;
  uint64_t seed = 1;
  bool json = false;
  bool list_calls = false;
  server::PemFile tls_ca{"--tls-ca", ""};
  server::PemFile tls_cert{"--tls-cert", ""};
  server::PemFile tls_key{"--tls-key", ""};
};

// A flag's value is wrong (unknown call kind, unreadable --keys file): exit 2.
int Usage(const absl::Status& status) {
  std::fprintf(stderr, "clientele-load: %s\n", std::string(status.message()).c_str());
  return command_line::kExitUsage;
}

// INVALID_ARGUMENT (a bad option or param value) is a usage error; any other error means the
// run could not be made (exit 1) and is named by its code, e.g. "clientele-load: UNAVAILABLE:
// failed to connect to all addresses".
int Fail(const absl::Status& status) {
  if (absl::IsInvalidArgument(status)) return Usage(status);
  std::fprintf(stderr, "clientele-load: %s\n", status.ToString().c_str());
  return command_line::kExitFailed;
}

int Run(const Flags& flags) {
  CallKindRegistry registry = BuiltinCallKinds();
  if (flags.list_calls) {
    for (const CallKindInfo* info : registry.List()) {
      std::printf("%-20s %s\n", info->name.c_str(), info->description.c_str());
    }
    return 0;
  }
  absl::StatusOr<std::unique_ptr<CallKind>> kind = registry.Create(flags.call);
  if (!kind.ok()) return Usage(kind.status());

  absl::StatusOr<server::ChannelTls> tls =
      server::LoadChannelTls(flags.tls_ca, flags.tls_cert, flags.tls_key);
  if (!tls.ok()) return Usage(tls.status());
  absl::StatusOr<std::string> api_key =
      ResolveApiKey(flags.api_key, flags.api_key_file, std::getenv(kApiKeyEnv));
  if (!api_key.ok()) return Usage(api_key.status());

  PrepareContext prepare;
  prepare.channels =
      MakeChannels(flags.server, flags.channels, server::ChannelCredentialsFor(*tls), *api_key);
  prepare.max_keys = flags.max_keys;
  prepare.seed = flags.seed;
  prepare.timeout = absl::Seconds(30);
  for (const std::string& param : flags.params) {
    const size_t eq = param.find('=');
    if (eq == std::string::npos || eq == 0) {
      return Fail(absl::InvalidArgumentError("param: expected name=value, got '" + param + "'"));
    }
    prepare.params[param.substr(0, eq)] = param.substr(eq + 1);
  }
  if (!flags.keys_file.empty()) {
    absl::StatusOr<std::vector<std::string>> keys = ReadKeysFile(flags.keys_file);
    if (!keys.ok()) return Usage(keys.status());
    prepare.keys = *std::move(keys);
  }
  if (absl::Status s = (*kind)->Prepare(prepare); !s.ok()) return Fail(s);

  RunDescription description;
  description.call = flags.call;
  description.server = flags.server;
  description.channels = flags.channels;
  description.distinct_requests = (*kind)->distinct_requests();
  LoadOptions& options = description.options;
  options.concurrency = flags.concurrency;
  options.rate = flags.rate;
  options.duration = absl::Seconds(flags.duration_seconds);
  options.warmup = absl::Seconds(flags.warmup_seconds);
  options.max_calls = flags.max_calls;
  options.call_timeout = absl::Seconds(flags.timeout_seconds);
  options.threads = flags.threads;
  if (!flags.json) {
    std::printf("%s: %lld distinct requests, warm-up %.1f s\n", flags.call.c_str(),
                static_cast<long long>(description.distinct_requests), flags.warmup_seconds);
    std::fflush(stdout);
  }
  absl::StatusOr<LoadResult> result = RunLoad(kind->get(), options);
  if (!result.ok()) return Fail(result.status());
  if (flags.json) {
    std::fprintf(stderr, "%s", ReportText(description, *result).c_str());
    std::printf("%s\n", ReportJson(description, *result).dump().c_str());
  } else {
    std::printf("%s", ReportText(description, *result).c_str());
  }
  return 0;
}

}  // namespace
}  // namespace clientele::load

int main(int argc, char** argv) {
  // Debian's abseil is built without NDEBUG, so every absl::Mutex (gRPC's included) maintains a
  // lock-order graph for deadlock detection: measurable CPU per call in a load generator.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  clientele::load::Flags flags;
  CLI::App app{
      "clientele-load: drives one kind of gRPC call against a Clientele server and reports "
      "throughput, latency percentiles (p50/p90/p99/p99.9/max, HDR-style histogram within 0.4%) "
      "and errors by gRPC status code.\n\n"
      "Closed loop (default): --concurrency workers, each with one call in flight; throughput is "
      "what the server sustains.\n"
      "Open loop (--rate=R): calls are scheduled on a fixed timetable of R per second, whatever "
      "happened to earlier calls, and each call's latency is measured from its SCHEDULED time, "
      "so a stall of the server or of this client is not hidden (no coordinated omission); "
      "--concurrency then caps the calls in flight.\n\n"
      "Requests vary over the server's customers: profile ids from identity's ListProfiles (or "
      "--param=keys=source_keys for source keys from its profile map), or --keys=FILE (one "
      "profile id or system/id per line), in a seeded random order. --list-calls names the call "
      "kinds; --param=name=value sets call-specific options (e.g. --param=k=20 "
      "--param=strategy=ease for recommend)."};
  clientele::command_line::ApplyConventions(app, "clientele-load");
  app.add_option("--server", flags.server, "host:port of the server")
      ->envname("CLIENTELE_SERVER")
      ->capture_default_str();
  app.add_option("--api-key", flags.api_key,
                 "API key sent as 'authorization: Bearer <key>' (default $CLIENTELE_API_KEY)");
  app.add_option("--api-key-file", flags.api_key_file, "File holding the API key");
  app.add_option("--call", flags.call, "Kind of call (see --list-calls)")->capture_default_str();
  app.add_option("--concurrency", flags.concurrency,
                 "Closed loop: calls in flight. Open loop: the most calls in flight")
      ->capture_default_str();
  app.add_option("--rate", flags.rate, "Calls per second (open loop); 0: closed loop")
      ->capture_default_str();
  app.add_option("--duration", flags.duration_seconds, "Seconds measured (after the warm-up)")
      ->capture_default_str();
  app.add_option("--warmup", flags.warmup_seconds, "Seconds of calls made but not measured")
      ->capture_default_str();
  app.add_option("--max-calls,--max_calls", flags.max_calls,
                 "Stop after this many measured calls (0: no limit)")
      ->capture_default_str();
  app.add_option("--timeout", flags.timeout_seconds, "Deadline of each call, seconds")
      ->capture_default_str();
  app.add_option("--channels", flags.channels, "HTTP/2 connections to spread the calls over")
      ->capture_default_str();
  app.add_option("--threads", flags.threads,
                 "Threads that complete calls, each draining a gRPC completion queue of its own "
                 "(calls are spread over them; open loop: one more thread issues the calls on "
                 "time)")
      ->check(CLI::Range(1, clientele::load::LoadOptions::kMaxThreads))
      ->capture_default_str();
  app.add_option("--keys", flags.keys_file,
                 "File of customer keys, one profile id or system/id per line");
  app.add_option("--max-keys,--max_keys", flags.max_keys, "Most keys fetched from the server")
      ->capture_default_str();
  app.add_option("--param", flags.params, "name=value option of the call kind (repeatable)");
  app.add_option("--seed", flags.seed, "Seed of the request order")->capture_default_str();
  app.add_option("--tls-ca,--tls_ca", flags.tls_ca.path,
                 "PEM CA certificates the server's certificate must chain to: connect with TLS")
      ->envname("CLIENTELE_TLS_CA");
  app.add_option("--tls-cert,--tls_cert", flags.tls_cert.path,
                 "PEM client certificate to present (mTLS; with --tls-key)")
      ->envname("CLIENTELE_TLS_CERT");
  app.add_option("--tls-key,--tls_key", flags.tls_key.path, "PEM private key of --tls-cert")
      ->envname("CLIENTELE_TLS_KEY");
  app.add_flag("--json", flags.json,
               "Last line of stdout: one JSON object (rps, p50_ms, p90_ms, p99_ms, max_ms, errors, "
               "calls, duration_s, concurrency, rate, ...); the text report goes to stderr");
  app.add_flag("--list-calls,--list_calls", flags.list_calls, "List the call kinds and exit");
  if (std::optional<int> exit = clientele::command_line::Parse(app, argc, argv)) return *exit;
  return clientele::load::Run(flags);
}
