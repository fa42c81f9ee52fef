// The recoverable window: which backups and archived binlog files a point-in-time restore can
// use, and where exactly a replay starts and stops.
//
// A backup's archive records the binlog position and GTID position of its snapshot
// (docs/format.md: binlog_file, binlog_position, gtid_position); a replay starts exactly there,
// never at the start of a file, so no transaction the backup holds is applied again. A target
// (a time, a GTID, or a file:position) resolves to a stop offset in one archived file: the start
// of the first transaction at or after the target, which is not applied.
//
// Pure planning over the index and the archives' metadata (ChooseRestore reads archive indexes
// and scans the binlog files it needs through myvault/binlog/files.h). Thread-compatible.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "myvault/archive/crypto.h"
#include "myvault/binlog/files.h"
#include "myvault/binlog/target.h"
#include "myvault/common/cancel.h"
#include "myvault/ops/health.h"
#include "myvault/status.h"

namespace myvault::binlog {

struct SnapshotPosition {
  std::string backup;  // archive file name
  std::string path;
  int64_t time = 0;  // the backup's time (from its name)
  std::string file;  // binlog file of the snapshot
  uint64_t position = 0;
  std::string gtid_position;
};
// The snapshot positions of the backups of `prefix` in `dir` that record one, oldest first.
// `identity` opens encrypted backups (their metadata is sealed); the names of the backups that
// could not be read (encrypted without a matching key, or damaged) go to `unreadable`.
Result<std::vector<SnapshotPosition>> BackupSnapshots(
    const std::string& dir, const std::string& prefix, const archive::Identity* identity = nullptr,
    std::vector<std::string>* unreadable = nullptr);

// "a < b" in server order: by file sequence, then position.
bool PositionBefore(const std::string& file_a, uint64_t pos_a, const std::string& file_b,
                    uint64_t pos_b);

// The archive's health facts for `status`: nullopt when the directory has no binlog index; the
// gap is the newest recorded gap when no backup's snapshot lies after it.
Result<std::optional<ops::BinlogArchiveHealth>> InspectArchive(const std::string& dir,
                                                               const std::string& prefix);

// Retention of the archive: removes (with their .sha256 and index records) the complete archived
// files before `keep_from`, the binlog file of the oldest kept backup's snapshot; everything from
// it on is kept, as is everything when `keep_from` is empty (no backup anchors a replay). With
// dry_run only says. Returns the server names of the files removed (or that would be).
Result<std::vector<std::string>> PruneArchive(const std::string& dir, const std::string& prefix,
                                              const std::string& keep_from, bool dry_run);

// One stretch of time a point-in-time restore can reach: from the snapshot of `backup` (the oldest
// backup whose binlog is archived from its snapshot on) to `to`, the last moment the archive
// holds without a gap after it (the index's synced time when the archive runs on to its open
// end, the last event time of the file before a gap otherwise). Read from the index and the
// backups' metadata alone: nothing is scanned.
struct Window {
  std::string backup;    // the oldest backup that opens it
  int64_t from = 0;      // that backup's time
  int64_t to = 0;        // UTC seconds
  std::string end_file;  // the archived binlog it ends in
  uint64_t end_position = 0;
  std::string gap_after;  // "" when it runs to the archive's end, else the gap that ends it
};
// The windows, oldest first, one per stretch of gap-free archive that holds a backup's snapshot
// file (backups whose snapshot file is not archived open none).
std::vector<Window> RecoverableWindows(const BinlogIndex& index,
                                       const std::vector<SnapshotPosition>& snapshots);

struct ReplayPlan {
  SnapshotPosition backup;         // restore this, then replay
  std::vector<std::string> files;  // archived binlog files, in order, first = backup.file
  uint64_t start = 0;              // offset in files.front()
  uint64_t stop = 0;               // offset in files.back(): not applied from here on
  std::string last_gtid;           // the last transaction applied ("" when none)
  uint32_t last_time = 0;          // and its time
  uint64_t transactions = 0;       // how many the replay applies
};
// Whether `statement` names `database` as an identifier: the name alone or in backquotes, not as
// part of a longer name ("shop.x", "`shop`.x", "CREATE DATABASE shop"; not "shops.x").
bool StatementNamesDatabase(std::string_view statement, std::string_view database);
// The first one-statement transaction (DDL) the plan replays whose text names one of `databases`;
// "" when none. Under --rewrite-db such a statement still runs against the original database: a
// replay into scratch names (the drill) must not run it.
Result<std::string> DdlNamingDatabases(const std::string& dir, const std::string& prefix,
                                       const ReplayPlan& plan,
                                       const std::vector<std::string>& databases);

// Chooses the newest backup whose snapshot is before the target and whose binlog is archived
// without a gap from its snapshot to the target; checks every needed file (the .sha256 of
// complete ones, every member of a partial) and finds the stop offset. Errors: kNotFound when no
// backup or no archived binlog covers the target (naming the window there is), kCorrupt for a
// damaged file, kInvalidArgument for a bad GTID.
// `identity` opens encrypted backups (may be null).
Result<ReplayPlan> PlanReplay(const std::string& dir, const std::string& prefix,
                              const Target& target, const ErrorCollector* cancel,
                              const archive::Identity* identity = nullptr);

}  // namespace myvault::binlog
