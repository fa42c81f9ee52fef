// Command-line plumbing shared by the subcommands: connection flags like mysqldump's, sizes.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "myvault/common/progress.h"
#include "myvault/mysql/options.h"
#include "myvault/status.h"

namespace myvault::cli {

// Connection flags as given on the command line, before option files and environment.
struct ConnectionFlags {
  mysql::ConnectionOptions given;
  mysql::OptionSources sources;
  std::string port_text;
  CLI::App* app = nullptr;

  void Register(CLI::App* app);
  // Merges command line > option files > environment (the process's, by the rules of
  // myvault/mysql/options.h), then prompts for a password if `-p` was given without a value.
  Result<mysql::ConnectionOptions> Resolve(const mysql::PasswordArg& password) const;
  // The merge alone, with `env` for the environment; never prompts. A port on the command line
  // without a socket there means TCP, to 127.0.0.1 when the host is local (as MariaDB's clients
  // do): a port alone never silently means the default socket.
  Result<mysql::ConnectionOptions> Merge(const mysql::PasswordArg& password,
                                         const mysql::Environment& env) const;
};

// Printed after a message in which HideUnsafeArguments hid something.
inline constexpr char kPasswordSpaceHint[] =
    "-p and --password take no separate value: `-p X` asks for the password and reads X as an "
    "argument; write -pX or --password=X, or better, use an option file";

// A list option, the same on every subcommand: several values after the flag (`--databases a b`,
// up to the next option), the flag repeated (`--databases a --databases b`), or values joined
// by commas (`--databases a,b`), in any mix. Before a positional argument, end the list with
// `--` (`restore --databases a b -- FILE`).
CLI::Option* AddListOption(CLI::App* app, const std::string& name, std::vector<std::string>* values,
                           const std::string& help);

// --progress auto|bar|lines|none; --quiet wins.
Result<ProgressMode> ParseProgressMode(std::string_view progress, bool quiet);

// "4MiB", "64k", "1G", "1048576" -> bytes.
Result<uint64_t> ParseSize(std::string_view text);

}  // namespace myvault::cli
