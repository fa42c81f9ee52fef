// RunDaemon: the scheduler loop of `myvault daemon` (see backup.h).
#include <chrono>
#include <ctime>
#include <thread>

#include "daemon_drill.h"
#include "myvault/ops/backup.h"
#include "myvault/ops/cron.h"

namespace myvault::ops {
namespace {

int64_t Now() { return static_cast<int64_t>(std::time(nullptr)); }

std::string UtcText(int64_t t) {
  const time_t tt = static_cast<time_t>(t);
  struct tm tm {};
  gmtime_r(&tt, &tm);
  char buf[40];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S UTC", &tm);
  return buf;
}

enum class Wake { kSlot, kCancelled, kClockBack };

// Sleeps in short steps until the wall clock reaches `slot`. A clock set back by more than a few
// seconds ends the wait early, so that the caller computes the next slot again from the new time.
Wake SleepUntil(int64_t slot, const ErrorCollector* errors) {
  int64_t last = Now();
  while (true) {
    if (errors->cancelled()) return Wake::kCancelled;
    const int64_t now = Now();
    if (now >= slot) return Wake::kSlot;
    if (now < last - 5) return Wake::kClockBack;
    last = now;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

// The catch-up decision at start: is there a slot between the newest auto backup and now?
Result<bool> SlotMissed(const DaemonOptions& o, const Schedule& schedule, const LogFn& log) {
  ASSIGN_OR_RETURN(std::vector<BackupFile> files, ListBackups(o.backup.dir, o.backup.prefix));
  const BackupFile* newest = nullptr;
  for (const BackupFile& f : files) {
    if (f.backup.kind == BackupKind::kAuto) newest = &f;  // oldest first
  }
  if (newest == nullptr) {
    if (log) log("no automatic backup in " + o.backup.dir + " yet: taking one now");
    return true;
  }
  std::optional<int64_t> due = NextSlot(schedule, newest->backup.time);
  if (!due || *due > Now()) return false;
  if (log) {
    log("the slot of " + UtcText(*due) +
        " went by without a backup (newest: " + newest->backup.name + "): one catch-up backup now");
  }
  return true;
}

// Skips the slots of `schedule` that went by while a backup or a drill ran (they are skipped,
// not queued); returns how many.
int SkipPassed(const Schedule& schedule, int64_t* anchor) {
  int skipped = 0;
  for (std::optional<int64_t> n = NextSlot(schedule, *anchor); n && *n <= Now();
       n = NextSlot(schedule, *anchor)) {
    *anchor = *n;
    ++skipped;
  }
  return skipped;
}

// The backups' and the drills' schedules, and where each stands.
struct Slots {
  Schedule backup;
  std::optional<Schedule> drill;
  int64_t backup_anchor = 0;
  int64_t drill_anchor = 0;
};

Status RunBackupSlot(const DaemonOptions& o, ErrorCollector* errors, std::optional<LastRun>* last,
                     const LogFn& log) {
  ErrorCollector run(errors);  // a failed backup must not stop the daemon; a signal stops both
  BackupOptions b = o.backup;
  b.kind = BackupKind::kAuto;
  BackupReport report;
  const Status st = RunBackup(b, &run, &report, log);
  if (!st.ok() && !errors->cancelled() && log) log("backup FAILED: " + st.message());
  *last = LastRun{.ok = st.ok(),
                  .finished = Now(),
                  .seconds = report.seconds,
                  .bytes = report.bytes,
                  .file = report.file.substr(report.file.rfind('/') + 1)};
  return st;
}

}  // namespace

Status RunDaemon(const DaemonOptions& o, ErrorCollector* errors, const LogFn& log) {
  Slots slots;
  ASSIGN_OR_RETURN(slots.backup, ParseSchedule(o.schedule));
  RETURN_IF_ERROR(o.backup.Validate());
  if (!o.drill_schedule.empty()) {
    Result<Schedule> drill = ParseSchedule(o.drill_schedule);
    if (!drill.ok()) return InvalidArgument("--drill-schedule: " + drill.status().message());
    slots.drill = *drill;
    RETURN_IF_ERROR(CheckDrillTargetAtStart(o, log));
  }
  if (log) {
    log("daemon started: " + Describe(slots.backup) + ", backups in " + o.backup.dir + " as " +
        o.backup.prefix + "-auto-*.sql.gz" +
        (slots.drill ? "; restore drills " + Describe(*slots.drill) : std::string()));
  }
  bool run_now = false;
  if (o.catch_up) {
    ASSIGN_OR_RETURN(run_now, SlotMissed(o, slots.backup, log));
  }
  slots.backup_anchor = slots.drill_anchor = Now();
  std::optional<LastRun> last_run;
  while (!errors->cancelled()) {
    int64_t slot = Now();
    bool drill_due = false;
    if (!run_now) {
      std::optional<int64_t> next = NextSlot(slots.backup, slots.backup_anchor);
      if (!next) return Internal("schedule '" + o.schedule + "' has no next slot");
      std::optional<int64_t> drill_next;
      if (slots.drill) drill_next = NextSlot(*slots.drill, slots.drill_anchor);
      drill_due = drill_next && *drill_next < *next;
      slot = drill_due ? *drill_next : *next;
      if (log)
        log(std::string(drill_due ? "next restore drill at " : "next backup at ") + UtcText(slot));
      const Wake wake = SleepUntil(slot, errors);
      if (wake == Wake::kCancelled) break;
      if (wake == Wake::kClockBack) {
        if (log) log("the clock moved back: computing the next slot again");
        slots.backup_anchor = slots.drill_anchor = Now();
        continue;
      }
    }
    run_now = false;
    if (drill_due) {
      RunScheduledDrill(o, last_run, errors, log);
      slots.drill_anchor = slot;
    } else {
      (void)RunBackupSlot(o, errors, &last_run, log);
      slots.backup_anchor = slot;
    }
    if (errors->cancelled()) break;
    const int skipped = SkipPassed(slots.backup, &slots.backup_anchor);
    if (slots.drill) SkipPassed(*slots.drill, &slots.drill_anchor);
    if (skipped > 0 && log) {
      log("skipped " + std::to_string(skipped) + " slot(s) that went by during that " +
          (drill_due ? "restore drill" : "backup"));
    }
  }
  if (log) log("daemon stopping on signal; no backup is left half-written");
  return Status::Ok();
}

}  // namespace myvault::ops
