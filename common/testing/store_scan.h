// Scans for tests that prove a value is, or is not, stored anywhere: the raw bytes of every file
// under a directory (SST files, write-ahead logs, MANIFEST), and every row of a store as it reads
// back (decompressed: raw bytes of a compressed SST block can hide a value).
#ifndef CLIENTELE_COMMON_TESTING_STORE_SCAN_H_
#define CLIENTELE_COMMON_TESTING_STORE_SCAN_H_

#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/storage/kv_store.h"
#include "gtest/gtest.h"

namespace clientele::testing {

// The files under `dir` (recursively) whose bytes contain `needle`. RocksDB's info logs (LOG,
// LOG.old.*) are left out: they hold the engine's own messages, whose numbers and timings can
// spell a short needle (a numeric customer id) by chance. scripts/privacy-scan reads them too.
inline std::vector<std::string> FilesContaining(const std::string& dir, const std::string& needle) {
  std::vector<std::string> found;
  for (const auto& file : std::filesystem::recursive_directory_iterator(dir)) {
    if (!file.is_regular_file()) continue;
    const std::string name = file.path().filename().string();
    if (name == "LOG" || name.rfind("LOG.old.", 0) == 0) continue;
    std::ifstream in(file.path(), std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (bytes.find(needle) != std::string::npos) found.push_back(file.path().string());
  }
  return found;
}

inline int CountFilesContaining(const std::string& dir, const std::string& needle) {
  return static_cast<int>(FilesContaining(dir, needle).size());
}

// How many rows (key or value) of the first `cfs` column families of `kv` contain `needle`.
inline int RowsContaining(const storage::KvStore& kv, int cfs, const std::string& needle) {
  int found = 0;
  for (int cf = 0; cf < cfs; ++cf) {
    std::unique_ptr<storage::KvIterator> it = kv.NewIterator(cf);
    for (it->Seek(""); it->Valid(); it->Next()) {
      if (it->key().find(needle) != std::string_view::npos ||
          it->value().find(needle) != std::string_view::npos) {
        ++found;
      }
    }
    EXPECT_TRUE(it->status().ok()) << it->status();
  }
  return found;
}

}  // namespace clientele::testing

#endif  // CLIENTELE_COMMON_TESTING_STORE_SCAN_H_
