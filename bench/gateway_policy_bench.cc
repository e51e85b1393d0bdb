// gateway_policy_bench [N] [THREADS]: the cost of the gateway's security check per call,
// DefaultCallPolicy::Admit with a valid API key (SHA-256 of the secret, constant-time compare,
// role table, token bucket), over a real key store: median of 5 rounds of N calls (default
// 200,000) on one thread, then the same calls spread over THREADS threads (default 4), each
// with its own key (as with several clients). The PII step is a no-op: responses are not
// filtered here.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "common/testing/temp_dir.h"
#include "gateway/gateway_security.h"
#include "gateway/gateway_store.h"

namespace {

using clientele::gateway::CallCredentials;

constexpr char kMethod[] = "/clientele.recommender.v1.RecommenderService/Recommend";

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  const int n = argc > 1 ? std::atoi(argv[1]) : 200000;
  const int threads = argc > 2 ? std::atoi(argv[2]) : 4;
  if (n <= 0 || threads <= 0) {
    std::fprintf(stderr, "N and THREADS: must be positive counts\n");
    return 2;
  }
  clientele::testing::TempDir dir;
  auto store = clientele::gateway::OpenGatewayStore(dir.path());
  if (!store.ok()) {
    std::fprintf(stderr, "%s\n", store.status().ToString().c_str());
    return 1;
  }
  clientele::gateway::GatewaySecurityOptions options;
  options.store = store->get();
  options.data_dir = dir.path();
  options.rate_limit_rps = 1e6;  // High enough never to refuse: the bucket is still charged.
  options.pii.may_carry_pii = [](const google::protobuf::Descriptor*) { return false; };
  options.pii.mask_pii = [](google::protobuf::Message&) { return clientele::gateway::PiiReport(); };
  options.pii.find_pii = [](const google::protobuf::Message&) {
    return clientele::gateway::PiiReport();
  };
  options.audit = [](const clientele::gateway::PiiRead&) { return absl::OkStatus(); };
  auto security = clientele::gateway::OpenGatewaySecurity(options);
  if (!security.ok()) {
    std::fprintf(stderr, "%s\n", security.status().ToString().c_str());
    return 1;
  }
  std::vector<std::string> headers;
  for (int t = 0; t < std::max(threads, 1); ++t) {
    clientele::gateway::KeySpec spec;
    spec.name = "bench-" + std::to_string(t);
    spec.role = "recommender-client";
    auto key = (*security)->keys->CreateKey(spec);
    if (!key.ok()) return 1;
    headers.push_back("Bearer " + key->key);
  }
  clientele::gateway::CallPolicy& policy = *(*security)->policy;

  auto run = [&](const std::string& header, int calls) {
    CallCredentials credentials;
    credentials.authorization = header;
    int admitted = 0;
    for (int i = 0; i < calls; ++i) admitted += policy.Admit(credentials, kMethod).ok();
    return admitted;
  };

  std::vector<double> one_thread;
  for (int round = 0; round < 5; ++round) {
    const auto start = std::chrono::steady_clock::now();
    const int admitted = run(headers[0], n);
    const auto end = std::chrono::steady_clock::now();
    if (admitted != n) std::fprintf(stderr, "only %d of %d admitted\n", admitted, n);
    one_thread.push_back(std::chrono::duration<double, std::micro>(end - start).count() / n);
  }
  std::vector<double> many_threads;
  for (int round = 0; round < 5; ++round) {
    const auto start = std::chrono::steady_clock::now();
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t)
      workers.emplace_back([&, t] { run(headers[t], n / threads); });
    for (std::thread& worker : workers) worker.join();
    const auto end = std::chrono::steady_clock::now();
    many_threads.push_back(std::chrono::duration<double, std::micro>(end - start).count() /
                           (n / threads * threads));
  }
  std::printf("Admit, valid key, 1 thread: %.2f us per call (%.0f calls/s)\n", Median(one_thread),
              1e6 / Median(one_thread));
  std::printf("Admit, valid key, %d threads: %.2f us of wall time per call (%.0f calls/s)\n",
              threads, Median(many_threads), 1e6 / Median(many_threads));
  return 0;
}
