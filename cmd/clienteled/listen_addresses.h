// Checks of the listen addresses against --auth (docs/security.md): a server that admits
// every caller (--auth=none) must be reachable only from this machine.
#ifndef CLIENTELE_CMD_CLIENTELED_LISTEN_ADDRESSES_H_
#define CLIENTELE_CMD_CLIENTELED_LISTEN_ADDRESSES_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"

namespace clientele {

// Whether "host:port" binds only the loopback interface: 127.0.0.0/8, localhost, [::1].
bool IsLoopbackListen(std::string_view host_port);

// OK when every (flag, address) pair binds loopback (an empty address or "off" binds
// nothing); else InvalidArgument naming --auth=none, the flag and its address.
absl::Status CheckAuthNoneListens(
    const std::vector<std::pair<std::string, std::string>>& flag_addresses);

}  // namespace clientele

#endif  // CLIENTELE_CMD_CLIENTELED_LISTEN_ADDRESSES_H_
