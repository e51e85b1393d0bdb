// Scans the raw bytes of every file under a directory (SST files, WAL, MANIFEST, logs), for
// tests that prove a value is, or is not, stored anywhere.
#ifndef CLIENTELE_TESTS_INGEST_PRIVACY_FILE_SCAN_H_
#define CLIENTELE_TESTS_INGEST_PRIVACY_FILE_SCAN_H_

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace clientele::testing {

// The files under `dir` (recursively) whose bytes contain `needle`.
inline std::vector<std::string> FilesContaining(const std::string& dir, const std::string& needle) {
  std::vector<std::string> found;
  for (const auto& file : std::filesystem::recursive_directory_iterator(dir)) {
    if (!file.is_regular_file()) continue;
    std::ifstream in(file.path(), std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (bytes.find(needle) != std::string::npos) found.push_back(file.path().string());
  }
  return found;
}

}  // namespace clientele::testing

#endif  // CLIENTELE_TESTS_INGEST_PRIVACY_FILE_SCAN_H_
