// What a restore makes sure of before it asks for confirmation (see restore_run.h for the order):
//
// - the restore lock: a user lock (GET_LOCK) per target database, taken on the restore's main
//   connection and held until it closes, so two restores into overlapping databases cannot run
//   at once (the second stops at once, naming the holder); re-taken after a reconnect;
// - the binary log and the replicas: whether the server logs, whether this load goes into the
//   log, and how many replicas read it now; with replicas connected the operator must choose;
// - the privileges: what the account lacks for what this archive needs, from
//   information_schema.USER_PRIVILEGES / SCHEMA_PRIVILEGES (global and database grants of the
//   account itself; a role's or PUBLIC's grants are not visible there, so with a role enabled a
//   gap is only a warning);
// - the sessions using the databases about to be replaced (mysql/activity.h).
//
// The decisions are pure functions of what was read, unit-tested without a server.
//
// Thread safety: functions of their arguments, on the restore's main thread.
#pragma once

#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "myvault/mysql/session.h"
#include "myvault/restore/restorer.h"
#include "myvault/status.h"

namespace myvault::restore {

// "myvault-restore:" + the database name, or + a SHA-256 prefix of it when the name is not
// printable ASCII or the whole would pass 64 characters (MySQL's limit for lock names).
std::string RestoreLockName(const std::string& database);
// Takes the lock of every database (sorted) without waiting. kLockTimeout naming the connection
// that holds one ("another restore is loading `shop` ...").
Status TakeRestoreLocks(mysql::Session& s, std::vector<std::string> databases);

struct Replication {
  bool binlog_on = false;  // @@log_bin
  bool can_skip = false;   // sql_log_bin=0 took on the restore's sessions
  int replicas = -1;       // replicas reading the binary log now; -1: cannot be seen (no PROCESS)
};
// Reads @@log_bin and the replicas' dump threads. `sql_log_bin_off`: what ConnectLoadSession said.
Result<Replication> InspectReplication(mysql::Session& s, bool sql_log_bin_off);
// The confirmation's "binary log: ..." line for `choice`, or why the restore cannot go on:
// kInvalidArgument naming --enable-binlog and --skip-binlog when replicas are (or may be)
// connected and no choice was made; kAuth when --skip-binlog cannot be honoured.
// `privilege` names what sets sql_log_bin (ServerInfo::SqlLogBinPrivilege).
Result<std::string> DecideBinlog(const Replication& r, Binlog choice, const std::string& privilege);

// Grants of the account: global privileges and (database pattern, privilege) pairs.
struct Grants {
  std::string account;  // CURRENT_USER(): "user@host"
  std::set<std::string> global;
  std::vector<std::pair<std::string, std::string>> databases;
  bool role_enabled = false;  // its grants are not visible: missing ones are not certain
};
Result<Grants> ReadGrants(mysql::Session& s);
// Whether a database-level grant pattern (`%`, `_`, `\` escapes, as in GRANT ... ON `p`.*)
// covers `name`.
bool GrantPatternMatches(std::string_view pattern, std::string_view name);
// Of `needed`, the privileges `grants` do not give on `database`, in the order given.
std::vector<std::string> MissingOn(const Grants& grants, const std::string& database,
                                   const std::vector<std::string>& needed);
// Privileges on the target databases for objects of these kinds ("table", "view", "trigger",
// "procedure", "function", "event", "sequence"); `alter`: deferred indexes need ALTER.
std::vector<std::string> PrivilegesFor(const std::set<std::string>& kinds, bool alter);
// The DEFINER accounts named in archive SQL, as "user@host" (quotes removed).
std::vector<std::string> Definers(std::string_view sql);

}  // namespace myvault::restore
