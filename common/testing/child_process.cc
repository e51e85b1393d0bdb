#include "common/testing/child_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "common/testing/poll.h"

namespace clientele::testing {
namespace {

std::vector<char*> Argv(const std::vector<std::string>& argv) {
  std::vector<char*> out;
  for (const auto& a : argv) out.push_back(const_cast<char*>(a.c_str()));
  out.push_back(nullptr);
  return out;
}

std::string ReadAll(int fd) {
  std::string out;
  char buf[65536];
  ssize_t n;
  while ((n = read(fd, buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
  return out;
}

int DecodeStatus(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

}  // namespace

CommandResult RunCommand(const std::vector<std::string>& argv) {
  CommandResult result;
  char out_path[] = "/tmp/clientele-out-XXXXXX";
  char err_path[] = "/tmp/clientele-err-XXXXXX";
  int out_fd = mkstemp(out_path);
  int err_fd = mkstemp(err_path);
  unlink(out_path);
  unlink(err_path);
  pid_t pid = fork();
  if (pid == 0) {
    dup2(out_fd, STDOUT_FILENO);
    dup2(err_fd, STDERR_FILENO);
    int null_fd = open("/dev/null", O_RDONLY);
    dup2(null_fd, STDIN_FILENO);
    std::vector<char*> args = Argv(argv);
    execv(args[0], args.data());
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  result.exit_code = DecodeStatus(status);
  lseek(out_fd, 0, SEEK_SET);
  lseek(err_fd, 0, SEEK_SET);
  result.out = ReadAll(out_fd);
  result.err = ReadAll(err_fd);
  close(out_fd);
  close(err_fd);
  return result;
}

ChildProcess::ChildProcess(const std::vector<std::string>& argv) {
  pid_ = fork();
  if (pid_ == 0) {
    // The child must not inherit the parent's blocked signal mask (tests may block SIGTERM).
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    std::vector<char*> args = Argv(argv);
    execv(args[0], args.data());
    _exit(127);
  }
}

ChildProcess::~ChildProcess() {
  if (pid_ > 0 && !reaped_) {
    kill(pid_, SIGKILL);
    Wait();
  }
}

void ChildProcess::Signal(int signal) {
  if (pid_ > 0 && !reaped_) kill(pid_, signal);
}

bool ChildProcess::Exited() {
  if (!reaped_ && pid_ > 0 && waitpid(pid_, &status_, WNOHANG) == pid_) reaped_ = true;
  return reaped_;
}

int ChildProcess::Wait() {
  if (!reaped_) {
    waitpid(pid_, &status_, 0);
    reaped_ = true;
  }
  return DecodeStatus(status_);
}

ServerProcess StartServer(const std::string& bin_dir, const std::string& data_dir,
                          const std::vector<std::string>& extra_args) {
  ServerProcess server;
  const std::string port_file = data_dir + ".port";
  std::remove(port_file.c_str());
  const auto has_flag = [&](const std::string& prefix) {
    return std::any_of(extra_args.begin(), extra_args.end(),
                       [&](const std::string& arg) { return arg.rfind(prefix, 0) == 0; });
  };
  std::vector<std::string> argv = {bin_dir + "/clienteled", "--data_dir=" + data_dir,
                                   "--port_file=" + port_file, "--log_level=warn"};
  if (!has_flag("--listen=")) argv.push_back("--listen=127.0.0.1:0");
  if (!has_flag("--metrics_listen=")) argv.push_back("--metrics_listen=127.0.0.1:0");
  // Tests that are not about authentication run without it (every address is loopback);
  // those that are pass --auth=required.
  if (!has_flag("--auth=")) argv.push_back("--auth=none");
  argv.insert(argv.end(), extra_args.begin(), extra_args.end());
  server.process = std::make_unique<ChildProcess>(argv);
  std::string address;
  int metrics_port = 0;
  const bool up = PollUntil([&] {
    std::ifstream in(port_file);
    return static_cast<bool>(in >> address >> metrics_port);
  });
  if (up) {
    server.address = address;
    server.metrics_port = metrics_port;
    if (has_flag("--auth=required")) {
      std::ifstream key(data_dir + "/bootstrap-admin.key");
      std::getline(key, server.api_key);
    }
  }
  return server;
}

ScopedApiKey::ScopedApiKey(const std::string& key) {
  if (const char* previous = std::getenv("CLIENTELE_API_KEY")) {
    had_previous_ = true;
    previous_ = previous;
  }
  setenv("CLIENTELE_API_KEY", key.c_str(), 1);
}

ScopedApiKey::~ScopedApiKey() {
  if (had_previous_) {
    setenv("CLIENTELE_API_KEY", previous_.c_str(), 1);
  } else {
    unsetenv("CLIENTELE_API_KEY");
  }
}

}  // namespace clientele::testing
