#include "myvault/dump/snapshot.h"

#include "myvault/common/clock.h"
#include "myvault/mysql/activity.h"
#include "myvault/mysql/killer.h"

namespace myvault::dump {
namespace {

// Describes the longest-running statements of other connections: the likely blockers.
std::string DescribeBlockers(mysql::Session& s, unsigned long self) {
  auto r = mysql::LongestRunning(s, self, 3);
  if (!r.ok() || r->empty()) return "";
  return "; blocked by " + mysql::DescribeSessions(*r, 3);
}

}  // namespace

Result<std::unique_ptr<Snapshot>> Snapshot::Begin(
    mysql::Session& lock_session, const std::vector<mysql::Session*>& sessions,
    const mysql::LockPlan& plan, const mysql::ConnectionOptions& options, int lock_wait_timeout_s,
    const ErrorCollector* errors, const std::function<Status()>& under_lock) {
  std::unique_ptr<Snapshot> snap(new Snapshot(lock_session, plan));
  snap->info_.method = plan.Describe();
  RETURN_IF_ERROR(lock_session.Execute("SET SESSION lock_wait_timeout = " +
                                       std::to_string(std::max(1, lock_wait_timeout_s))));
  for (mysql::Session* s : sessions) {
    RETURN_IF_ERROR(s->Execute("SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ"));
    // A worker's read can wait for a table lock (LOCK TABLES ... WRITE elsewhere): bounded too.
    RETURN_IF_ERROR(s->Execute("SET SESSION lock_wait_timeout = " +
                               std::to_string(std::max(1, lock_wait_timeout_s))));
  }
  {
    // Kills the lock statement if it has not returned within the timeout (plus a second of
    // grace, so the server's own lock_wait_timeout usually answers first) or on cancellation.
    mysql::QueryKiller watchdog(options, errors);
    watchdog.Watch(lock_session);
    const unsigned long self = lock_session.thread_id();
    watchdog.KillAfter(lock_wait_timeout_s + 1,
                       [self](mysql::Session& s) { return DescribeBlockers(s, self); });
    for (const auto& stmt : plan.acquire) {
      Status st = lock_session.Execute(stmt);
      if (st.ok()) continue;
      watchdog.Stop();
      if (errors->cancelled()) return errors->first();
      if (watchdog.fired() || st.code() == StatusCode::kLockTimeout) {
        std::string message = "could not take the backup lock (" + stmt + ") within ";
        message += std::to_string(lock_wait_timeout_s) + " s (--lock-wait-timeout)";
        const std::string blockers = watchdog.description();
        message += blockers.empty() ? DescribeBlockers(lock_session, self) : blockers;
        return Status(StatusCode::kLockTimeout, message);
      }
      return st.WithContext("taking the backup lock");
    }
  }
  snap->held_ = true;
  snap->acquired_at_ = MonotonicSeconds();
  for (mysql::Session* s : sessions) {
    RETURN_IF_ERROR(s->Execute("START TRANSACTION /*!40108 WITH CONSISTENT SNAPSHOT */"));
  }
  // An account without BINLOG MONITOR / REPLICATION CLIENT gets no position rather than no dump.
  Result<mysql::QueryResult> binlog = lock_session.Query(lock_session.server().BinlogStatusQuery());
  if (!binlog.ok() && binlog.status().code() != StatusCode::kAuth) return binlog.status();
  if (binlog.ok() && !binlog->rows.empty()) {
    snap->info_.binlog_file = binlog->Get(0, "File");
    snap->info_.binlog_position = binlog->Get(0, "Position");
    std::string executed = binlog->Get(0, "Executed_Gtid_Set");
    if (!executed.empty()) snap->info_.gtid_position = executed;
  }
  std::string gtid_query = lock_session.server().GtidPositionQuery();
  if (!gtid_query.empty() && snap->info_.gtid_position.empty()) {
    auto g = lock_session.Query(gtid_query);
    if (g.ok() && !g->rows.empty()) snap->info_.gtid_position = g->rows[0][0].value_or("");
  }
  RETURN_IF_ERROR(under_lock());
  for (const auto& stmt : plan.after_snapshot) {
    // LOCK INSTANCE FOR BACKUP needs BACKUP_ADMIN; without it DDL is simply not blocked.
    (void)lock_session.Execute(stmt);
  }
  snap->info_.lock_seconds =
      MonotonicSeconds() - snap->acquired_at_;  // writes held, not the wait for it
  if (!plan.hold_until_nontransactional_done) RETURN_IF_ERROR(snap->ReleaseLock());
  return snap;
}

Status Snapshot::ReleaseLock() {
  std::lock_guard<std::mutex> l(mu_);
  if (!held_) return Status::Ok();
  for (const auto& stmt : plan_.release) {
    RETURN_IF_ERROR(lock_session_.Execute(stmt).WithContext("releasing the backup lock"));
  }
  held_ = false;
  held_seconds_ = MonotonicSeconds() - acquired_at_;
  return Status::Ok();
}

bool Snapshot::lock_held() const {
  std::lock_guard<std::mutex> l(mu_);
  return held_;
}

double Snapshot::held_seconds() const {
  std::lock_guard<std::mutex> l(mu_);
  return held_ ? MonotonicSeconds() - acquired_at_ : held_seconds_;
}

}  // namespace myvault::dump
