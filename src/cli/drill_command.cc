#include "drill_command.h"

#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <ctime>

#include "myvault/common/json.h"
#include "myvault/common/progress.h"
#include "myvault/ops/notify.h"

namespace myvault::cli {
namespace {

std::string BaseName(const std::string& path) { return path.substr(path.rfind('/') + 1); }

std::string DrillJson(const ops::DrillReport& r, const Status& status) {
  const Json json = {{"file", r.file.empty() ? Json(nullptr) : Json(r.file)},
                     {"ok", status.ok()},
                     {"rto_seconds", std::round(r.rto_seconds * 1000) / 1000},
                     {"rpo_seconds", std::llround(r.rpo_seconds)},
                     {"tables", r.tables},
                     {"rows", r.rows},
                     {"databases", r.databases},
                     {"problem", status.ok() ? Json(nullptr) : Json(status.message())}};
  return JsonText(json);
}

// What the notification says after "restore drill succeeded/FAILED on HOST: ".
std::string NotifyDetail(const ops::DrillReport& r, const Status& status) {
  const std::string summary = DrillSummary(r, status);
  if (status.ok()) return summary.substr(summary.find(": ") + 2);
  return (r.file.empty() ? "" : BaseName(r.file) + ": ") + status.message();
}

// A drill of a backup directory's latest backup counts for `status --max-drill-age` like a
// scheduled one; a drill of a named --file, or one a signal cut short, records nothing.
void RecordManualDrill(const ops::DrillOptions& options, const ops::DrillReport& report,
                       const Status& status, const ErrorCollector* errors) {
  if (!options.file.empty() || errors->cancelled()) return;
  const ops::DrillState state =
      ops::DrillStateOf(report, status, static_cast<int64_t>(std::time(nullptr)));
  const Status recorded = ops::RecordDrill(options.dir, options.prefix, state);
  if (!recorded.ok()) {
    std::fprintf(stderr, "myvault: warning: drill result not recorded: %s\n",
                 recorded.message().c_str());
  }
}

}  // namespace

std::string FormatAge(double seconds) {
  const int64_t s = seconds > 0 ? static_cast<int64_t>(seconds) : 0;
  char buf[48];
  if (s >= 86400) {
    std::snprintf(buf, sizeof buf, "%" PRId64 "d%" PRId64 "h", s / 86400, s % 86400 / 3600);
  } else if (s >= 3600) {
    std::snprintf(buf, sizeof buf, "%" PRId64 "h%" PRId64 "m", s / 3600, s % 3600 / 60);
  } else if (s >= 60) {
    std::snprintf(buf, sizeof buf, "%" PRId64 "m%" PRId64 "s", s / 60, s % 60);
  } else {
    std::snprintf(buf, sizeof buf, "%" PRId64 "s", s);
  }
  return buf;
}

// ", then 12 transactions of binlog replayed to --until ... (last applied: GTID at TIME UTC)".
static std::string PointInTimeText(const ops::DrillReport& r) {
  if (!r.point_in_time) return "";
  return ", then " + ProgressReporter::GroupThousands(r.replayed) +
         " transactions of binlog replayed to " + r.until + " (last applied: " +
         (r.last_applied.empty() ? "none, the backup is at the target" : r.last_applied) + ")";
}

std::string DrillSummary(const ops::DrillReport& r, const Status& status) {
  if (!status.ok()) return "drill FAILED: " + status.message();
  std::string into;
  for (const auto& d : r.databases) into += (into.empty() ? "" : ", ") + d;
  char rto[32];
  std::snprintf(rto, sizeof rto, "%.1f s", r.rto_seconds);
  return "drill OK: " + BaseName(r.file) + " (" +
         ProgressReporter::HumanBytes(static_cast<double>(r.file_size)) + ") restored into " +
         (into.empty() ? "nothing (no database in the archive)" : into) + " in " + rto +
         " (RTO), backup age " + FormatAge(r.rpo_seconds) + " (RPO), " +
         ProgressReporter::GroupThousands(r.tables) + " tables, " +
         ProgressReporter::GroupThousands(r.rows) + " rows checked" + PointInTimeText(r) +
         (r.restore_started && !r.dropped ? ", scratch copies kept" : "");
}

void DrillCommand::Register(CLI::App* parent) {
  app = parent->add_subcommand(
      "drill", "Restore drill: restore the latest backup under scratch names, check, time, drop");
  app->set_help_flag("--help", "Show this help");
  dir.Register(app);
  app->add_option("--file", options.file, "Drill this archive instead of the latest backup");
  connection.Register(app);
  app->add_option("--suffix", options.suffix,
                  "Scratch database name = archive database name + this suffix")
      ->capture_default_str();
  app->add_option("-t,--threads", options.threads, "Restore connections")->capture_default_str();
  app->add_flag("--keep", options.keep, "Leave the scratch databases on the server");
  app->add_option("--until", until,
                  "Point in time: drill what restore --until TIME would restore (the newest "
                  "backup before TIME, then the archived binlog up to TIME), under the scratch "
                  "names");
  app->add_option("--until-gtid", until_gtid,
                  "Point in time: as --until, stopping before the transaction with this GTID");
  app->add_option("--until-position", until_position,
                  "Point in time: as --until, stopping at binlog FILE:POSITION");
  app->add_flag("--json", json, "Print the result as one JSON object");
  app->add_flag("-q,--quiet", quiet, "Print errors only");
  app->add_option("--progress", progress, "Restore progress: auto, bar, lines or none")
      ->capture_default_str();
  decrypt.Register(app);
}

Status DrillCommand::Run(const mysql::PasswordArg& password, ErrorCollector* errors) {
  options.dir = dir.dir;
  options.prefix = dir.prefix;
  ASSIGN_OR_RETURN(options.progress, ParseProgressMode(progress, quiet));
  ASSIGN_OR_RETURN(options.identity, decrypt.Load());
  if (!until.empty() || !until_gtid.empty() || !until_position.empty()) {
    ASSIGN_OR_RETURN(options.until, binlog::ParseTarget(until, until_gtid, until_position));
  }
  RETURN_IF_ERROR(options.Validate());
  ASSIGN_OR_RETURN(ops::NotifyConfig notify_config, NotifyConfigFromProcess());
  ASSIGN_OR_RETURN(options.connection, connection.Resolve(password));

  ops::DrillReport report;
  Status st = ops::RunDrill(options, errors, &report);
  if (json) {
    std::printf("%s\n", DrillJson(report, st).c_str());
  } else if (!quiet) {
    std::printf("%s\n", DrillSummary(report, st).c_str());
  }
  std::fflush(stdout);
  RecordManualDrill(options, report, st, errors);
  const ops::Notifier notifier(notify_config);
  const std::string host = HostLabel(options.connection.host);
  const Status sent =
      notifier.Send(ops::DrillText(host, st.ok(), NotifyDetail(report, st)), errors);
  if (!sent.ok()) {
    std::fprintf(stderr, "myvault: warning: drill notification not sent: %s\n",
                 sent.message().c_str());
  }
  return st;
}

}  // namespace myvault::cli
