// Flags shared by the operations commands (backup, daemon, prune, list, status, monitor, drill):
// the backup directory and prefix, the retention policy, and the notifier. Each flag also reads
// the environment variable of the seed's .env (CLI11 envname); a flag given wins over it.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

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

// NOTIFY_SLACK and SLACK_WEBHOOK_URL from the process environment (never from a flag: a URL on
// the command line shows in ps).
Result<ops::NotifyConfig> NotifyConfigFromProcess();

// The name messages use for the database server: the host given, or "localhost".
std::string HostLabel(const std::string& host);
// HostLabel of DB_HOST, for the commands that do not connect (status, monitor).
std::string HostLabelFromEnvironment();

}  // namespace myvault::cli
