// What every `clientele` command shares: the server address, the channel's credentials, the
// API key and the output mode.
#ifndef CLIENTELE_CMD_CLIENTELE_CLI_CONTEXT_H_
#define CLIENTELE_CMD_CLIENTELE_CLI_CONTEXT_H_

#include <memory>
#include <string>

#include "common/client/api_key_channel.h"
#include "grpcpp/grpcpp.h"

namespace clientele::cli {

struct CliContext {
  std::string server = "127.0.0.1:50051";  // --server, else $CLIENTELE_SERVER, else this.
  bool json = false;
  // --api-key, else the contents of --api-key-file, else $CLIENTELE_API_KEY; empty: none.
  // Sent as "authorization: Bearer <key>" on every call of Channel().
  std::string api_key;
  // From --tls-ca, --tls-cert, --tls-key (set before the first call); null: plaintext.
  std::shared_ptr<grpc::ChannelCredentials> credentials;

  // One channel per process, made on first use: every stub of a command shares its
  // connection (a second channel would cost a second connect). Not thread-safe until the first
  // call has returned.
  std::shared_ptr<grpc::Channel> Channel() const {
    if (channel_ == nullptr) {
      grpc::ChannelArguments args;
      args.SetMaxReceiveMessageSize(64 << 20);
      args.SetMaxSendMessageSize(64 << 20);
      channel_ = CreateChannelWithApiKey(
          server, credentials != nullptr ? credentials : grpc::InsecureChannelCredentials(), args,
          api_key);
    }
    return channel_;
  }

 private:
  mutable std::shared_ptr<grpc::Channel> channel_;
};

// Prints "clientele <what>: <CODE>: <message>" to stderr (e.g. "clientele profile get:
// UNAVAILABLE: failed to connect to all addresses") and returns the exit code of a failed call, 1.
// Whatever the code: a server's INVALID_ARGUMENT is a failed call too. Errors found in the
// command line before any call are usage errors (exit 2) and are printed by the command.
int ReportRpcError(const std::string& what, const grpc::Status& status);

}  // namespace clientele::cli

#endif  // CLIENTELE_CMD_CLIENTELE_CLI_CONTEXT_H_
