#include "cmd/clienteled/store_check.h"

#include <cstdio>
#include <filesystem>

#include "absl/status/status.h"
#include "common/storage/rocksdb_store.h"

namespace clientele {

int CheckStores(const std::string& data_dir, const std::vector<std::string>& components) {
  int exit_code = 0;
  for (const std::string& component : components) {
    const std::filesystem::path path = std::filesystem::path(data_dir) / component;
    if (!std::filesystem::exists(path / "CURRENT")) {
      std::printf("%-12s absent (%s)\n", component.c_str(), path.string().c_str());
      continue;
    }
    storage::RocksDbOptions options;
    options.path = path.string();
    options.name = component;
    options.read_only = true;  // Every column family on disk is opened as found.
    absl::StatusOr<std::unique_ptr<storage::KvStore>> store = storage::OpenRocksDbStore(options);
    absl::Status status = store.ok() ? (*store)->VerifyChecksums() : store.status();
    if (status.ok()) {
      std::printf("%-12s ok\n", component.c_str());
      continue;
    }
    std::printf("%-12s %s\n", component.c_str(), status.ToString().c_str());
    exit_code = 1;  // Damaged (DATA_LOSS) or unreadable: the line above says which.
  }
  return exit_code;
}

}  // namespace clientele
