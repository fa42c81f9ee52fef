// TakeLock and its watchdog (see snapshot_internal.h).
#include <algorithm>
#include <chrono>
#include <thread>

#include "myvault/common/clock.h"
#include "myvault/mysql/activity.h"
#include "myvault/mysql/killer.h"
#include "snapshot_internal.h"

namespace myvault::dump {
namespace {

// Describes the longest-running statements of other connections: the likely blockers.
std::string DescribeBlockers(mysql::Session& s, unsigned long self) {
  auto r = mysql::LongestRunning(s, self, 3);
  if (!r.ok() || r->empty()) return "";
  return "; blocked by " + mysql::DescribeSessions(*r, 3);
}

// A statement as an error message names it: LOCK TABLES over thousands of tables is cut short.
std::string ShortStatement(const std::string& stmt) {
  constexpr size_t kMax = 80;
  return stmt.size() <= kMax ? stmt : stmt.substr(0, kMax) + "...";
}

// Runs `stmt`; a polled (NOWAIT) statement refused because a table is busy is sent again after
// a short pause until it succeeds, fails otherwise, or `deadline` passes.
Status RunLockStatement(mysql::Session& session, const std::string& stmt, bool polls,
                        double deadline, const mysql::QueryKiller& watchdog,
                        const ErrorCollector* errors, int* attempts) {
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
  // Kills the lock statement if it has not returned within the timeout (plus a second of grace,
  // so the server's own lock_wait_timeout usually answers first) or on cancellation.
  mysql::QueryKiller watchdog(options, errors);
  watchdog.Watch(lock_session);
  const unsigned long self = lock_session.thread_id();
  watchdog.KillAfter(timeout_s + 1,
                     [self](mysql::Session& s) { return DescribeBlockers(s, self); });
  for (const auto& stmt : plan.acquire) {
    Status st = RunLockStatement(lock_session, stmt, plan.acquire_polls, deadline, watchdog, errors,
                                 attempts);
    if (st.ok()) continue;
    watchdog.Stop();
    if (errors->cancelled()) return errors->first();
    if (watchdog.fired() || st.code() == StatusCode::kLockTimeout) {
      std::string blockers = watchdog.description();
      if (blockers.empty()) blockers = DescribeBlockers(lock_session, self);
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
