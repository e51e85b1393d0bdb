// Dumps what a running server holds, as sorted text files, so that two servers fed the same
// input can be compared with `cmp` (the crash test compares a run with kills against one
// without). Writes into --out:
//   log_event_ids.txt    the event id of every log entry of every partition, in log order
//                        (an id that appears twice is a duplicate)
//   identity_map.txt     "system/id<TAB>profile_id" of identity's profile map, sorted
//   identity_groups.txt  the same map as groups of source keys (one profile a line, keys
//                        sorted, lines sorted): equal even if profile ids were numbered
//                        differently
// --log_only skips identity (for servers that run ingest alone).
//
//   state_dump --server=127.0.0.1:PORT --out=DIR [--log_only]
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "clientele/identity/v1/identity.grpc.pb.h"
#include "clientele/ingest/v1/ingest.grpc.pb.h"
#include "common/status/grpc_status.h"
#include "grpcpp/grpcpp.h"

namespace clientele {
namespace {

bool Fail(const char* what, const grpc::Status& s) {
  std::fprintf(stderr, "state_dump: %s: %s\n", what, DescribeGrpcStatus(s).c_str());
  return false;
}

bool DumpLog(const std::shared_ptr<grpc::Channel>& channel, const std::string& path) {
  auto stub = ingest::v1::IngestService::NewStub(channel);
  ingest::v1::GetLogInfoResponse info;
  {
    grpc::ClientContext ctx;
    grpc::Status s = stub->GetLogInfo(&ctx, {}, &info);
    if (!s.ok()) return Fail("GetLogInfo", s);
  }
  std::ofstream out(path);
  for (const ingest::v1::PartitionInfo& p : info.partitions()) {
    grpc::ClientContext ctx;
    ingest::v1::SubscribeRequest req;
    req.set_partition(p.partition());
    req.set_stop_at_end(true);
    auto reader = stub->Subscribe(&ctx, req);
    ingest::v1::SubscribeResponse resp;
    while (reader->Read(&resp)) {
      for (const ingest::v1::LogEntry& e : resp.entries()) out << e.event().event_id() << '\n';
    }
    grpc::Status s = reader->Finish();
    if (!s.ok()) return Fail("Subscribe", s);
  }
  return static_cast<bool>(out);
}

bool DumpIdentity(const std::shared_ptr<grpc::Channel>& channel, const std::string& dir) {
  auto stub = identity::v1::IdentityService::NewStub(channel);
  grpc::ClientContext ctx;
  auto reader = stub->GetProfileMap(&ctx, identity::v1::GetProfileMapRequest());
  std::vector<std::string> lines;
  std::map<std::string, std::vector<std::string>> groups;
  identity::v1::GetProfileMapResponse chunk;
  while (reader->Read(&chunk)) {
    for (const identity::v1::ProfileMapEntry& e : chunk.entries()) {
      std::string key = absl::StrCat(e.source().system(), "/", e.source().id());
      lines.push_back(absl::StrCat(key, "\t", e.profile_id()));
      groups[e.profile_id()].push_back(std::move(key));
    }
  }
  grpc::Status s = reader->Finish();
  if (!s.ok()) return Fail("GetProfileMap", s);
  std::sort(lines.begin(), lines.end());
  std::vector<std::string> group_lines;
  for (auto& [profile, keys] : groups) {
    std::sort(keys.begin(), keys.end());
    group_lines.push_back(absl::StrJoin(keys, " "));
  }
  std::sort(group_lines.begin(), group_lines.end());
  std::ofstream map_out(dir + "/identity_map.txt");
  for (const std::string& l : lines) map_out << l << '\n';
  std::ofstream groups_out(dir + "/identity_groups.txt");
  for (const std::string& l : group_lines) groups_out << l << '\n';
  return map_out && groups_out;
}

}  // namespace
}  // namespace clientele

int main(int argc, char** argv) {
  std::string server, out;
  bool log_only = false;
  CLI::App app("Dump a server's log event ids and identity profile map for comparison");
  app.add_option("--server", server, "host:port")->required();
  app.add_option("--out", out, "Existing directory to write the dump files into")->required();
  app.add_flag("--log_only", log_only, "Dump the log only (no identity service)");
  CLI11_PARSE(app, argc, argv);
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(64 << 20);
  auto channel = grpc::CreateCustomChannel(server, grpc::InsecureChannelCredentials(), args);
  if (!clientele::DumpLog(channel, out + "/log_event_ids.txt")) return 1;
  if (!log_only && !clientele::DumpIdentity(channel, out)) return 1;
  return 0;
}
