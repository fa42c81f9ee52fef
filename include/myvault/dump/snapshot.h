// Snapshot: one consistent view of the data shared by every dump connection.
//
// Begin() holds writes briefly on the lock connection (BACKUP STAGE BLOCK_COMMIT, or FTWRL; the
// choice is mysql::ChooseLockPlan's), opens START TRANSACTION WITH CONSISTENT SNAPSHOT on every
// session, records the binlog file/position and GTID position (left empty when the account may
// not read them), and releases the hold before any
// data is read, unless non-transactional tables must be read under it (then ReleaseLock() is
// called once they are done). The wait for the lock is bounded: past `lock_wait_timeout_s` the
// lock statement is killed and Begin fails with kLockTimeout naming the blocking queries, so a
// long-running query can never make production wait behind our pending lock; a cancellation
// (Ctrl-C) kills the pending lock statement the same way. `under_lock` runs once every snapshot
// is open and the position is recorded, before writes resume: the place to check that what was
// planned before the lock still matches the snapshot.
// ReleaseLock() is thread-safe and idempotent; everything else runs on the caller's thread.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>
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
  std::string method;       // LockPlan::Describe()
  double lock_seconds = 0;  // how long writes were held for the snapshot itself
};

class Snapshot {
 public:
  static Result<std::unique_ptr<Snapshot>> Begin(
      mysql::Session& lock_session, const std::vector<mysql::Session*>& sessions,
      const mysql::LockPlan& plan, const mysql::ConnectionOptions& options, int lock_wait_timeout_s,
      const ErrorCollector* errors, const std::function<Status()>& under_lock);
  // Releases a hold kept for non-transactional tables; returns the seconds it was held.
  Status ReleaseLock();
  bool lock_held() const;
  double held_seconds() const;
  const SnapshotInfo& info() const { return info_; }

 private:
  Snapshot(mysql::Session& lock_session, mysql::LockPlan plan)
      : lock_session_(lock_session), plan_(std::move(plan)) {}

  mysql::Session& lock_session_;
  mysql::LockPlan plan_;
  SnapshotInfo info_;
  mutable std::mutex mu_;
  bool held_ = false;
  double acquired_at_ = 0;
  double held_seconds_ = 0;
};

}  // namespace myvault::dump
