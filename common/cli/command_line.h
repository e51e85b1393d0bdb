// Conventions shared by Clientele's command-line programs (clientele, clientele-load and
// clienteled), on top of CLI11:
//  - exit codes: 0 ok, 1 a failed call or job, 2 a usage error (the command line could not be
//    parsed or a flag's value is invalid; nothing was sent to a server);
//  - `--version` prints "<binary> <version>" and `--help` prints help, both exiting 0;
//  - help shows one name per option: its first long name. Further long names of the same option
//    are hidden aliases (old spellings that keep working);
//  - a parse error is one line naming the command and the flag, then where to find help.
//
//   CLI::App app{"clientele-load: ..."};
//   command_line::ApplyConventions(app, "clientele-load");  // Before add_subcommand: inherited.
//   app.add_option("--max-calls,--max_calls", max_calls, "...");  // --max_calls: hidden alias.
//   if (std::optional<int> exit = command_line::Parse(app, argc, argv)) return *exit;
#ifndef CLIENTELE_COMMON_CLI_COMMAND_LINE_H_
#define CLIENTELE_COMMON_CLI_COMMAND_LINE_H_

#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/status/status.h"

namespace clientele::command_line {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;  // A call or job failed (the server's error is printed).
inline constexpr int kExitUsage = 2;   // Bad command line; nothing was sent.

// Help text that names each option by its short names and its first long name only, so that
// "--max-calls,--max_calls" is listed as "--max-calls" and --max_calls stays a hidden alias.
class AliasHidingFormatter : public CLI::Formatter {
 public:
  std::string make_option_name(const CLI::Option* option, bool is_positional) const override;
};

// Installs the formatter, the --version flag and the error format on `app`. Subcommands copy
// these settings when they are added, so call this before adding any.
void ApplyConventions(CLI::App& app, const std::string& binary);

// Parses argv. Returns nullopt when the program should go on; otherwise the exit code to return
// at once, having printed what was asked (help, version: to `out`, 0) or the parse error (to
// `err`, kExitUsage).
std::optional<int> Parse(CLI::App& app, int argc, const char* const* argv,
                         std::ostream& out = std::cout, std::ostream& err = std::cerr);

// Makes each of `options` exclude the others: giving two is a usage error naming both
// ("--email excludes --id") instead of one silently winning.
void MutuallyExclusive(const std::vector<CLI::Option*>& options);

// For a command whose flags depend on a mode chosen at run time (a positional such as a job
// kind): InvalidArgument naming the first flag given on `command` whose first long (or short)
// name, e.g. "--k", is not in `taken`, e.g. "--k: not taken by jobs start evaluate (it takes
// --split, --models, -k)". Positionals are not checked. OK when every given flag is taken.
absl::Status RejectFlagsNotTaken(const CLI::App& command, const std::vector<std::string>& taken,
                                 const std::string& what);

}  // namespace clientele::command_line

#endif  // CLIENTELE_COMMON_CLI_COMMAND_LINE_H_
