// The subcommands: each an options struct, a function that registers its flags, and a Run.
#pragma once

#include <CLI/CLI.hpp>

#include "flags.h"
#include "myvault/common/cancel.h"
#include "myvault/dump/dumper.h"
#include "myvault/restore/restorer.h"
#include "myvault/verify/verify.h"

namespace myvault::cli {

struct DumpCommand {
  dump::DumpOptions options;
  ConnectionFlags connection;
  std::string chunk_size_text = "1MiB", statement_size_text = "1MiB";
  bool quiet = false;
  std::string progress = "auto";
  bool no_fsync = false;
  CLI::App* app = nullptr;

  void Register(CLI::App* parent);
  Status Run(const mysql::PasswordArg& password, ErrorCollector* errors);
};

struct VerifyCommand {
  std::string path;
  verify::VerifyOptions options;
  bool quiet = false;
  CLI::App* app = nullptr;

  void Register(CLI::App* parent);
  Status Run();
};

struct RestoreCommand {
  restore::RestoreOptions options;
  ConnectionFlags connection;
  std::vector<std::string> renames;
  std::string defer_indexes = "auto";
  std::string load_method = "load-data";
  std::string progress = "auto";
  bool list = false;
  bool quiet = false;
  CLI::App* app = nullptr;

  void Register(CLI::App* parent);
  Status Run(const mysql::PasswordArg& password, ErrorCollector* errors);

 private:
  Status Parse();
  void PrintReport(const restore::RestoreReport& report) const;
};

// mysqldump mode: `myvault mysqldump ARGS`, or myvault started as `mysqldump`/`mariadb-dump`
// (IsMysqldumpName of argv[0]). Parses mysqldump's command line (not CLI11's), runs the dump,
// prints the error if any, and returns the exit code.
bool IsMysqldumpName(std::string_view program);
int RunMysqldumpCommand(const std::string& program, const std::vector<std::string>& args,
                        const mysql::PasswordArg& password, ErrorCollector* errors);

}  // namespace myvault::cli
