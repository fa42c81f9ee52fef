// QueryKiller: ends our own statements that wait inside the server, from a connection of its own.
//
// A statement waiting for a lock (a DROP DATABASE behind an open transaction, a backup lock
// behind LOCK TABLES) does not look at myvault's cancel flag, and SIGINT/SIGTERM reach myvault
// only through that flag (common/cancel.h). A QueryKiller runs one thread that polls `cancel`
// every 100 ms. Once it is cancelled, it opens a connection and runs KILL QUERY for every session
// it watches, and again every 250 ms until Stop(), so a statement that starts after the signal is
// ended too. With KillAfter it also kills the watched statements once a deadline passes, running
// `describe` on its connection just before, so the caller can say who blocked them. The dump
// uses it for its backup-lock request and its workers, the restore for every session it opens.
//
// Thread safety: Watch, Forget, KillAfter, Stop and the accessors may be called from any thread.
// A watched Session forgets itself when destroyed (Session::SetCloseHook), so a Session is watched
// by one QueryKiller at a time; a QueryKiller must not be destroyed while another thread destroys
// a Session it watches.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "myvault/common/cancel.h"
#include "myvault/mysql/options.h"
#include "myvault/mysql/session.h"

namespace myvault::mysql {

class QueryKiller {
 public:
  // `cancel` may be null (deadline only); it must outlive the QueryKiller.
  QueryKiller(ConnectionOptions options, const ErrorCollector* cancel);
  ~QueryKiller();
  QueryKiller(const QueryKiller&) = delete;
  QueryKiller& operator=(const QueryKiller&) = delete;

  // Kill `session`'s statement on cancellation (and at the deadline) until it is destroyed or
  // forgotten.
  void Watch(Session& session);
  void Forget(Session* session);
  // The server connection ids of the watched sessions: our own, never a blocker.
  std::vector<unsigned long> WatchedIds() const;
  // Also kill the watched statements `seconds` from now, unless Stop() comes first. `describe`
  // runs on the killer's connection just before; description() returns what it said.
  void KillAfter(double seconds, std::function<std::string(Session&)> describe);
  // Ends the thread; no statement is killed after it returns. Idempotent.
  void Stop();
  // True once the deadline fired (not for a cancellation).
  bool fired() const { return fired_; }
  std::string description() const;

 private:
  void Run();
  // Opens the killer's connection when needed; false when the server cannot be reached.
  bool Connected();
  void KillWatched(const std::vector<unsigned long>& ids);

  const ConnectionOptions options_;
  const ErrorCollector* cancel_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool done_ = false;
  std::map<Session*, unsigned long> watched_;  // mu_
  std::optional<std::chrono::steady_clock::time_point> deadline_;
  std::function<std::string(Session&)> describe_;
  std::string description_;
  std::atomic<bool> fired_{false};
  std::unique_ptr<Session> killer_;  // the thread's own; opened on the first kill
  bool unreachable_ = false;         // the thread's own
  std::thread thread_;
};

}  // namespace myvault::mysql
