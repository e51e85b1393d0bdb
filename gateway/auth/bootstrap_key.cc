#include "gateway/auth/bootstrap_key.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "common/status/status_macros.h"

namespace clientele::gateway {
namespace {

absl::Status FileError(const std::string& what, const std::string& path, int error) {
  return absl::InternalError(absl::StrCat(what, " ", path, ": ", std::strerror(error)));
}

// Writes `text` to a new file at `path` with mode 0600 from its creation.
absl::Status WritePrivateFile(const std::string& path, const std::string& text) {
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
    return FileError("cannot replace", path, errno);
  }
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) return FileError("cannot create", path, errno);
  size_t written = 0;
  while (written < text.size()) {
    const ssize_t n = ::write(fd, text.data() + written, text.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int error = errno;
      ::close(fd);
      ::unlink(path.c_str());
      return FileError("cannot write", path, error);
    }
    written += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    const int error = errno;
    ::unlink(path.c_str());
    return FileError("cannot write", path, error);
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::optional<std::string>> EnsureBootstrapAdminKey(KeyStore& keys,
                                                                   const std::string& data_dir) {
  if (!keys.empty()) return std::optional<std::string>();
  std::error_code error;
  std::filesystem::create_directories(data_dir, error);
  if (error) {
    return absl::InternalError(
        absl::StrCat("cannot create the data directory ", data_dir, ": ", error.message()));
  }
  const std::string path = (std::filesystem::path(data_dir) / kBootstrapKeyFile).string();
  CLT_ASSIGN_OR_RETURN(ApiKey key, GenerateApiKey());
  CLT_RETURN_IF_ERROR(WritePrivateFile(path, key.Text() + "\n"));
  KeySpec spec;
  spec.name = kBootstrapKeyName;
  spec.role = "admin";
  absl::StatusOr<NewKey> stored = keys.AddKey(key, spec);
  if (!stored.ok()) {
    ::unlink(path.c_str());
    return stored.status();
  }
  return std::optional<std::string>(path);
}

}  // namespace clientele::gateway
