#include "myvault/dump/snapshot.h"

#include <chrono>
#include <condition_variable>
#include <thread>

#include "myvault/common/clock.h"
#include "myvault/sql/text.h"

namespace myvault::dump {
namespace {

// Describes the longest-running statements of other connections: the likely blockers.
std::string DescribeBlockers(mysql::Session& s, unsigned long self) {
  auto r = s.Query(
      "SELECT ID, USER, TIME, LEFT(REPLACE(INFO, '\\n', ' '), 80) FROM "
      "information_schema.PROCESSLIST "
      "WHERE COMMAND <> 'Sleep' AND INFO IS NOT NULL AND ID <> " +
      std::to_string(self) + " AND ID <> CONNECTION_ID() ORDER BY TIME DESC LIMIT 3");
  if (!r.ok() || r->rows.empty()) return "";
  std::string out = "; blocked by";
  for (const auto& row : r->rows) {
    out += " [connection " + row[0].value_or("?") + " user " + row[1].value_or("?") + " running " +
           row[2].value_or("?") + " s: " + row[3].value_or("") + "]";
  }
  return out;
}

// Kills the lock statement if it has not returned within the timeout (plus a second of grace, so
// the server's own lock_wait_timeout usually answers first) or when the dump is cancelled. Runs
// on its own thread with its own connection; Stop() ends it early when the lock was taken.
class LockWatchdog {
 public:
  LockWatchdog(const mysql::ConnectionOptions& options, unsigned long target, int timeout_s,
               const ErrorCollector* errors)
      : thread_([this, options, target, timeout_s, errors] {
          Run(options, target, timeout_s, errors);
        }) {}
  ~LockWatchdog() { Stop(); }
  void Stop() {
    {
      std::lock_guard<std::mutex> l(mu_);
      done_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
  }
  bool fired() const { return fired_; }
  std::string blockers() const {
    std::lock_guard<std::mutex> l(mu_);
    return blockers_;
  }

 private:
  void Run(const mysql::ConnectionOptions& options, unsigned long target, int timeout_s,
           const ErrorCollector* errors) {
    std::unique_lock<std::mutex> l(mu_);
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_s + 1);
    while (!done_ && !errors->cancelled() && std::chrono::steady_clock::now() < deadline) {
      cv_.wait_for(l, std::chrono::milliseconds(100));
    }
    if (done_) return;
    l.unlock();
    auto s = mysql::Session::Connect(options, "lock watchdog");
    if (!s.ok()) return;
    std::string blockers = DescribeBlockers(**s, target);
    fired_ = true;
    (void)(*s)->Execute("KILL QUERY " + std::to_string(target));
    l.lock();
    blockers_ = blockers;
  }

  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool done_ = false;
  std::atomic<bool> fired_{false};
  std::string blockers_;
  std::thread thread_;
};

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
    LockWatchdog watchdog(options, lock_session.thread_id(), lock_wait_timeout_s, errors);
    for (const auto& stmt : plan.acquire) {
      Status st = lock_session.Execute(stmt);
      if (st.ok()) continue;
      watchdog.Stop();
      if (errors->cancelled()) return errors->first();
      if (watchdog.fired() || st.code() == StatusCode::kLockTimeout) {
        std::string blockers = watchdog.blockers();
        if (blockers.empty()) blockers = DescribeBlockers(lock_session, lock_session.thread_id());
        return Status(StatusCode::kLockTimeout, "could not take the backup lock (" + stmt +
                                                    ") within " +
                                                    std::to_string(lock_wait_timeout_s) +
                                                    " s (--lock-wait-timeout)" + blockers);
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
