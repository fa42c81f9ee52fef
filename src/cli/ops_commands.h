// The read-mostly operations commands: prune, list, status, monitor (issue 5). Each is an options
// struct, a Register that adds its subcommand and flags, and a Run that main() calls once.
// Directory and retention flags come from ops_flags.h, with the seed's environment names.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>

#include "myvault/common/cancel.h"
#include "myvault/ops/health.h"
#include "myvault/status.h"
#include "ops_flags.h"

namespace myvault::cli {

// `myvault prune`: applies the retention policy under the directory lock (busy: kLockTimeout).
// Never removes the backup the latest link names. Stops at the first removal that fails (kIo).
struct PruneCommand {
  BackupDirFlags dir;
  RetentionFlags retention;
  bool dry_run = false;
  bool json = false;
  CLI::App* app = nullptr;

  void Register(CLI::App* parent);
  Status Run();
};

// `myvault list`: one row per backup, newest first, with its retention classes and checksum
// state. Read-only: takes no lock.
struct ListCommand {
  BackupDirFlags dir;
  RetentionFlags retention;
  bool json = false;
  bool check = false;  // recompute each SHA-256
  CLI::App* app = nullptr;

  void Register(CLI::App* parent);
  Status Run(ErrorCollector* errors);
  Status PrintWindows() const;
};

// --max-age (BACKUP_MAX_AGE), --max-drill-age (BACKUP_MAX_DRILL_AGE), --metrics-file
// (BACKUP_METRICS_FILE), --no-checksum: shared by status and monitor.
struct HealthFlags {
  BackupDirFlags dir;
  RetentionFlags retention;
  std::string max_age_text = "7h";
  std::string max_drill_age_text;  // empty: a drill's age does not count
  std::string max_binlog_lag_text = "5m";
  std::string metrics_file;
  bool no_checksum = false;

  void Register(CLI::App* app);
  // Parses --max-age and --max-drill-age and checks the directory flags.
  Status Validate(int64_t* max_age_s, int64_t* max_drill_age_s) const;
  ops::InspectOptions Options(int64_t max_age_s, int64_t max_drill_age_s) const;
  // Adds the binlog archive of the directory, if any (ops::EvaluateBinlog with --max-binlog-lag).
  Status AddBinlog(int64_t now, ops::HealthReport* report) const;
  // Writes RenderPrometheus(report) to --metrics-file (0644, atomically) when one is given.
  Status WriteMetrics(const ops::HealthReport& report) const;
};

// `myvault status`: exit 0 healthy, 9 stale or no backup, 7 the newest fails its .sha256.
// Writes nothing in the directory (the monitor mounts it read-only) except --metrics-file.
struct StatusCommand {
  HealthFlags health;
  bool json = false;
  bool quiet = false;
  bool notify = false;
  CLI::App* app = nullptr;

  void Register(CLI::App* parent);
  Status Run(ErrorCollector* errors);
};

// `myvault monitor`: status every --every, one log line per check, a Slack message when the state
// turns unhealthy (or is unhealthy at start; with no backup yet, only after the first slot of
// --schedule) and when it recovers, a reminder every --remind-every while it stays unhealthy. A
// failed post is retried with backoff, and an alert never delivered is tried again at the next
// check. Returns Ok on SIGTERM/SIGINT.
struct MonitorCommand {
  HealthFlags health;
  std::string every_text = "1h";
  std::string remind_text = "6h";
  std::string schedule = "0 */6 * * *";
  CLI::App* app = nullptr;

  void Register(CLI::App* parent);
  Status Run(ErrorCollector* errors);
};

}  // namespace myvault::cli
