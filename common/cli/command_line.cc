#include "common/cli/command_line.h"

#include <algorithm>
#include <memory>

#include "absl/strings/str_join.h"
#include "common/version/version.h"

namespace clientele::command_line {
namespace {

// The name an option is known by in help and errors: "--max-calls", or "-k" without a long name.
std::string PrimaryName(const CLI::Option& option) {
  if (!option.get_lnames().empty()) return "--" + option.get_lnames().front();
  if (!option.get_snames().empty()) return "-" + option.get_snames().front();
  return option.get_name(/*positional=*/true);
}

// "clientele jobs start": the program and the subcommands selected on the command line.
std::string CommandPath(const CLI::App& app) {
  std::string path = app.get_name();
  const CLI::App* current = &app;
  while (!current->get_subcommands().empty()) {
    current = current->get_subcommands().back();
    path += " " + current->get_name();
  }
  return path;
}

std::string FailureMessage(const CLI::App* app, const CLI::Error& error) {
  std::string message = error.what();
  // (ExtrasError's get_name() is the app's name, so its type tells it apart.)
  if (dynamic_cast<const CLI::ExtrasError*>(&error) != nullptr) {
    // CLI11 lists the extras in reverse order; name them as they were typed.
    const std::vector<std::string> extras = app->remaining(/*recurse=*/true);
    if (!extras.empty()) message = "unexpected argument: " + absl::StrJoin(extras, " ");
  }
  const std::string path = CommandPath(*app);
  return path + ": " + message + "\nRun '" + path + " --help' for usage.\n";
}

}  // namespace

std::string AliasHidingFormatter::make_option_name(const CLI::Option* option,
                                                   bool is_positional) const {
  if (is_positional || !option->nonpositional()) {
    return CLI::Formatter::make_option_name(option, is_positional);
  }
  std::vector<std::string> names;
  for (const std::string& name : option->get_snames()) names.push_back("-" + name);
  if (!option->get_lnames().empty()) names.push_back("--" + option->get_lnames().front());
  return absl::StrJoin(names, ", ");
}

void ApplyConventions(CLI::App& app, const std::string& binary) {
  app.name(binary);
  app.formatter(std::make_shared<AliasHidingFormatter>());
  app.set_version_flag("--version", binary + " " + std::string(Version()),
                       "Print the version and exit");
  app.failure_message(FailureMessage);
}

std::optional<int> Parse(CLI::App& app, int argc, const char* const* argv, std::ostream& out,
                         std::ostream& err) {
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    const int code = app.exit(error, out, err);
    return code == static_cast<int>(CLI::ExitCodes::Success) ? kExitOk : kExitUsage;
  }
  return std::nullopt;
}

void MutuallyExclusive(const std::vector<CLI::Option*>& options) {
  for (CLI::Option* option : options) {
    for (CLI::Option* other : options) {
      if (other != option) option->excludes(other);
    }
  }
}

absl::Status RejectFlagsNotTaken(const CLI::App& command, const std::vector<std::string>& taken,
                                 const std::string& what) {
  for (const CLI::Option* option : command.get_options()) {
    if (!option->nonpositional() || option->count() == 0) continue;
    const std::string name = PrimaryName(*option);
    if (name == "--help" || name == "--version") continue;
    if (std::find(taken.begin(), taken.end(), name) != taken.end()) continue;
    return absl::InvalidArgumentError(name + ": not taken by " + what +
                                      (taken.empty()
                                           ? " (it takes no flags)"
                                           : " (it takes " + absl::StrJoin(taken, ", ") + ")"));
  }
  return absl::OkStatus();
}

}  // namespace clientele::command_line
