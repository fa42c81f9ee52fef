// One backup cycle (`myvault backup`) and the scheduler around it (`myvault daemon`).
//
// RunBackup, in order, holding the directory lock (backup_dir.h) from the first step to the last:
//   1. dump to DIR/P-KIND-YYYYmmdd_HHMMSS.sql.gz (+ .sha256), through dump::RunDump, which
//      writes NAME.partial, fsyncs and renames: a failed dump leaves nothing;
//   2. verify the archive against its .sha256 (verify::VerifyArchive); an archive that fails is
//      renamed NAME.corrupt (never listed, never restored by `latest`) and the cycle stops;
//   3. point P-latest.sql.gz at it (atomic symlink swap), before any offsite copy: the local
//      backup is good whatever the copy does;
//   4. copy it offsite when asked (offsite.h), bounded by options.offsite.timeout_s; a failed or
//      timed-out copy is reported after step 5 (kIo, exit 6) and `latest` stays moved;
//   5. apply retention (retention.h) unless disabled: remove the expired backups and their
//      .sha256, never the one just made;
//   6. notify (notify.h): success with file, size and duration, or the failure and its cause. A
//      webhook failure is logged and never changes the result; the post is bounded by the
//      notifier's timeouts and abandoned at once on a signal.
// A failed dump or verification never moves `latest` and never prunes. Cancellation (a signal,
// through the ErrorCollector) stops the dump and leaves no partial file.
//
// RunDaemon runs RunBackup at the slots of a cron schedule (cron.h), one at a time: a run that
// overlaps the next slot makes that slot skipped, not queued, and a daemon that starts after a
// slot went by with no backup made runs one catch-up backup at once, never a burst. It logs one
// line per event to `log` and returns Ok when the ErrorCollector is cancelled (SIGTERM/SIGINT):
// a running backup is aborted cleanly first.
//
// Thread safety: each call owns everything it starts; run one RunBackup per directory at a time
// (the lock refuses a second one, in this process or another).
#pragma once

#include <cstdint>
#include <cstdio>
#include <functional>
#include <string>

#include "myvault/common/cancel.h"
#include "myvault/dump/dumper.h"
#include "myvault/ops/backup_dir.h"
#include "myvault/ops/drill.h"
#include "myvault/ops/health.h"
#include "myvault/ops/notify.h"
#include "myvault/ops/offsite.h"
#include "myvault/ops/retention.h"
#include "myvault/status.h"

namespace myvault::ops {

struct BackupOptions {
  dump::DumpOptions dump;  // dump.output is set by RunBackup
  std::string dir;
  std::string prefix = std::string(kDefaultPrefix);
  BackupKind kind = BackupKind::kAuto;
  RetentionPolicy retention;
  bool prune = true;
  OffsiteOptions offsite;
  NotifyConfig notify;
  std::string host_label;    // names the server in messages
  std::string metrics_file;  // Prometheus textfile; empty: none
  int verify_threads = 2;

  Status Validate() const;
};

struct BackupReport {
  std::string file;  // the archive's path, when the dump got that far
  uint64_t bytes = 0;
  double seconds = 0;  // dump + verify + copy, wall clock
  bool verified = false;
  bool partial = false;  // the archive holds only part of what was asked (see archive/contents.h)
  bool latest = false;   // the latest link was moved to it
  size_t removed = 0;    // backups pruned
  size_t removed_offsite = 0;  // copies pruned in the --copy-to directory
  int took_over_lock = 0;      // pid of a dead holder whose lock was taken over, or 0
  std::string notify_error;    // why the webhook failed, when it did (the URL never appears)
};

// Writes one human line per step to `log` (nullptr: silent).
using LogFn = std::function<void(const std::string& line)>;

Status RunBackup(const BackupOptions& options, ErrorCollector* errors, BackupReport* report,
                 const LogFn& log);

// Writes the Prometheus textfile (options.metrics_file, when set) from the directory as it is now
// and `last_run`; a failure is logged, never returned.
void WriteBackupMetrics(const BackupOptions& options, const std::optional<LastRun>& last_run,
                        const LogFn& log);

struct DaemonOptions {
  BackupOptions backup;
  std::string schedule = "0 */6 * * *";
  bool catch_up = true;  // one backup at start when a slot went by since the newest auto backup
  // Restore drills at the slots of drill_schedule (empty: none), into drill.connection; dir and
  // prefix are the backups'. A drill target that is the server the backups come from
  // (SameServer) is refused unless drill_on_source: at start (kInvalidArgument) and before each
  // drill (a failed drill). Each drill is recorded (RecordDrill), notified with its RTO/RPO and
  // written to the metrics file. Drills and backups never overlap; a backup slot and a drill slot
  // that fall together run the backup first.
  std::string drill_schedule;
  DrillOptions drill;
  bool drill_on_source = false;
};

// Returns Ok on cancellation; an error only for bad options or an unusable directory at start.
// Failed backups are logged and notified, and the daemon goes on to the next slot.
Status RunDaemon(const DaemonOptions& options, ErrorCollector* errors, const LogFn& log);

}  // namespace myvault::ops
