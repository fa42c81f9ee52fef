// What other sessions on a server are doing: to name who keeps a lock from us, and to show an
// operator who is using the databases a restore is about to replace.
//
// Reads information_schema.PROCESSLIST with each session's open InnoDB transaction
// (INNODB_TRX). An account without PROCESS sees only its own user's sessions and no transactions;
// the result says so rather than pretending nobody is there. Who holds a metadata lock is known
// exactly only where the server tells (ServerInfo::MetadataLockHoldersQuery: MariaDB's
// metadata_lock_info plugin, MySQL's performance_schema); elsewhere the sessions that may hold one
// are guessed: those whose current database or statement names the databases and, when asked,
// every open transaction (one that read a table keeps its metadata lock until it ends, whatever
// its current database). Tables that some session has in use (SHOW OPEN TABLES, which is how a
// LOCK TABLES shows) are listed besides.
//
// Thread safety: free functions over the Session given (one thread at a time per Session).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "myvault/mysql/session.h"
#include "myvault/status.h"

namespace myvault::mysql {

struct SessionActivity {
  unsigned long id = 0;
  std::string user, host, db, command, state, info;
  uint64_t seconds = 0;           // in its current command
  std::string transaction_since;  // an open InnoDB transaction started then; "" for none
};

struct Activity {
  std::vector<SessionActivity> sessions;
  std::vector<std::string> tables_in_use;  // `db`.`t` that some session has in use
  uint64_t other_transactions = 0;         // open transactions not listed (when not asked for them)
  bool sees_everyone = true;  // false: no PROCESS, only this account's sessions visible
  bool exact = false;         // lock holders known from the server's lock table
};

// Other sessions (never this one, nor any id in `ours`) that use `databases`; with
// `open_transactions`, also every session with an open transaction when the holders are not
// known exactly (else only their number, in other_transactions).
Result<Activity> SessionsUsing(Session& s, const std::vector<std::string>& databases,
                               const std::vector<unsigned long>& ours, bool open_transactions);

// The `limit` longest-running statements of other sessions (not `exclude`): the likely blockers
// of a global lock.
Result<std::vector<SessionActivity>> LongestRunning(Session& s, unsigned long exclude, int limit);

// "connection 42 (app@10.0.0.5, db shop, Sleep for 31 s, transaction open since 2026-12-04
// 12:00:01: SELECT ...)".
std::string DescribeSession(const SessionActivity& a);
// Up to `limit` sessions joined by "; ", then "and N more"; "" for none.
std::string DescribeSessions(const std::vector<SessionActivity>& sessions, size_t limit);

}  // namespace myvault::mysql
