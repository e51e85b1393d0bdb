// A real ingest server for integration tests: RocksDB in a temp dir, gRPC on 127.0.0.1:0.
#ifndef CLIENTELE_TESTS_INTEGRATION_INGEST_SERVER_FIXTURE_H_
#define CLIENTELE_TESTS_INTEGRATION_INGEST_SERVER_FIXTURE_H_

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "clientele/ingest/v1/ingest.grpc.pb.h"
#include "common/metrics/registry.h"
#include "common/server/grpc_server.h"
#include "common/storage/rocksdb_store.h"
#include "common/testing/temp_dir.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "ingest/consumer_registry.h"
#include "ingest/event_log.h"
#include "ingest/ingest_schema.h"
#include "ingest/ingest_service.h"
#include "ingest/log_fence.h"
#include "ingest/privacy/ingest_privacy_service.h"
#include "ingest/privacy/subject_key_store.h"

namespace clientele::testing {

class IngestServer {
 public:
  // port 0: any free port. Throws std::runtime_error if the server cannot start (so tests
  // can retry binding a specific port). With `keys_dir`, the log seals the entries of events
  // with a subject with keys kept there (as the ingest component does), and IngestPrivacy is
  // served too.
  IngestServer(const std::string& data_dir, ingest::EventLogOptions options, int port = 0,
               const std::string& keys_dir = "") {
    storage::RocksDbOptions db;
    db.path = data_dir;
    db.column_families = ingest::IngestColumnFamilies();
    store_ = std::move(storage::OpenRocksDbStore(db)).value();
    if (!keys_dir.empty()) {
      storage::RocksDbOptions keys_db;
      keys_db.path = keys_dir;
      keys_db.column_families = ingest::privacy::KeyStoreColumnFamilies();
      keys_db.sync_writes = true;
      key_store_ = std::move(storage::OpenRocksDbStore(keys_db)).value();
      keys_ = std::move(ingest::privacy::SubjectKeyStore::Open(key_store_.get())).value();
      options.keys = keys_.get();
    }
    log_ = std::move(ingest::EventLog::Open(store_.get(), std::move(options))).value();
    consumers_ = std::move(ingest::ConsumerRegistry::Open(store_.get())).value();
    ingest::FenceConsumersAheadOfLog(*log_, *consumers_);  // As IngestNode does.
    service_ = std::make_unique<ingest::IngestServiceImpl>(log_.get(), consumers_.get(), &metrics_);
    server::ServerOptions so;
    so.listen = "127.0.0.1:" + std::to_string(port);
    so.shutdown_grace = absl::Seconds(2);
    std::vector<grpc::Service*> services = {service_.get()};
    if (keys_ != nullptr) {
      privacy_service_ = std::make_unique<ingest::privacy::IngestPrivacyServiceImpl>(log_.get());
      services.push_back(privacy_service_.get());
    }
    auto started = server::GrpcServer::Start(so, services, {}, &metrics_);
    if (!started.ok()) throw std::runtime_error(started.status().ToString());
    server_ = std::move(*started);
    address_ = "127.0.0.1:" + std::to_string(server_->port());
  }
  ~IngestServer() {
    log_->Close();
    server_->Shutdown();
  }

  const std::string& address() const { return address_; }
  std::shared_ptr<grpc::Channel> Channel() const {
    grpc::ChannelArguments args;
    args.SetMaxReceiveMessageSize(64 << 20);
    return grpc::CreateCustomChannel(address_, grpc::InsecureChannelCredentials(), args);
  }
  std::unique_ptr<ingest::v1::IngestService::Stub> Stub() const {
    return ingest::v1::IngestService::NewStub(Channel());
  }
  ingest::EventLog& log() { return *log_; }
  storage::KvStore& store() { return *store_; }
  ingest::ConsumerRegistry& consumers() { return *consumers_; }
  // Null without a keys_dir.
  storage::KvStore* key_store() { return key_store_.get(); }
  metrics::Registry& metrics() { return metrics_; }

 private:
  metrics::Registry metrics_;
  std::unique_ptr<storage::KvStore> store_;
  std::unique_ptr<storage::KvStore> key_store_;
  std::unique_ptr<ingest::privacy::SubjectKeyStore> keys_;
  std::unique_ptr<ingest::EventLog> log_;
  std::unique_ptr<ingest::ConsumerRegistry> consumers_;
  std::unique_ptr<ingest::IngestServiceImpl> service_;
  std::unique_ptr<ingest::privacy::IngestPrivacyServiceImpl> privacy_service_;
  std::unique_ptr<server::GrpcServer> server_;
  std::string address_;
};

// Sends `events` in one Ingest call; a failed call fails the test (and gives an empty response).
inline ingest::v1::IngestResponse Ingest(ingest::v1::IngestService::Stub& stub,
                                         const std::vector<common::v1::Event>& events) {
  grpc::ClientContext ctx;
  ingest::v1::IngestRequest req;
  for (const auto& e : events) *req.add_events() = e;
  ingest::v1::IngestResponse resp;
  grpc::Status s = stub.Ingest(&ctx, req, &resp);
  EXPECT_TRUE(s.ok()) << s.error_message();
  return resp;
}

// Reads partition `partition` from `from` to the end of the log at call time.
inline std::vector<ingest::v1::LogEntry> ReadAll(ingest::v1::IngestService::Stub& stub,
                                                 uint32_t partition = 0, uint64_t from = 1,
                                                 std::vector<common::v1::PayloadType> types = {},
                                                 uint64_t* through = nullptr) {
  grpc::ClientContext ctx;
  ingest::v1::SubscribeRequest req;
  req.set_partition(partition);
  req.set_from_sequence(from);
  req.set_stop_at_end(true);
  req.set_max_batch_events(7);  // Several responses even for small logs.
  for (auto t : types) req.add_payload_types(t);
  auto reader = stub.Subscribe(&ctx, req);
  std::vector<ingest::v1::LogEntry> out;
  ingest::v1::SubscribeResponse resp;
  while (reader->Read(&resp)) {
    for (auto& e : *resp.mutable_entries()) out.push_back(std::move(e));
    if (through) *through = resp.through_sequence();
  }
  grpc::Status s = reader->Finish();
  EXPECT_TRUE(s.ok()) << s.error_message();
  return out;
}

}  // namespace clientele::testing

#endif  // CLIENTELE_TESTS_INTEGRATION_INGEST_SERVER_FIXTURE_H_
