#include "daemon_drill.h"

#include <ctime>

namespace myvault::ops {
namespace {

void Log(const LogFn& log, const std::string& line) {
  if (log) log(line);
}

Status RefuseSource(const DaemonOptions& o) {
  const mysql::ConnectionOptions& c = o.drill.connection;
  const std::string where = !c.socket.empty() ? c.socket
                            : c.host.empty()
                                ? std::string("localhost")
                                : c.host + (c.port ? ":" + std::to_string(c.port) : "");
  return InvalidArgument("the drill target (" + where +
                         ") is the server the backups come from; a drill there needs "
                         "--drill-on-source (or DRILL_ON_SOURCE=true)");
}

// kInvalidArgument when the drill would go into the backups' server without leave; the
// connection errors of the check as they are.
Status CheckTarget(const DaemonOptions& o) {
  if (o.drill_on_source) return Status::Ok();
  ASSIGN_OR_RETURN(const bool same, SameServer(o.backup.dump.connection, o.drill.connection));
  return same ? RefuseSource(o) : Status::Ok();
}

DrillOptions Drill(const DaemonOptions& o) {
  DrillOptions d = o.drill;
  d.dir = o.backup.dir;
  d.prefix = o.backup.prefix;
  d.file.clear();
  d.progress = ProgressMode::kQuiet;
  return d;
}

}  // namespace

Status CheckDrillTargetAtStart(const DaemonOptions& o, const LogFn& log) {
  RETURN_IF_ERROR(Drill(o).Validate());
  const Status st = CheckTarget(o);
  if (st.ok() || st.code() == StatusCode::kInvalidArgument) return st;
  Log(log, "cannot check the drill target now (" + st.message() +
               "): it is checked again before each drill");
  return Status::Ok();
}

void RunScheduledDrill(const DaemonOptions& o, const std::optional<LastRun>& last_run,
                       ErrorCollector* errors, const LogFn& log) {
  Log(log, "restore drill starting");
  ErrorCollector run(errors);  // a failed drill must not stop the daemon; a signal stops both
  DrillReport report;
  Status st = CheckTarget(o);
  if (st.ok()) st = RunDrill(Drill(o), &run, &report);
  if (errors->cancelled()) {
    Log(log, "restore drill cancelled: " + st.message());
    return;
  }
  const DrillState state = DrillStateOf(report, st, static_cast<int64_t>(std::time(nullptr)));
  Log(log,
      std::string(st.ok() ? "restore drill OK: " : "restore drill FAILED: ") + DrillDetail(state));
  const Status recorded = RecordDrill(o.backup.dir, o.backup.prefix, state);
  if (!recorded.ok()) Log(log, "drill result not recorded: " + recorded.message());
  const Notifier notifier(o.backup.notify);
  const Status sent =
      notifier.SendWithRetry(DrillText(o.backup.host_label, st.ok(), DrillDetail(state)), errors);
  if (!sent.ok()) Log(log, "drill notification not sent: " + sent.message());
  WriteBackupMetrics(o.backup, last_run, log);
}

}  // namespace myvault::ops
