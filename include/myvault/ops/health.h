// Health of a backup directory, for `myvault status`, `myvault monitor` and `myvault list`: is
// there a recent backup, how many per retention class, does the newest one match its .sha256,
// and the same facts as Prometheus textfile-collector metrics.
//
// EvaluateHealth and RenderPrometheus are pure (no clock, no files). Ages come from the time in
// each backup's name (UTC), never from file mtimes. The boundary: a backup exactly max_age_s old
// is healthy; one second older is stale (age > max_age_s). A backup from the future (the clock is
// behind the name) has age 0 and is healthy.
// InspectBackupDir reads the directory (listing, the latest link, optionally the newest file to
// hash it) and writes nothing. WriteFileAtomically is how metrics files are written: a reader of
// PATH sees the old or the new content, never a half-written file.
//
// Thread safety: plain functions over values and paths; safe from any thread.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "myvault/common/cancel.h"
#include "myvault/ops/backup_dir.h"
#include "myvault/ops/drill.h"
#include "myvault/ops/retention.h"
#include "myvault/status.h"

namespace myvault::ops {

// What a backup command knows about its own run (the newest backup need not be it: a failed run
// leaves the previous one newest).
struct LastRun {
  bool ok = false;
  int64_t finished = 0;  // Unix seconds
  double seconds = 0;    // duration
  uint64_t bytes = 0;    // archive size
  std::string file;      // archive name
};

// The binlog archive of a directory (`myvault binlog`), when there is one.
struct BinlogArchiveHealth {
  int64_t synced_at = 0;  // when the archive last held everything the server had written
  std::string gap;        // "" or the gap that ends the recoverable window after every backup
};

struct HealthReport {
  bool healthy = false;
  std::string problem;  // one line when not healthy
  // The newest backup of any kind that is not partial; the newest partial one only when the
  // directory holds nothing but partial backups.
  std::optional<BackupFile> newest;
  int64_t newest_age_s = 0;  // 0 without a newest backup
  int64_t max_age_s = 0;
  size_t total = 0, auto_count = 0, manual_count = 0;
  size_t partial_count = 0;  // backups whose archive says it is partial
  size_t plain_count = 0;    // plain `mysqldump | gzip` files (BackupFile::plain)
  // Backups kept by each class under the policy (ApplyRetention); one kept by several classes
  // counts in each.
  size_t daily = 0, weekly = 0, monthly = 0;
  uint64_t total_bytes = 0;
  std::optional<std::string> latest_target;  // what the latest link names, if there is one
  bool latest_ok = false;                    // the latest link exists and names the newest backup
  bool sha256_checked = false, sha256_ok = false;  // set by InspectBackupDir
  // How long the newest backup's dump took (end_time - start_time of its index), when
  // InspectBackupDir could read them.
  std::optional<int64_t> newest_dump_seconds;
  // The last restore drill recorded in the directory (drill.h), if any, and its age.
  std::optional<DrillState> drill;
  int64_t drill_age_s = 0;
  int64_t max_drill_age_s = 0;  // 0: a drill's age does not count
  // The binlog archive (EvaluateBinlog), its lag (now - synced_at: the RPO) and the bound.
  std::optional<BinlogArchiveHealth> binlog;
  int64_t binlog_lag_s = 0;
  int64_t max_binlog_lag_s = 0;
};

// `backups` as ListBackups returns them (any order); `latest` as ReadLatest returns it; `dir`
// only names the directory in the problem text: "no backup in DIR" or "newest backup NAME is
// 8h12m old, more than --max-age 7h".
HealthReport EvaluateHealth(const std::vector<BackupFile>& backups,
                            const std::optional<std::string>& latest, int64_t now,
                            int64_t max_age_s, const RetentionPolicy& policy, std::string_view dir);

// Adds the last drill to *report: a recorded drill that failed makes it unhealthy ("the last
// restore drill (2026-11-01 03:00:00) FAILED: CAUSE"), and so, with max_drill_age_s > 0, does no
// drill at all or one older than max_drill_age_s. A report already unhealthy keeps its problem.
void EvaluateDrill(const std::optional<DrillState>& drill, int64_t now, int64_t max_drill_age_s,
                   HealthReport* report);

// Adds the binlog archive to *report: a gap after every backup, or a lag above max_lag_s, makes
// it unhealthy ("the binlog archive is 7m3s behind, more than --max-binlog-lag 5m"). No archive
// (nullopt) changes nothing. A report already unhealthy keeps its problem.
void EvaluateBinlog(const std::optional<BinlogArchiveHealth>& binlog, int64_t now,
                    int64_t max_lag_s, HealthReport* report);
// ApplyRetention over the backups of a listing (one Decision per file, in its order). Partial
// automatic backups (BackupFile::partial) take no daily, weekly or
// monthly place of a full one: the classes are decided over the others, and a partial automatic
// backup is kept while inside the daily window (kDaily) or newer than every full automatic
// backup (kNewest).
std::vector<Decision> ApplyRetention(const std::vector<BackupFile>& backups,
                                     const RetentionPolicy& policy);

// Ok when healthy. Otherwise: kCorrupt when the newest backup failed its .sha256 check (or has
// none), kUnhealthy (no backup, too old); the message is report.problem.
Status HealthStatus(const HealthReport& report);

// Prometheus text exposition format (HELP/TYPE lines, names prefixed myvault_): the newest
// backup's time, age and size (left out when there is none), backups_total{kind}, backups_retained
// {class}, backups_size_bytes, healthy; with a recorded drill drill_last_success,
// drill_last_timestamp_seconds, drill_rto_seconds and drill_rpo_seconds; with `last_run` also
// last_run_success, _timestamp_seconds, _duration_seconds and _size_bytes.
std::string RenderPrometheus(const HealthReport& report, const std::optional<LastRun>& last_run);

// The report as one JSON object (no newline).
std::string RenderHealthJson(const HealthReport& report);

// Checks dir/NAME against dir/NAME.sha256 by hashing the whole file. Errors: kNotFound "no
// NAME.sha256", kCorrupt (mismatch or malformed .sha256), kIo, kCancelled.
Status CheckSha256(const std::string& path, const ErrorCollector* cancel);

struct InspectOptions {
  std::string dir;
  std::string prefix{kDefaultPrefix};
  int64_t max_age_s = int64_t{7} * 3600;
  RetentionPolicy policy;
  bool checksum = true;         // hash the newest backup against its .sha256
  int64_t max_drill_age_s = 0;  // 0: only a failed last drill counts
};

// Lists the directory, reads the latest link and the drill state, EvaluateHealth, EvaluateDrill,
// then (options.checksum, and only
// when otherwise healthy) CheckSha256 of the newest backup: a failure makes the report unhealthy
// with the error as its problem. Errors (listing, reading the link, kIo while hashing) come back
// as a Status.
Result<HealthReport> InspectBackupDir(const InspectOptions& options, int64_t now,
                                      const ErrorCollector* cancel);

// Writes PATH.partial (a stale one is removed first; created O_EXCL with `mode`), fsyncs it,
// renames it over PATH and fsyncs the directory. On failure no PATH.partial is left and PATH is
// untouched. kIo naming the file.
Status WriteFileAtomically(const std::string& path, std::string_view content, mode_t mode);

// "8h12m", "45m3s", "12s": an age for messages (whole seconds; days shown as hours).
std::string FormatAge(int64_t seconds);

// "2026-11-26 06:00:00", or with iso "2026-11-26T06:00:00Z" (ISO 8601); UTC.
std::string FormatUtc(int64_t time, bool iso);

}  // namespace myvault::ops
