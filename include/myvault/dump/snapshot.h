// Snapshot: one consistent view of the data shared by every dump connection.
//
// PlanSnapshot reads what the account may do (SHOW GRANTS) and how the server logs (log_bin, ...)
// and lets mysql::ChooseLockPlan pick the method: with RELOAD, a brief server-wide hold (BACKUP
// STAGE BLOCK_COMMIT, or FTWRL); without it, a snapshot check (no lock: every connection's
// snapshot opened again until all sit at the same binlog position, MariaDB with the binary log)
// or LOCK TABLES ... READ on the dumped tables. In auto mode it also plans what to do when the
// server refuses the global lock although the grants name RELOAD (managed servers do).
//
// Begin() takes the plan's lock on the lock connection (a NOWAIT lock is retried until it is
// granted), opens START TRANSACTION WITH CONSISTENT SNAPSHOT on every session, records the binlog
// file/position and GTID position (from inside the snapshot when the plan says so: exact; left
// empty when the account may not read them), and releases the lock before any data is read,
// unless non-transactional tables must be read under it (then ReleaseLock() is called once they
// are done). The wait for the lock is bounded: past `lock_wait_timeout_s` the lock statement is
// killed and Begin fails with kLockTimeout naming the blocking queries, so a long-running query
// can never make production wait behind our pending lock; a cancellation (Ctrl-C) kills the
// pending lock statement the same way. `under_lock` runs once every snapshot is open and the
// position is recorded, before writes resume: the place to check that what was planned before
// the lock still matches the snapshot (and, under LOCK TABLES, that every table read is locked).
// ReleaseLock() is thread-safe and idempotent; everything else runs on the caller's thread.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "myvault/common/cancel.h"
#include "myvault/mysql/server_info.h"
#include "myvault/mysql/session.h"
#include "myvault/status.h"

namespace myvault::dump {

struct SnapshotInfo {
  std::string binlog_file;
  std::string binlog_position;
  std::string gtid_position;
  std::string method;          // LockPlan::Describe() of the plan that lined the snapshots up
  bool position_exact = true;  // the binlog position matches the snapshot (LockPlan::PositionExact)
  int attempts = 1;            // lock requests (NOWAIT) or snapshot rounds until they lined up
  double lock_seconds = 0;     // how long writes were held for the snapshot itself
};

// What the dump asks for; PlanSnapshot turns it into statements.
struct SnapshotRequest {
  mysql::SnapshotMethod method = mysql::SnapshotMethod::kAuto;
  bool has_nontransactional = false;
  std::vector<std::pair<std::string, std::string>> tables;  // {schema, name} of the dumped tables
  int lock_wait_timeout_s = 60;
};

struct SnapshotPlan {
  mysql::LockPlan plan;  // default: no lock, each session's own transaction
  // Used instead when the server refuses plan's lock for lack of privilege (auto mode).
  std::optional<mysql::LockPlan> if_denied;
  int lock_wait_timeout_s = 60;
};

// Reads the account's grants and the binary-log settings on `lock_session` and chooses.
Result<SnapshotPlan> PlanSnapshot(mysql::Session& lock_session, const SnapshotRequest& request);

class Snapshot {
 public:
  using UnderLock = std::function<Status(const mysql::LockPlan& plan)>;
  static Result<std::unique_ptr<Snapshot>> Begin(mysql::Session& lock_session,
                                                 const std::vector<mysql::Session*>& sessions,
                                                 const SnapshotPlan& plan,
                                                 const mysql::ConnectionOptions& options,
                                                 const ErrorCollector* errors,
                                                 const UnderLock& under_lock);
  // Releases a hold kept for non-transactional tables; returns the seconds it was held.
  Status ReleaseLock();
  bool lock_held() const;
  double held_seconds() const;
  const SnapshotInfo& info() const { return info_; }
  const mysql::LockPlan& plan() const { return plan_; }

 private:
  Snapshot(mysql::Session& lock_session, mysql::LockPlan plan)
      : lock_session_(lock_session), plan_(std::move(plan)) {}
  // Takes the lock and opens the snapshots (kSnapshotCheck: opens them until they match).
  Status LineUp(const std::vector<mysql::Session*>& sessions, const SnapshotPlan& setup,
                const mysql::ConnectionOptions& options, const ErrorCollector* errors);
  Status ReadPosition(const std::vector<mysql::Session*>& sessions);
  // Everything after the line-up: position, under_lock, the lock released unless held on.
  Status Finish(const std::vector<mysql::Session*>& sessions, const UnderLock& under_lock);

  mysql::Session& lock_session_;
  mysql::LockPlan plan_;
  SnapshotInfo info_;
  mutable std::mutex mu_;
  bool held_ = false;
  double acquired_at_ = 0;
  double held_seconds_ = 0;
};

}  // namespace myvault::dump
