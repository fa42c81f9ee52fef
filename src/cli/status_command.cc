// `myvault status`: the health of a backup directory, as an exit code, a report and metrics.
#include <cstdio>
#include <ctime>
#include <string>

#include "myvault/binlog/window.h"
#include "myvault/common/progress.h"
#include "myvault/ops/cron.h"
#include "myvault/ops/health.h"
#include "ops_commands.h"

namespace myvault::cli {
namespace {

void PrintReport(const ops::HealthReport& r) {
  if (!r.healthy) {
    std::printf("UNHEALTHY: %s\n", r.problem.c_str());
  } else {
    std::printf("healthy: newest %s%s, %s old (max %s), %s%s\n", r.newest->backup.name.c_str(),
                r.newest->plain ? " (plain mysqldump)" : "", ops::FormatAge(r.newest_age_s).c_str(),
                ops::FormatDuration(r.max_age_s).c_str(),
                ProgressReporter::HumanBytes(static_cast<double>(r.newest->size)).c_str(),
                r.sha256_checked ? ", .sha256 OK" : "");
  }
  std::printf(
      "backups: %zu (%zu auto, %zu manual, %zu partial%s), %s; retained daily %zu, weekly %zu, "
      "monthly %zu\n",
      r.total, r.auto_count, r.manual_count, r.partial_count,
      r.plain_count > 0 ? (", " + std::to_string(r.plain_count) + " plain mysqldump").c_str() : "",
      ProgressReporter::HumanBytes(static_cast<double>(r.total_bytes)).c_str(), r.daily, r.weekly,
      r.monthly);
  if (r.binlog) {
    std::printf("binlog archive: %s behind (--max-binlog-lag %s)%s\n",
                ops::FormatAge(r.binlog_lag_s).c_str(),
                ops::FormatDuration(r.max_binlog_lag_s).c_str(),
                r.binlog->gap.empty() ? "" : (", GAP: " + r.binlog->gap).c_str());
  }
  if (r.drill) {
    std::printf("last drill: %s %s ago: %s\n", r.drill->ok ? "OK" : "FAILED",
                ops::FormatAge(r.drill_age_s).c_str(), ops::DrillDetail(*r.drill).c_str());
  }
  if (!r.latest_target) {
    std::printf("latest: no link\n");
  } else {
    std::printf("latest: %s%s\n", r.latest_target->c_str(),
                r.latest_ok ? "" : " (NOT the newest backup)");
  }
}

}  // namespace

void HealthFlags::Register(CLI::App* app) {
  dir.Register(app);
  retention.Register(app);
  app->add_option("--max-age", max_age_text,
                  "Unhealthy when the newest backup is older than this (6h, 1h30m, 2d; env "
                  "BACKUP_MAX_AGE)")
      ->envname("BACKUP_MAX_AGE")
      ->capture_default_str();
  app->add_option("--max-drill-age", max_drill_age_text,
                  "Unhealthy when no restore drill is recorded or the last one is older than "
                  "this (32d; env BACKUP_MAX_DRILL_AGE; default: only a failed last drill counts)")
      ->envname("BACKUP_MAX_DRILL_AGE");
  app->add_option("--max-binlog-lag", max_binlog_lag_text,
                  "Unhealthy when the binlog archive (myvault binlog) is further behind than "
                  "this, or has a gap after the newest backup (env BACKUP_MAX_BINLOG_LAG)")
      ->envname("BACKUP_MAX_BINLOG_LAG")
      ->capture_default_str();
  app->add_option("--metrics-file", metrics_file,
                  "Write Prometheus textfile-collector metrics to this file (env "
                  "BACKUP_METRICS_FILE)")
      ->envname("BACKUP_METRICS_FILE");
  app->add_flag("--no-checksum", no_checksum,
                "Do not recompute the newest backup's SHA-256 against its .sha256");
}

Status HealthFlags::Validate(int64_t* max_age_s, int64_t* max_drill_age_s) const {
  RETURN_IF_ERROR(dir.Validate());
  RETURN_IF_ERROR(retention.policy.Validate());
  auto age = ops::ParseDuration(max_age_text);
  if (!age.ok()) return DurationError("--max-age", "BACKUP_MAX_AGE", age.status());
  *max_age_s = *age;
  auto lag = ops::ParseDuration(max_binlog_lag_text);
  if (!lag.ok()) return DurationError("--max-binlog-lag", "BACKUP_MAX_BINLOG_LAG", lag.status());
  *max_drill_age_s = 0;
  if (max_drill_age_text.empty()) return Status::Ok();
  auto drill_age = ops::ParseDuration(max_drill_age_text);
  if (!drill_age.ok()) {
    return DurationError("--max-drill-age", "BACKUP_MAX_DRILL_AGE", drill_age.status());
  }
  *max_drill_age_s = *drill_age;
  return Status::Ok();
}

ops::InspectOptions HealthFlags::Options(int64_t max_age_s, int64_t max_drill_age_s) const {
  ops::InspectOptions o;
  o.dir = dir.dir;
  o.prefix = dir.prefix;
  o.max_age_s = max_age_s;
  o.policy = retention.policy;
  o.checksum = !no_checksum;
  o.max_drill_age_s = max_drill_age_s;
  return o;
}

Status HealthFlags::AddBinlog(int64_t now, ops::HealthReport* report) const {
  ASSIGN_OR_RETURN(int64_t max_lag_s, ops::ParseDuration(max_binlog_lag_text));
  ASSIGN_OR_RETURN(std::optional<ops::BinlogArchiveHealth> binlog,
                   binlog::InspectArchive(dir.dir, dir.prefix));
  ops::EvaluateBinlog(binlog, now, max_lag_s, report);
  return Status::Ok();
}

Status HealthFlags::WriteMetrics(const ops::HealthReport& report) const {
  if (metrics_file.empty()) return Status::Ok();
  return ops::WriteFileAtomically(metrics_file, ops::RenderPrometheus(report, std::nullopt), 0644);
}

void StatusCommand::Register(CLI::App* parent) {
  app = parent->add_subcommand("status", "Health of the backup directory (exit 0, 7 or 9)");
  app->set_help_flag("--help", "Show this help");
  health.Register(app);
  app->add_flag("--json", json, "Print the report as JSON");
  app->add_flag("-q,--quiet", quiet, "Print nothing; the exit code tells");
  app->add_flag("--notify", notify,
                "When unhealthy and NOTIFY_SLACK=true, post it to Slack (for a status run from "
                "cron; `monitor` notifies by itself)");
}

Status StatusCommand::Run(ErrorCollector* errors) {
  int64_t max_age_s = 0;
  int64_t max_drill_age_s = 0;
  RETURN_IF_ERROR(health.Validate(&max_age_s, &max_drill_age_s));
  ops::NotifyConfig slack;
  if (notify) {
    ASSIGN_OR_RETURN(slack, NotifyConfigFromProcess());
  }
  const int64_t now = std::time(nullptr);
  ASSIGN_OR_RETURN(ops::HealthReport report,
                   ops::InspectBackupDir(health.Options(max_age_s, max_drill_age_s), now, errors));
  RETURN_IF_ERROR(health.AddBinlog(now, &report));
  RETURN_IF_ERROR(health.WriteMetrics(report));
  if (!report.healthy && ops::Notifier(slack).enabled()) {
    const Status sent = ops::Notifier(slack).Send(
        ops::StaleText(StackLabelFromEnvironment(health.dir.prefix), report.problem), errors);
    if (!sent.ok())
      std::fprintf(stderr, "myvault: warning: notification not sent: %s\n", sent.message().c_str());
  }
  if (json) {
    std::printf("%s\n", ops::RenderHealthJson(report).c_str());
  } else if (!quiet) {
    PrintReport(report);
  }
  return ops::HealthStatus(report);
}

}  // namespace myvault::cli
