// The disaster-recovery drill: restore a backup under scratch names, check it, time it, drop it.
//
// RunDrill picks an archive (DrillOptions::file, else the target of DIR/P-latest.sql.gz, else the
// newest backup of DIR), verifies it with its .sha256 before any server is touched, restores every
// database X of it as X + suffix ("shop" -> "shop_drill") through restore::RunRestore, counts the
// rows of every table of the copy with its own connection and compares them with the archive's
// index, then drops the copies (unless `keep`). It measures the RTO (wall clock from the start of
// the restore to the end of the check) and the RPO (now minus the backup's time).
//
// Which databases it may touch: only the scratch names, archive name + suffix. A scratch database
// that already exists (a previous drill run with `keep`, or one that was interrupted) is ours by
// its name: the restore drops and replaces it. The archive's own names are never dropped,
// created or written, so a drill into the production server leaves production alone. The restore
// journal `_myvault_restore` is the restorer's, as for `myvault restore`. Options whose scratch
// names would be unusable (longer than 64 characters, or equal to a database of the archive) are
// refused before the restore starts.
//
// Once the restore has created or dropped a scratch database, the scratch databases are dropped
// whatever happens next (a failed restore or check, a signal through `errors`), best effort;
// DrillReport says whether the drop worked. A restore refused before it changed anything (the
// privileges, another restore holding the names, the binary log) drops nothing and says so. The
// load stays out of the binary log (restore::Binlog::kSkip), so replicas never see the copies. A
// signal stops the restore or the check, the copies are still dropped, and the kCancelled status
// comes back.
//
// The drill state file: RecordDrill writes the outcome of a drill to DIR/PREFIX-drill.state
// (atomically: a reader sees the previous state or the new one), so that `status` and `monitor`
// can tell that the last drill failed or is too old. It is text, one `key value` per line after
// the first line `myvault-drill-state 1`: ok (1/0), finished (Unix seconds), file (archive name),
// rto_seconds, rpo_seconds, tables, rows, problem (one line; absent when ok). Unknown keys are
// ignored; a missing file is "no drill yet"; an unreadable one is kCorrupt naming it.
//
// Point in time (DrillOptions::until): the drill restores what `restore --until` would (the
// newest backup before the target, binlog::PlanReplay), under the scratch names, then replays the
// archived binlog from its snapshot to the target into them, one database at a time
// (mariadb-binlog --database=X --rewrite-db=X->X+suffix; the final rows are the same as one
// ordered replay under ROW format). Row events and statements' default databases are renamed,
// but a statement naming the database itself is not (binlog::DdlNamingDatabases): a range with
// DDL naming a drilled database is refused (kInvalidArgument) before anything is touched. The
// check then counts the rows of every table of the copies without comparing (the archive's
// counts are those of the snapshot, not of the target).
//
// SameServer asks both servers who they are (@@hostname, @@port, @@datadir): a drill into the
// server the backups come from must be asked for (daemon --drill-on-source).
//
// Thread safety: RunDrill may run concurrently with other drills into other scratch names; it
// owns every connection and thread it starts.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "myvault/archive/crypto.h"
#include "myvault/binlog/target.h"
#include "myvault/common/cancel.h"
#include "myvault/common/progress.h"
#include "myvault/mysql/options.h"
#include "myvault/status.h"

namespace myvault::ops {

struct DrillOptions {
  std::string dir;                      // the backup directory (needed unless `file` is given)
  std::string prefix = "myvault";       // of the backups' file names in `dir`
  std::string file;                     // an archive to drill; empty: the latest backup of `dir`
  mysql::ConnectionOptions connection;  // the server the scratch copies go to
  std::string suffix = "_drill";        // scratch name = archive database name + suffix
  int threads = 4;                      // restore connections
  bool keep = false;                    // leave the scratch copies on the server
  ProgressMode progress = ProgressMode::kQuiet;  // of the restore
  int64_t now = 0;             // the time the RPO is measured at (UTC seconds); 0: the wall clock
  archive::Identity identity;  // opens an encrypted backup (--decrypt-with, --passphrase-file)
  std::optional<binlog::Target> until;  // point in time: backup + binlog replay (needs `dir`)

  // InvalidArgument for an empty or non-[A-Za-z0-9_$] suffix, threads outside 1..256, neither
  // `dir` nor `file`, or an invalid prefix.
  Status Validate() const;
};

struct DrillReport {
  std::string file;         // the archive drilled (path); empty when none was found
  uint64_t file_size = 0;   // bytes
  int64_t backup_time = 0;  // UTC seconds: from the file name, else the archive's start_time,
                            // else the file's mtime
  double rto_seconds = 0;   // restore start to check end
  double rpo_seconds = 0;   // now - backup_time
  uint64_t tables = 0;      // tables whose rows were counted
  uint64_t rows = 0;        // rows counted, all tables
  std::vector<std::string> databases;  // the scratch names, in archive order
  bool restore_started = false;        // false: nothing was changed on the server
  bool dropped = false;                // the scratch databases are gone again
  std::string drop_problem;            // why the drop failed, when it did
  bool point_in_time = false;          // DrillOptions::until was given
  std::string until;                   // its description (binlog::Target::Describe)
  uint64_t replayed = 0;               // transactions of binlog replayed
  std::string last_applied;            // "GTID at TIME UTC", or "" when none
};

// The last drill of a backup directory, as RecordDrill stores it.
struct DrillState {
  bool ok = false;
  int64_t finished = 0;  // Unix seconds
  std::string file;      // archive name
  double rto_seconds = 0;
  double rpo_seconds = 0;
  uint64_t tables = 0;
  uint64_t rows = 0;
  std::string problem;  // why it failed
};

// DIR/PREFIX-drill.state
std::string DrillStatePath(const std::string& dir, std::string_view prefix);
DrillState DrillStateOf(const DrillReport& report, const Status& status, int64_t finished);
Status RecordDrill(const std::string& dir, std::string_view prefix, const DrillState& state);
// nullopt when no drill was recorded; kCorrupt for a file that is not a drill state.
Result<std::optional<DrillState>> ReadDrillState(const std::string& dir, std::string_view prefix);
// "NAME restored in 12.3 s (RTO), backup age 3h25m (RPO), 3 tables, 1,434 rows checked" or
// "NAME: CAUSE": the detail of a drill notification.
std::string DrillDetail(const DrillState& state);

// True when the two connections reach the same server (same @@hostname, @@port and @@datadir).
// Errors: connecting or querying either one.
Result<bool> SameServer(const mysql::ConnectionOptions& a, const mysql::ConnectionOptions& b);

// OK when the archive verified, restored and every table's row count matched. Errors:
// kNotFound "no backup to drill in DIR" (or the missing file), kCorrupt from verification (no
// server touched), kServer "row count mismatch in the drill copy: `shop_drill`.`t` holds 3 rows,
// the archive records 4; ..." (the first 5), any restore error, kCancelled; a failed drop of the
// scratch copies after an otherwise good drill is kServer too. Messages say whether the scratch
// databases were dropped. *report is filled as far as the drill got.
Status RunDrill(const DrillOptions& options, ErrorCollector* errors, DrillReport* report);

}  // namespace myvault::ops
