#include "cmd/clienteled/listen_addresses.h"

namespace clientele {

bool IsLoopbackListen(std::string_view host_port) {
  const size_t colon = host_port.rfind(':');
  if (colon == std::string_view::npos) return false;
  const std::string_view host = host_port.substr(0, colon);
  if (host == "localhost" || host == "[::1]") return true;
  if (host.substr(0, 4) != "127.") return false;
  // Four dotted decimal parts, the first 127.
  int dots = 0;
  for (char c : host) {
    if (c == '.') {
      ++dots;
    } else if (c < '0' || c > '9') {
      return false;
    }
  }
  return dots == 3;
}

absl::Status CheckAuthNoneListens(
    const std::vector<std::pair<std::string, std::string>>& flag_addresses) {
  for (const auto& [flag, address] : flag_addresses) {
    if (address.empty() || address == "off" || IsLoopbackListen(address)) continue;
    return absl::InvalidArgumentError(
        "--auth=none: refused because " + flag + "=" + address +
        " is reachable from other machines; without authentication every listen address "
        "must be loopback (127.0.0.1, localhost, [::1])");
  }
  return absl::OkStatus();
}

}  // namespace clientele
