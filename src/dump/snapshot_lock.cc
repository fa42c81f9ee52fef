// TakeLock and its watchdog (see snapshot_internal.h).
#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "myvault/common/clock.h"
#include "snapshot_internal.h"

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

// A statement as an error message names it: LOCK TABLES over thousands of tables is cut short.
std::string ShortStatement(const std::string& stmt) {
  constexpr size_t kMax = 80;
  return stmt.size() <= kMax ? stmt : stmt.substr(0, kMax) + "...";
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

// Runs `stmt`; a polled (NOWAIT) statement refused because a table is busy is sent again after
// a short pause until it succeeds, fails otherwise, or `deadline` passes.
Status RunLockStatement(mysql::Session& session, const std::string& stmt, bool polls,
                        double deadline, const LockWatchdog& watchdog, const ErrorCollector* errors,
                        int* attempts) {
  for (int pause_ms = 1;; pause_ms = std::min(2 * pause_ms, 20)) {
    ++*attempts;
    Status st = session.Execute(stmt);
    if (st.ok() || !polls || st.code() != StatusCode::kLockTimeout || watchdog.fired() ||
        errors->cancelled() || MonotonicSeconds() >= deadline) {
      return st;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(pause_ms));
  }
}

}  // namespace

Status TakeLock(mysql::Session& lock_session, const mysql::LockPlan& plan,
                const mysql::ConnectionOptions& options, int timeout_s,
                const ErrorCollector* errors, int* attempts) {
  const double deadline = MonotonicSeconds() + timeout_s;
  LockWatchdog watchdog(options, lock_session.thread_id(), timeout_s, errors);
  for (const auto& stmt : plan.acquire) {
    Status st = RunLockStatement(lock_session, stmt, plan.acquire_polls, deadline, watchdog, errors,
                                 attempts);
    if (st.ok()) continue;
    watchdog.Stop();
    if (errors->cancelled()) return errors->first();
    if (watchdog.fired() || st.code() == StatusCode::kLockTimeout) {
      std::string blockers = watchdog.blockers();
      if (blockers.empty()) blockers = DescribeBlockers(lock_session, lock_session.thread_id());
      if (plan.acquire_polls) {
        blockers += "; " + std::to_string(*attempts) +
                    " attempts found some dumped table with an open write transaction each time";
      }
      return Status(StatusCode::kLockTimeout,
                    "could not take the backup lock (" + ShortStatement(stmt) + ") within " +
                        std::to_string(timeout_s) + " s (--lock-wait-timeout)" + blockers);
    }
    return st.WithContext("taking the backup lock");
  }
  return Status::Ok();
}

}  // namespace myvault::dump
