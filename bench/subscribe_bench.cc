// Measures the log's append and Subscribe throughput, for a plain log and a sealed one (entries
// of events with a subject encrypted with per-subject keys, docs/ingest.md "Sealed entries"),
// in the same process. Not a test.
//
//   build/bin/subscribe_bench [events=200000] [rounds=5] [modes=plain,sealed]
//
// Append: `events` appended in batches of 1000 into a fresh store (what an import costs the
// log, without gRPC and parsing; 50,000 customers, each first seen somewhere in it), then the
// same events again under new event ids (every customer known), `rounds` times; median
// events/s of each. Subscribe then reads the 2 x `events` entries of the last log. Subscribe:
// events per second that one subscriber reads from the log of an IngestService on 127.0.0.1:0 (real
// RocksDB in a temp dir, real gRPC), from the first sequence to the end (stop_at_end), 512 entries
// per response. Two clients read the same log:
//   parse: the generated stub, which parses every SubscribeResponse (what log consumers do);
//   bytes: the responses as received, unparsed (what the server's side costs alone).
// Prints the median of `rounds` reads of each, in events/s and MB/s of response bytes.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "clientele/ingest/v1/ingest.grpc.pb.h"
#include "common/metrics/registry.h"
#include "common/storage/rocksdb_store.h"
#include "common/testing/temp_dir.h"
#include "grpcpp/grpcpp.h"
#include "ingest/consumer_registry.h"
#include "ingest/event_log.h"
#include "ingest/ingest_schema.h"
#include "ingest/ingest_service.h"
#include "ingest/privacy/subject_key_store.h"

