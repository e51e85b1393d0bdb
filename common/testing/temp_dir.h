// A fresh directory under the test's temp dir, removed (recursively) on destruction.
#ifndef CLIENTELE_COMMON_TESTING_TEMP_DIR_H_
#define CLIENTELE_COMMON_TESTING_TEMP_DIR_H_

#include <cstdlib>
#include <filesystem>
#include <string>

namespace clientele::testing {

class TempDir {
 public:
  TempDir() {
    const char* base = std::getenv("TEST_TMPDIR");
    std::string pattern =
        (std::filesystem::path(base ? base : std::filesystem::temp_directory_path().string()) /
         "clientele-XXXXXX")
            .string();
    path_ = mkdtemp(pattern.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  std::string Sub(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

}  // namespace clientele::testing

#endif  // CLIENTELE_COMMON_TESTING_TEMP_DIR_H_
