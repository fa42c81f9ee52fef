// Flags shared by the operations commands (backup, daemon, prune, list, status, monitor, drill):
// the backup directory and prefix, the retention policy, and the notifier. Each flag also reads
// the environment variable of the seed's .env (CLI11 envname); a flag given wins over it.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdio>
#include <string>

#include "myvault/mysql/options.h"
#include "myvault/ops/notify.h"
#include "myvault/ops/retention.h"
#include "myvault/status.h"

namespace myvault::cli {

// --dir (BACKUP_DIR, required one way or the other) and --prefix (BACKUP_PREFIX).
struct BackupDirFlags {
  std::string dir;
  std::string prefix = "myvault";

  void Register(CLI::App* app);
  // InvalidArgument when no directory is named or the prefix is not a valid file-name prefix.
  Status Validate() const;
};

// --daily (DAILY_RETENTION), --weekly (WEEKLY_RETENTION), --monthly (MONTHLY_RETENTION),
// --manual-days (MANUAL_RETENTION_DAYS; default: manual backups are kept).
struct RetentionFlags {
  ops::RetentionPolicy policy;

  void Register(CLI::App* app);
};

// A check for a whole-number option 0..max that also reads environment variable `env`: its
// message names both and says what is wanted ("'abc' is not a whole number from 0 to 100000
// (--daily or DAILY_RETENTION)"), unlike CLI11's own, which prints a double's range.
CLI::Validator WholeNumber(int max, const std::string& flag, const std::string& env);

// "--max-age: bad duration 'x' (--max-age or BACKUP_MAX_AGE: a count and a unit, ...)".
Status DurationError(const std::string& flag, const std::string& env, const Status& parsed);

// NOTIFY_SLACK and SLACK_WEBHOOK_URL from the process environment (never from a flag: a URL on
// the command line shows in ps).
Result<ops::NotifyConfig> NotifyConfigFromProcess();

// The name messages use for the database server: the host given, or "localhost".
std::string HostLabel(const std::string& host);
// HostLabel of DB_HOST, for the commands that do not connect (status, monitor).
std::string HostLabelFromEnvironment();
// The name of the stack in messages: BACKUP_LABEL when set, else "PREFIX@HOST".
std::string StackLabel(const mysql::Environment& env, const std::string& prefix,
                       const std::string& host_label);
// StackLabel with the process environment and HostLabelFromEnvironment.
std::string StackLabelFromEnvironment(const std::string& prefix);

// "2026-11-26T06:00:00Z message": one line per event, flushed, for `docker logs`.
void StampedLine(FILE* out, const std::string& line);

}  // namespace myvault::cli
