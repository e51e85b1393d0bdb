// Runs a binary of this build as a child process (servers, CLI) for end-to-end tests.
#ifndef CLIENTELE_COMMON_TESTING_CHILD_PROCESS_H_
#define CLIENTELE_COMMON_TESTING_CHILD_PROCESS_H_

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

namespace clientele::testing {

struct CommandResult {
  int exit_code = -1;  // Or 128 + signal.
  std::string out;
  std::string err;
};

// Runs `argv` to completion and captures its output.
CommandResult RunCommand(const std::vector<std::string>& argv);

// A long-running child; killed with SIGKILL on destruction if still running.
class ChildProcess {
 public:
  explicit ChildProcess(const std::vector<std::string>& argv);
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  void Signal(int signal);
  // Waits for exit; returns the exit code, or 128 + signal.
  int Wait();
  // True once the child has exited (reaps it without blocking); Wait() then returns at once.
  bool Exited();

 private:
  pid_t pid_ = -1;
  bool reaped_ = false;
  int status_ = 0;
};

// Starts build/bin/clienteled with `args` plus --port_file, --listen=127.0.0.1:0,
// --metrics_listen=127.0.0.1:0 and --auth=none (each unless `args` sets it), and waits (with
// a deadline) until it serves. Address is
// "127.0.0.1:<port>"; empty if it did not come up.
struct ServerProcess {
  std::unique_ptr<ChildProcess> process;
  std::string address;
  int metrics_port = 0;
  // With --auth=required in `args`: the bootstrap admin key the server wrote to
  // <data_dir>/bootstrap-admin.key on its first start (empty if it wrote none).
  std::string api_key;
};
ServerProcess StartServer(const std::string& bin_dir, const std::string& data_dir,
                          const std::vector<std::string>& extra_args = {});

// Sets CLIENTELE_API_KEY (which the CLI and clientele-load send as "authorization: Bearer
// <key>") for the child processes this test starts from now on; restores the previous value
// when destroyed.
class ScopedApiKey {
 public:
  explicit ScopedApiKey(const std::string& key);
  ~ScopedApiKey();
  ScopedApiKey(const ScopedApiKey&) = delete;
  ScopedApiKey& operator=(const ScopedApiKey&) = delete;

 private:
  bool had_previous_ = false;
  std::string previous_;
};

}  // namespace clientele::testing

#endif  // CLIENTELE_COMMON_TESTING_CHILD_PROCESS_H_
