#include <cstdio>
#include <ctime>

#include "commands.h"
#include "myvault/ops/cron.h"

namespace myvault::cli {
namespace {

// "2026-11-26T06:00:00Z message": one line per event, flushed, for `docker logs`.
void StampedLine(FILE* out, const std::string& line) {
  const time_t now = std::time(nullptr);
  struct tm tm {};
  gmtime_r(&now, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
  std::fprintf(out, "%s %s\n", stamp, line.c_str());
  std::fflush(out);
}

}  // namespace

void BackupFlags::Register(CLI::App* app) {
  dir.Register(app);
  retention.Register(app);
  app->add_flag("--no-prune", no_prune, "Do not apply retention after the backup");
  app->add_option("--copy-to", offsite.copy_to,
                  "Copy each verified backup into this directory or s3://BUCKET/PREFIX (env "
                  "BACKUP_COPY_TO)")
      ->envname("BACKUP_COPY_TO");
  app->add_option("--copy-command", offsite.copy_command,
                  "Run this shell command on each verified backup; {file} and {name} are "
                  "replaced (env BACKUP_COPY_COMMAND)")
      ->envname("BACKUP_COPY_COMMAND");
  app->add_option("--copy-timeout", copy_timeout,
                  "Stop an offsite copy (--copy-to, --copy-command: each) that takes longer than "
                  "this (30m, 1h30m, 10s; env BACKUP_COPY_TIMEOUT)")
      ->envname("BACKUP_COPY_TIMEOUT")
      ->capture_default_str();
  app->add_option("--metrics-file", metrics_file,
                  "Write Prometheus textfile metrics here after each backup (env "
                  "BACKUP_METRICS_FILE)")
      ->envname("BACKUP_METRICS_FILE");
  dump.Register(app);
}

Result<ops::BackupOptions> BackupFlags::Build(const mysql::PasswordArg& password) {
  RETURN_IF_ERROR(dir.Validate());
  RETURN_IF_ERROR(retention.policy.Validate());
  ops::BackupOptions o;
  ASSIGN_OR_RETURN(o.dump, dump.Build(password));
  o.dir = dir.dir;
  o.prefix = dir.prefix;
  o.retention = retention.policy;
  o.prune = !no_prune;
  o.offsite = offsite;
  Result<int64_t> timeout = ops::ParseDuration(copy_timeout);
  if (!timeout.ok())
    return DurationError("--copy-timeout", "BACKUP_COPY_TIMEOUT", timeout.status());
  o.offsite.timeout_s = *timeout;
  o.metrics_file = metrics_file;
  ASSIGN_OR_RETURN(o.notify, NotifyConfigFromProcess());
  o.host_label =
      StackLabel(mysql::Environment::FromProcess(), o.prefix, HostLabel(o.dump.connection.host));
  return o;
}

void BackupCommand::Register(CLI::App* parent) {
  app = parent->add_subcommand(
      "backup", "One backup into --dir: dump, verify, latest link, retention, notification");
  app->set_help_flag("--help", "Show this help");
  app->add_option("--kind", kind, "auto (joins the retention classes) or manual (kept)")
      ->capture_default_str();
  flags.Register(app);
}

Status BackupCommand::Run(const mysql::PasswordArg& password, ErrorCollector* errors) {
  ASSIGN_OR_RETURN(ops::BackupOptions o, flags.Build(password));
  ASSIGN_OR_RETURN(o.kind, ops::ParseBackupKind(kind));
  const bool quiet = flags.dump.quiet;
  ops::BackupReport report;
  return ops::RunBackup(o, errors, &report, [quiet](const std::string& line) {
    if (!quiet) std::fprintf(stderr, "myvault: %s\n", line.c_str());
  });
}

void DaemonCommand::Register(CLI::App* parent) {
  app = parent->add_subcommand("daemon", "Run backups on a schedule until SIGTERM; logs to stdout");
  app->set_help_flag("--help", "Show this help");
  app->add_option("--schedule", schedule,
                  "5-field cron (UTC), @daily-style macro or '@every 6h' (env BACKUP_SCHEDULE)")
      ->envname("BACKUP_SCHEDULE")
      ->capture_default_str();
  app->add_flag("--no-catch-up", no_catch_up,
                "At start, do not take the one backup a missed slot calls for");
  drill.Register(app);
  flags.Register(app);
}

Status DaemonCommand::Run(const mysql::PasswordArg& password, ErrorCollector* errors) {
  if (flags.dump.progress == "auto") flags.dump.progress = "none";  // logs, not a bar
  ops::DaemonOptions o;
  ASSIGN_OR_RETURN(o.backup, flags.Build(password));
  o.schedule = schedule;
  o.catch_up = !no_catch_up;
  RETURN_IF_ERROR(drill.Build(flags.dump.connection, mysql::Environment::FromProcess(), &o));
  return ops::RunDaemon(o, errors, [](const std::string& line) { StampedLine(stdout, line); });
}

}  // namespace myvault::cli
