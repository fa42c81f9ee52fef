// RunDaemon: the scheduler loop of `myvault daemon` (see backup.h).
#include <chrono>
#include <ctime>
#include <thread>

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

}  // namespace

Status RunDaemon(const DaemonOptions& o, ErrorCollector* errors, const LogFn& log) {
  ASSIGN_OR_RETURN(Schedule schedule, ParseSchedule(o.schedule));
  RETURN_IF_ERROR(o.backup.Validate());
  if (log) {
    log("daemon started: " + Describe(schedule) + ", backups in " + o.backup.dir + " as " +
        o.backup.prefix + "-auto-*.sql.gz");
  }
  bool run_now = false;
  if (o.catch_up) {
    ASSIGN_OR_RETURN(run_now, SlotMissed(o, schedule, log));
  }
  int64_t anchor = Now();
  while (!errors->cancelled()) {
    int64_t slot = Now();
    if (!run_now) {
      std::optional<int64_t> next = NextSlot(schedule, anchor);
      if (!next) return Internal("schedule '" + o.schedule + "' has no next slot");
      slot = *next;
      if (log) log("next backup at " + UtcText(slot));
      const Wake wake = SleepUntil(slot, errors);
      if (wake == Wake::kCancelled) break;
      if (wake == Wake::kClockBack) {
        if (log) log("the clock moved back: computing the next slot again");
        anchor = Now();
        continue;
      }
    }
    run_now = false;
    ErrorCollector run(errors);  // a failed backup must not stop the daemon; a signal stops both
    BackupOptions b = o.backup;
    b.kind = BackupKind::kAuto;
    BackupReport report;
    const Status st = RunBackup(b, &run, &report, log);
    if (errors->cancelled()) break;
    if (!st.ok() && log) log("backup FAILED: " + st.message());
    // Slots that went by while the backup ran are skipped, not queued.
    anchor = slot;
    int skipped = 0;
    for (std::optional<int64_t> n = NextSlot(schedule, anchor); n && *n <= Now();
         n = NextSlot(schedule, anchor)) {
      anchor = *n;
      ++skipped;
    }
    if (skipped > 0 && log) {
      log("skipped " + std::to_string(skipped) + " slot(s) that went by during that backup");
    }
  }
  if (log) log("daemon stopping on signal; no backup is left half-written");
  return Status::Ok();
}

}  // namespace myvault::ops
