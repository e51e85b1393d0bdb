// The components clienteled can run (--services), in lifecycle order.
#ifndef CLIENTELE_CMD_CLIENTELED_COMPONENTS_H_
#define CLIENTELE_CMD_CLIENTELED_COMPONENTS_H_

#include "common/server/component_registry.h"

namespace clientele {

// Every component of the server, registered in the order they open and start (a component
// after those it calls: they stop in reverse order).
server::ComponentRegistry ClienteledComponents();

}  // namespace clientele

#endif  // CLIENTELE_CMD_CLIENTELED_COMPONENTS_H_
