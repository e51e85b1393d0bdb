// What every `clientele` command shares: the server address and output mode.
#ifndef CLIENTELE_CMD_CLIENTELE_CLI_CONTEXT_H_
#define CLIENTELE_CMD_CLIENTELE_CLI_CONTEXT_H_

#include <memory>
#include <string>

#include "grpcpp/grpcpp.h"

namespace clientele::cli {

struct CliContext {
  std::string server = "127.0.0.1:50051";  // --server, else $CLIENTELE_SERVER, else this.
  bool json = false;

  std::shared_ptr<grpc::Channel> Channel() const {
    grpc::ChannelArguments args;
    args.SetMaxReceiveMessageSize(64 << 20);
    args.SetMaxSendMessageSize(64 << 20);
    return grpc::CreateCustomChannel(server, grpc::InsecureChannelCredentials(), args);
  }
};

// Prints "clientele <what>: <CODE>: <message>" to stderr (e.g. "clientele profile get:
// UNAVAILABLE: failed to connect to all addresses") and returns the exit code of a failed call, 1.
// Whatever the code: a server's INVALID_ARGUMENT is a failed call too. Errors found in the
// command line before any call are usage errors (exit 2) and are printed by the command.
int ReportRpcError(const std::string& what, const grpc::Status& status);

}  // namespace clientele::cli

#endif  // CLIENTELE_CMD_CLIENTELE_CLI_CONTEXT_H_
