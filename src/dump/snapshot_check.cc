// SnapshotPosition and OpenMatchingSnapshots (see snapshot_internal.h).
//
// Why equal positions mean equal snapshots: on MariaDB, START TRANSACTION WITH CONSISTENT
// SNAPSHOT creates the InnoDB read view and records Binlog_snapshot_file/position under the same
// mutex (LOCK_commit_ordered) that orders commits into the engines in binlog order. A snapshot
// therefore holds exactly the transactions binlogged before its position; two snapshots at one
// position hold the same ones. Commits that never reach this server's binary log (a replica
// without log_slave_updates, sql_log_bin=0, binlog-ignore-db) escape the check: ChooseLockPlan
// does not pick it automatically where it can see that.
#include <algorithm>
#include <chrono>
#include <thread>

#include "myvault/common/clock.h"
#include "snapshot_internal.h"

namespace myvault::dump {

Result<BinlogPosition> SnapshotPosition(mysql::Session& session) {
  const std::string query = session.server().SnapshotBinlogQuery();
  if (query.empty()) return Internal("SnapshotPosition: the server has no snapshot position");
  ASSIGN_OR_RETURN(mysql::QueryResult r, session.Query(query));
  BinlogPosition pos;
  for (const auto& row : r.rows) {
    if (row.size() < 2) continue;
    const std::string name = row[0].value_or("");
    if (name == "Binlog_snapshot_file") pos.file = row[1].value_or("");
    if (name == "Binlog_snapshot_position") pos.position = row[1].value_or("");
  }
  return pos;
}

namespace {

// One round: a fresh snapshot on every session (opened back to back, which keeps them closer
// in time than threads would on a busy client), then their positions.
Result<std::vector<BinlogPosition>> OpenRound(const std::vector<mysql::Session*>& sessions) {
  for (mysql::Session* s : sessions) {
    RETURN_IF_ERROR(s->Execute("START TRANSACTION WITH CONSISTENT SNAPSHOT"));
  }
  std::vector<BinlogPosition> positions;
  for (mysql::Session* s : sessions) {
    ASSIGN_OR_RETURN(BinlogPosition p, SnapshotPosition(*s));
    positions.push_back(std::move(p));
  }
  return positions;
}

}  // namespace

Status OpenMatchingSnapshots(const std::vector<mysql::Session*>& sessions, int timeout_s,
                             const ErrorCollector* errors, BinlogPosition* position,
                             int* attempts) {
  const double deadline = MonotonicSeconds() + timeout_s;
  for (int pause_ms = 0;; pause_ms = std::min(pause_ms + 1, 20)) {
    ++*attempts;
    ASSIGN_OR_RETURN(std::vector<BinlogPosition> positions, OpenRound(sessions));
    if (positions.front().file.empty()) {
      return Status(StatusCode::kServer,
                    "snapshot check: the binary log is off, so snapshots cannot be compared");
    }
    if (std::all_of(positions.begin(), positions.end(),
                    [&](const BinlogPosition& p) { return p == positions.front(); })) {
      *position = positions.front();
      return Status::Ok();
    }
    for (mysql::Session* s : sessions) RETURN_IF_ERROR(s->Execute("ROLLBACK"));
    if (errors->cancelled()) return errors->first();
    if (MonotonicSeconds() >= deadline) {
      return Status(StatusCode::kLockTimeout,
                    "snapshot check: the " + std::to_string(sessions.size()) +
                        " connections never opened their snapshots between the same two commits "
                        "in " +
                        std::to_string(*attempts) + " attempts within " +
                        std::to_string(timeout_s) +
                        " s (--lock-wait-timeout); fewer --threads, --snapshot-method "
                        "lock-tables, or RELOAD for a global lock would do");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(pause_ms));
  }
}

}  // namespace myvault::dump
