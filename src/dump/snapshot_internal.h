// Private to Snapshot: the two ways its connections get lined up.
//
// TakeLock runs a plan's acquire statements on the lock connection under a watchdog that kills a
// statement still waiting past the timeout (or on cancellation) and names the likely blockers;
// a plan whose statements fail at once while a table is busy (NOWAIT) is retried until then.
// OpenMatchingSnapshots opens a consistent snapshot on every session, as often as needed within
// the timeout, until all report the same binlog position. Both run on the caller's thread.
#pragma once

#include <string>
#include <vector>

#include "myvault/common/cancel.h"
#include "myvault/mysql/server_info.h"
#include "myvault/mysql/session.h"
#include "myvault/status.h"

namespace myvault::dump {

// *attempts counts the lock requests sent.
Status TakeLock(mysql::Session& lock_session, const mysql::LockPlan& plan,
                const mysql::ConnectionOptions& options, int timeout_s,
                const ErrorCollector* errors, int* attempts);

struct BinlogPosition {
  std::string file, position;  // file "" when the binary log is off
  bool operator==(const BinlogPosition&) const = default;
};

// The binlog position of the snapshot `session` holds (ServerInfo::SnapshotBinlogQuery).
Result<BinlogPosition> SnapshotPosition(mysql::Session& session);

// On success every session is inside a snapshot at *position; *attempts counts the rounds.
Status OpenMatchingSnapshots(const std::vector<mysql::Session*>& sessions, int timeout_s,
                             const ErrorCollector* errors, BinlogPosition* position, int* attempts);

}  // namespace myvault::dump
