// Customer 360 in the CLI:
//   clientele customer get --email=E | --phone=P | --id=ID | --source=SYSTEM/ID
//                          [--orders=N] [--recommendations=N] [--json]
// One call to clientele.gateway.v1.CustomerService.GetCustomer360. --json prints one object
// with the keys profile, consents, rfm, orders, recommendations (null or [] when the part is
// missing) and status (per part: code and message). A partial answer still exits 0: each
// missing part is printed with its status.
#ifndef CLIENTELE_CMD_CLIENTELE_CUSTOMER_COMMANDS_H_
#define CLIENTELE_CMD_CLIENTELE_CUSTOMER_COMMANDS_H_

#include <functional>
#include <string>

#include "CLI/CLI.hpp"
#include "cmd/clientele/cli_context.h"

namespace clientele::cli {

struct CustomerFlags {
  std::string email, phone, id, source;
  int orders = 0;           // 0: the server's default (10).
  int recommendations = 0;  // 0: the server's default (10).
};

void AddCustomerCommands(CLI::App& app, const CliContext& context, CustomerFlags& flags,
                         std::function<int()>& run);

}  // namespace clientele::cli

#endif  // CLIENTELE_CMD_CLIENTELE_CUSTOMER_COMMANDS_H_
