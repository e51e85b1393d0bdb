// `clienteled --check`: verifies the checksums of every store under the data directory.
#ifndef CLIENTELE_CMD_CLIENTELED_STORE_CHECK_H_
#define CLIENTELE_CMD_CLIENTELED_STORE_CHECK_H_

#include <string>
#include <vector>

namespace clientele {

// Opens each of data_dir/<component> that exists read-only (replaying its WAL, which fails
// on damage) and verifies every table file's checksums, printing one line per store to
// stdout (DATA_LOSS for damage, another code when a store cannot be opened for another
// reason). Returns the process exit code: 0 when every store is intact, else 1.
int CheckStores(const std::string& data_dir, const std::vector<std::string>& components);

}  // namespace clientele

#endif  // CLIENTELE_CMD_CLIENTELED_STORE_CHECK_H_
