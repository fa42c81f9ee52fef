// The subcommands: each an options struct, a function that registers its flags, and a Run.
#pragma once

#include <CLI/CLI.hpp>

#include "crypto_flags.h"
#include "drill_target.h"
#include "flags.h"
#include "myvault/binlog/archiver.h"
#include "myvault/common/cancel.h"
#include "myvault/dump/dumper.h"
#include "myvault/ops/backup.h"
#include "myvault/restore/restorer.h"
#include "myvault/storage/store.h"
#include "myvault/verify/verify.h"
#include "ops_flags.h"

namespace myvault::cli {

// What to dump and how: every flag of `myvault dump` but --output, shared with backup and daemon.
struct DumpFlags {
  dump::DumpOptions options;
  ConnectionFlags connection;
  std::string chunk_size_text = "1MiB", statement_size_text = "1MiB";
  bool quiet = false;
  std::string progress = "auto";
  std::string snapshot_method = "auto";
  bool no_fsync = false;
  EncryptFlags encrypt;

  void Register(CLI::App* app);
  // The options with sizes parsed, the connection resolved (flags > option files > environment)
  // and DB_DATABASE applied; `output` is left to the caller.
  Result<dump::DumpOptions> Build(const mysql::PasswordArg& password);
};

struct DumpCommand {
  DumpFlags flags;
  std::string output;
  CLI::App* app = nullptr;

  void Register(CLI::App* parent);
  Status Run(const mysql::PasswordArg& password, ErrorCollector* errors);
};

struct VerifyCommand {
  std::string path;
  verify::VerifyOptions options;
  DecryptFlags decrypt;
  bool quiet = false;
  CLI::App* app = nullptr;

  void Register(CLI::App* parent);
  Status Run(const ErrorCollector* errors);
};

struct RestoreCommand {
  restore::RestoreOptions options;
  ConnectionFlags connection;
  std::vector<std::string> renames;
  std::string defer_indexes = "auto";
  std::string load_method = "auto";
  std::string progress = "auto";
  bool list = false;
  bool estimate = false;  // --list --estimate: the calibrated RTO
  bool quiet = false;
  bool enable_binlog = false;
  bool skip_binlog = false;
  std::string users;  // --users ("create"), --users=replace
  DecryptFlags decrypt;
  // Point-in-time restore: the newest fitting backup of --dir, then the archived binlog up to
  // (not including) the target.
  BackupDirFlags dir;
  std::string until, until_gtid, until_position;
  std::string replay_timeout = "24h";
  CLI::App* app = nullptr;

  void Register(CLI::App* parent);
  Status Run(const mysql::PasswordArg& password, ErrorCollector* errors);

 private:
  Status Parse();
  bool PointInTime() const {
    return !until.empty() || !until_gtid.empty() || !until_position.empty();
  }
  Status RunPointInTime(ErrorCollector* errors);
  void PrintReport(const restore::RestoreReport& report) const;
};

// `myvault backup`: one cycle (dump, verify, offsite copy, latest, prune, notify) into --dir.
struct BackupFlags {
  DumpFlags dump;
  BackupDirFlags dir;
  RetentionFlags retention;
  bool no_prune = false;
  ops::OffsiteOptions offsite;
  std::string copy_timeout = "1h";  // parsed into offsite.timeout_s by Build
  std::string metrics_file;

  void Register(CLI::App* app);
  Result<ops::BackupOptions> Build(const mysql::PasswordArg& password);
};

struct BackupCommand {
  BackupFlags flags;
  std::string kind = "auto";
  CLI::App* app = nullptr;

  void Register(CLI::App* parent);
  Status Run(const mysql::PasswordArg& password, ErrorCollector* errors);
};

// The archiver's own flags, shared by `myvault binlog` and `daemon --binlog`.
struct BinlogFlags {
  double flush_every_s = 1;
  uint32_t server_id = 0;

  void Register(CLI::App* app);
  // The archiver's options for `dir` over `connection`, logging to stdout and alerting Slack.
  Result<binlog::ArchiverOptions> Build(const std::string& dir, const std::string& prefix,
                                        const mysql::ConnectionOptions& connection) const;
};

// `myvault binlog`: archive the server's binary log into --dir until SIGTERM.
struct BinlogCommand {
  ConnectionFlags connection;
  BackupDirFlags dir;
  BinlogFlags flags;
  CLI::App* app = nullptr;

  void Register(CLI::App* parent);
  Status Run(const mysql::PasswordArg& password, ErrorCollector* errors);
};

// `myvault daemon`: backups (and, with --drill-schedule, restore drills) on a schedule until
// SIGTERM; logs to stdout.
struct DaemonCommand {
  BackupFlags flags;
  DrillTargetFlags drill;
  DecryptFlags decrypt;  // for the drills; --passphrase-file is the backups' (flags.dump)
  bool binlog = false;   // also run the binlog archiver (BinlogFlags) beside the schedule
  BinlogFlags binlog_flags;
  std::string schedule = "0 */6 * * *";
  bool no_catch_up = false;
  CLI::App* app = nullptr;

  void Register(CLI::App* parent);
  Status Run(const mysql::PasswordArg& password, ErrorCollector* errors);
};

// mysqldump mode: `myvault mysqldump ARGS`, or myvault started as `mysqldump`/`mariadb-dump`
// (IsMysqldumpName of argv[0]). Parses mysqldump's command line (not CLI11's), runs the dump,
// prints the error if any, and returns the exit code.
bool IsMysqldumpName(std::string_view program);
int RunMysqldumpCommand(const std::string& program, const std::vector<std::string>& args,
                        const mysql::PasswordArg& password, ErrorCollector* errors);

}  // namespace myvault::cli
