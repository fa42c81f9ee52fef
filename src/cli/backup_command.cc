#include <cstdio>
#include <ctime>
#include <thread>

#include "commands.h"
#include "myvault/ops/cron.h"

namespace myvault::cli {

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
  app->add_flag("--binlog", binlog,
                "Also archive the binary log into --dir, as `myvault binlog` does (env "
                "BACKUP_BINLOG)")
      ->envname("BACKUP_BINLOG");
  binlog_flags.Register(app);
  drill.Register(app);
  flags.Register(app);
  decrypt.Register(app, false);
}

Status DaemonCommand::Run(const mysql::PasswordArg& password, ErrorCollector* errors) {
  if (flags.dump.progress == "auto") flags.dump.progress = "none";  // logs, not a bar
  ops::DaemonOptions o;
  ASSIGN_OR_RETURN(o.backup, flags.Build(password));
  o.schedule = schedule;
  o.catch_up = !no_catch_up;
  RETURN_IF_ERROR(drill.Build(flags.dump.connection, mysql::Environment::FromProcess(), &o));
  ASSIGN_OR_RETURN(o.drill.identity, decrypt.Load());
  o.drill.identity.passphrase = o.backup.dump.passphrase;
  const ops::LogFn log = [](const std::string& line) { StampedLine(stdout, line); };
  if (!binlog) return ops::RunDaemon(o, errors, log);
  ASSIGN_OR_RETURN(binlog::ArchiverOptions archiver,
                   binlog_flags.Build(o.backup.dir, o.backup.prefix, o.backup.dump.connection));
  // The archiver runs beside the schedule until the signal; its failure (a requirement the
  // server does not meet) is logged and alerted, and the backups go on. A child collector: its
  // errors never cancel the daemon.
  ErrorCollector archiver_errors(errors);
  std::thread thread([&] {
    const Status st = binlog::RunArchiver(archiver, &archiver_errors);
    if (!st.ok()) {
      archiver.log("archiver stopped: " + st.message());
      if (archiver.alert) archiver.alert("binlog archiver stopped: " + st.message());
    }
  });
  const Status st = ops::RunDaemon(o, errors, log);
  archiver_errors.Report(Cancelled("daemon stopped"));
  thread.join();
  return st;
}

}  // namespace myvault::cli
