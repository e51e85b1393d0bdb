// Channels from one component of clienteled to another: in-process when the other component
// runs in this process, else over the network to its address (--<name>_addr, e.g.
// --ingest_addr=ingest-{partition}.ingest:50051, where "{partition}" is replaced by the log
// partition number, and "{ordinal}" by the ingest node that owns it: partition p mod
// --ingest_replicas). Every component makes its channels to the others through ChannelTo.
//
//   std::shared_ptr<grpc::Channel> identity = channels->ChannelTo("identity");
//   if (!identity) { ... identity is not configured ... }
//   consumer = LogConsumer(..., [channels](uint32_t p) { return channels->ChannelTo("ingest", p);
//   });
#ifndef CLIENTELE_COMMON_SERVER_COMPONENT_CHANNELS_H_
#define CLIENTELE_COMMON_SERVER_COMPONENT_CHANNELS_H_

#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "grpcpp/channel.h"
#include "grpcpp/security/credentials.h"

namespace clientele::server {

class GrpcServer;

// Where the components are: the ones selected in this process, and the addresses of the
// others (the values of their --<name>_addr flags that were set).
struct Deployment {
  std::set<std::string, std::less<>> local;
  std::map<std::string, std::string, std::less<>> addresses;
  // --ingest_replicas: ingest node o owns every partition p with p mod ingest_replicas == o
  // ("{ordinal}" in an address); 0: one node per partition (the ordinal is the partition).
  uint32_t ingest_replicas = 0;

  bool RunsHere(std::string_view component) const { return local.count(component) > 0; }
  // Runs here or has an address: ChannelTo gives a channel.
  bool Reachable(std::string_view component) const {
    return RunsHere(component) || addresses.count(component) > 0;
  }
};

// Thread-safe. Channels are made on first use and then shared by the caller's later calls
// (one per target component and address: a component's consumers of every partition share
// the in-process channel to ingest, as its jobs share the one to identity).
class ComponentChannels {
 public:
  // `server` (not owned; null only when no component runs in-process) must outlive the
  // channels it makes. Remote channels receive messages up to `max_message_bytes` and use
  // `remote_credentials` (null: plaintext; e.g. ChannelCredentialsFor in tls_credentials.h
  // for TLS and mTLS); in-process channels need none.
  ComponentChannels(GrpcServer* server, Deployment deployment, int max_message_bytes,
                    std::shared_ptr<grpc::ChannelCredentials> remote_credentials = nullptr);

  // The channel to `component` for log partition `partition` (0 for a component that is not
  // partitioned): in-process when it runs here, else to its address with "{partition}"
  // replaced; null when it neither runs here nor has an address.
  std::shared_ptr<grpc::Channel> ChannelTo(std::string_view component,
                                           uint32_t partition = 0) const;

  // A channel to `address` (host:port of a peer that is not a component of this deployment,
  // e.g. the --model_source of a serving replica), with the remote channels' credentials and
  // message size; shared by later calls with the same address and policy.
  // `load_balancing_policy`: gRPC's ("round_robin" spreads calls over every address the name
  // resolves to, e.g. the pods of a headless Service); empty: gRPC's default (pick_first).
  // `health_service`: when set, gRPC client-side health checking (grpc.health.v1 Watch of that
  // service name on each address): an address whose health is not SERVING gets no calls, and
  // the channel is READY only while some address is SERVING. Needs a policy that honours it
  // ("round_robin"; empty means "round_robin" here).
  std::shared_ptr<grpc::Channel> ChannelToAddress(const std::string& address,
                                                  const std::string& load_balancing_policy = "",
                                                  const std::string& health_service = "") const;

  const Deployment& deployment() const { return deployment_; }

 private:
  GrpcServer* const server_;
  const Deployment deployment_;
  const int max_message_bytes_;
  const std::shared_ptr<grpc::ChannelCredentials> remote_credentials_;  // Never null.
  mutable absl::Mutex mu_;
  // Key: the component for in-process channels, else the address after substitution.
  mutable std::map<std::string, std::shared_ptr<grpc::Channel>> channels_ ABSL_GUARDED_BY(mu_);
};

// `address` with "{partition}" replaced by `partition` and "{ordinal}" by the node that owns
// it, partition mod `replicas` (the partition itself when `replicas` is 0); unchanged without
// them.
std::string AddressOfPartition(std::string address, uint32_t partition, uint32_t replicas = 0);

}  // namespace clientele::server

#endif  // CLIENTELE_COMMON_SERVER_COMPONENT_CHANNELS_H_
