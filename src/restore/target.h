// Connections to the restore target, and running archive SQL on them.
//
// A load session carries the archive header's session settings (character set, UTC time zone,
// no unique/foreign-key checks, the dump's sql_mode), READ COMMITTED (parallel inserts into one
// table take no gap locks), the restore's lock_wait_timeout, and sql_log_bin=0 unless binary
// logging is wanted; the restore's QueryKiller watches it, so a cancellation ends its statement.
//
// Thread safety: a SessionPool may be used from many threads; each Session from one at a time.
#pragma once

#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "myvault/mysql/killer.h"
#include "myvault/mysql/session.h"
#include "myvault/sql/script.h"
#include "myvault/status.h"

namespace myvault::restore {

struct LoadSessionSettings {
  const mysql::ConnectionOptions* connection = nullptr;
  std::string header_sql;  // the archive's header member
  bool enable_binlog = false;
  bool local_infile = false;  // the session may run LOAD DATA LOCAL INFILE
  int lock_wait_timeout_s = 60;
  mysql::QueryKiller* killer = nullptr;  // watches every session (may be null)
};

// Connects and sets a session up for loading. *binlog_off tells whether sql_log_bin=0 took
// (a user without the privilege keeps binary logging on).
Result<std::unique_ptr<mysql::Session>> ConnectLoadSession(const LoadSessionSettings& settings,
                                                           const std::string& role,
                                                           bool* binlog_off);

// How the mysql client would read quotes in the next statement on `session` (its sql_mode, from
// the server's status flags).
sql::QuoteRules QuoteRulesOf(mysql::Session& session);

// Runs the statements of `sql` in order, with --rename applied to each.
Status RunScript(mysql::Session& session, std::string_view sql,
                 const std::map<std::string, std::string>& rename);

// Load sessions handed out one at a time.
class SessionPool {
 public:
  void Add(std::unique_ptr<mysql::Session> s);
  // Blocks until a session is free.
  std::unique_ptr<mysql::Session> Take();
  void Return(std::unique_ptr<mysql::Session> s);
  size_t size() const { return total_; }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<mysql::Session>> free_;
  size_t total_ = 0;
};

// Runs fn(item, session) for every item on up to pool->size() threads, each holding one pooled
// session (a std::unique_ptr<mysql::Session>&: fn may replace a lost one). Stops handing out
// items after the first error (or when `stop` returns true) and returns that error.
template <typename Item, typename Fn, typename Stop>
Status ForEachWithSession(const std::vector<Item>& items, SessionPool* pool, Fn fn, Stop stop);

}  // namespace myvault::restore

#include "restore/target_inl.h"