namespace {

using namespace clientele;  // NOLINT: a benchmark's main file.

// Orders of 4..12 lines (8 on average, ~700 bytes each) and customer upserts, 3:1.
std::vector<common::v1::Event> MakeEvents(int count, absl::Time now) {
  std::mt19937_64 rng(7);
  std::vector<common::v1::Event> events(count);
  for (int i = 0; i < count; ++i) {
    common::v1::Event& e = events[i];
    const std::string id = std::to_string(1'000'000 + i);
    e.set_channel(common::v1::CHANNEL_ONLINE_SHOP);
    e.mutable_source()->set_system("web_shop");
    e.mutable_occurred_at()->set_seconds(absl::ToUnixSeconds(now) - 3600 - i);
    const std::string customer = "C-" + std::to_string(rng() % 50'000);
    if (i % 4 == 3) {
      e.set_event_id("customer/" + id);
      e.mutable_source()->set_id(customer);
      auto* c = e.mutable_customer_upsert();
      c->set_email("musteri" + std::to_string(rng() % 50'000) + "@example.com");
      c->set_given_name("Ayşe");
      c->set_family_name("Yılmaz");
      c->set_phone("+90532" + std::to_string(1'000'000 + rng() % 8'999'999));
      continue;
    }
    e.set_event_id("order/" + id);
    e.mutable_source()->set_id("ORD-" + id);
    auto* order = e.mutable_order();
    order->set_order_id("ORD-" + id);
    order->mutable_customer()->set_system("web_shop");
    order->mutable_customer()->set_id(customer);
    order->set_country("Türkiye");
    const int lines = 4 + static_cast<int>(rng() % 9);
    for (int l = 0; l < lines; ++l) {
      auto* line = order->add_lines();
      line->set_sku("SKU-" + std::to_string(10'000 + rng() % 90'000));
      line->set_description("WHITE HANGING HEART T-LIGHT HOLDER");
      line->set_quantity(1 + static_cast<int64_t>(rng() % 12));
      line->mutable_unit_price()->set_minor_units(50 + static_cast<int64_t>(rng() % 100'000));
      line->mutable_unit_price()->set_currency_code("TRY");
    }
  }
  return events;
}

struct Read {
  int64_t events = 0;
  int64_t bytes = 0;
  double seconds = 0;
};

ingest::v1::SubscribeRequest Request() {
  ingest::v1::SubscribeRequest request;
  request.set_partition(0);
  request.set_from_sequence(1);
  request.set_consumer("bench");
  request.set_stop_at_end(true);
  return request;
}

Read ReadParsed(ingest::v1::IngestService::Stub& stub) {
  Read r;
  grpc::ClientContext context;
  const absl::Time start = absl::Now();
  auto reader = stub.Subscribe(&context, Request());
  ingest::v1::SubscribeResponse response;
  while (reader->Read(&response)) {
    r.events += response.entries_size();
    r.bytes += static_cast<int64_t>(response.ByteSizeLong());
  }
  const grpc::Status status = reader->Finish();
  r.seconds = absl::ToDoubleSeconds(absl::Now() - start);
  if (!status.ok()) std::fprintf(stderr, "subscribe: %s\n", status.error_message().c_str());
  return r;
}

// The same call with the responses kept as bytes (a reader typed on ByteBuffer).
Read ReadBytes(grpc::Channel& channel) {
  static const grpc::internal::RpcMethod kMethod("/clientele.ingest.v1.IngestService/Subscribe",
                                                 grpc::internal::RpcMethod::SERVER_STREAMING);
  Read r;
  grpc::ClientContext context;
  const absl::Time start = absl::Now();
  std::unique_ptr<grpc::ClientReader<grpc::ByteBuffer>> reader(
      grpc::internal::ClientReaderFactory<grpc::ByteBuffer>::Create(&channel, kMethod, &context,
                                                                    Request()));
  grpc::ByteBuffer buffer;
  int64_t responses = 0;
  while (reader->Read(&buffer)) {
    ++responses;
    r.bytes += static_cast<int64_t>(buffer.Length());
  }
  const grpc::Status status = reader->Finish();
  r.seconds = absl::ToDoubleSeconds(absl::Now() - start);
  if (!status.ok()) std::fprintf(stderr, "subscribe: %s\n", status.error_message().c_str());
  return r;
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// One log (plain or sealed) in a fresh temp dir.
struct Log {
  testing::TempDir dir;
  std::unique_ptr<storage::KvStore> store;
  std::unique_ptr<storage::KvStore> key_store;
  std::unique_ptr<ingest::privacy::SubjectKeyStore> keys;
  std::unique_ptr<ingest::EventLog> log;
  std::unique_ptr<ingest::ConsumerRegistry> consumers;
};

std::unique_ptr<Log> OpenLog(bool sealed) {
  auto l = std::make_unique<Log>();
  storage::RocksDbOptions options;
  options.path = l->dir.Sub("ingest");
  options.column_families = ingest::IngestColumnFamilies();
  auto store = storage::OpenRocksDbStore(options);
  if (!store.ok()) return nullptr;
  l->store = std::move(*store);
  ingest::EventLogOptions log_options;
  if (sealed) {
    storage::RocksDbOptions keys;  // As the ingest component opens it.
    keys.path = l->dir.Sub(ingest::privacy::kKeyStoreDir);
    keys.column_families = ingest::privacy::KeyStoreColumnFamilies();
    keys.sync_writes = true;
    keys.write_buffer_bytes = 4 << 20;
    auto key_store = storage::OpenRocksDbStore(keys);
    if (!key_store.ok()) return nullptr;
    l->key_store = std::move(*key_store);
    auto subject_keys = ingest::privacy::SubjectKeyStore::Open(l->key_store.get());
    if (!subject_keys.ok()) return nullptr;
    l->keys = std::move(*subject_keys);
    log_options.keys = l->keys.get();
  }
  auto log = ingest::EventLog::Open(l->store.get(), log_options);
  auto consumers = ingest::ConsumerRegistry::Open(l->store.get());
  if (!log.ok() || !consumers.ok()) return nullptr;
  l->log = std::move(*log);
  l->consumers = std::move(*consumers);
  return l;
}

// Appends every event in batches of 1000; seconds taken (negative on failure).
double AppendAll(ingest::EventLog& log, const std::vector<common::v1::Event>& events,
                 absl::Time now) {
  const google::protobuf::RepeatedPtrField<ingest::v1::ClientRejection> none;
  const int count = static_cast<int>(events.size());
  const absl::Time start = absl::Now();
  for (int i = 0; i < count; i += 1000) {
    std::vector<const common::v1::Event*> batch;
    for (int j = i; j < std::min(count, i + 1000); ++j) batch.push_back(&events[j]);
    std::vector<ingest::AppendResult> results;
    if (absl::Status s = log.Append(batch, none, now, &results); !s.ok()) {
      std::fprintf(stderr, "append: %s\n", s.ToString().c_str());
      return -1;
    }
  }
  return absl::ToDoubleSeconds(absl::Now() - start);
}

// Appends (`rounds` fresh logs) and reads the last one back; false on failure.
bool RunMode(bool sealed, const std::vector<common::v1::Event>& events,
             const std::vector<common::v1::Event>& again, int rounds, absl::Time now) {
  const int count = static_cast<int>(events.size());
  std::vector<double> append_rate, again_rate;
  std::unique_ptr<Log> l;
  for (int round = 0; round < rounds; ++round) {
    l.reset();
    l = OpenLog(sealed);
    if (l == nullptr) return std::fprintf(stderr, "open failed\n"), false;
    const double seconds = AppendAll(*l->log, events, now);
    if (seconds < 0) return false;
    append_rate.push_back(count / seconds);
    const double again_seconds = AppendAll(*l->log, again, now);
    if (again_seconds < 0) return false;
    again_rate.push_back(count / again_seconds);
  }
  (void)l->store->Flush();

  metrics::Registry metrics;
  ingest::IngestServiceImpl service(l->log.get(), l->consumers.get(), &metrics);
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
  builder.SetMaxSendMessageSize(64 << 20);
  builder.RegisterService(&service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(64 << 20);
  std::shared_ptr<grpc::Channel> channel = grpc::CreateCustomChannel(
      "127.0.0.1:" + std::to_string(port), grpc::InsecureChannelCredentials(), args);
  auto stub = ingest::v1::IngestService::NewStub(channel);

  std::vector<double> parse_rate, parse_mb, bytes_rate, bytes_mb;
  int64_t parsed_events = 0;
  for (int round = 0; round < rounds; ++round) {
    const Read p = ReadParsed(*stub);
    parsed_events = p.events;
    parse_rate.push_back(static_cast<double>(p.events) / p.seconds);
    parse_mb.push_back(static_cast<double>(p.bytes) / p.seconds / 1e6);
    const Read b = ReadBytes(*channel);
    bytes_rate.push_back(static_cast<double>(2 * count) / b.seconds);
    bytes_mb.push_back(static_cast<double>(b.bytes) / b.seconds / 1e6);
  }
  std::printf("%s log: %d events appended twice (read back %lld), rounds %d, medians:\n",
              sealed ? "sealed" : "plain", count, static_cast<long long>(parsed_events), rounds);
  std::printf("  append, new log:           %9.0f events/s\n", Median(append_rate));
  std::printf("  append, customers known:   %9.0f events/s\n", Median(again_rate));
  std::printf("  client parses (consumer):  %9.0f events/s  %7.1f MB/s\n", Median(parse_rate),
              Median(parse_mb));
  std::printf("  client keeps bytes:        %9.0f events/s  %7.1f MB/s\n", Median(bytes_rate),
              Median(bytes_mb));
  server->Shutdown();
  return parsed_events == 2 * count;
}

}  // namespace

int main(int argc, char** argv) {
  const int count = argc > 1 ? std::atoi(argv[1]) : 200'000;
  const int rounds = argc > 2 ? std::atoi(argv[2]) : 5;
  const std::string modes = argc > 3 ? argv[3] : "plain,sealed";
  const absl::Time now = absl::Now();
  const std::vector<common::v1::Event> events = MakeEvents(count, now);
  // The same customers again, under new event ids: every subject has its key already.
  std::vector<common::v1::Event> again = events;
  for (common::v1::Event& e : again) e.set_event_id(e.event_id() + "/again");
  bool ok = true;
  for (const bool sealed : {false, true}) {
    if (modes.find(sealed ? "sealed" : "plain") == std::string::npos) continue;
    ok = RunMode(sealed, events, again, rounds, now) && ok;
  }
  return ok ? 0 : 1;
}
