// Accounts: a server's users and roles, read as the statements that recreate them.
//
// ReadAccounts lists every account but the server's own (IsSystemAccount), each as its
// CREATE USER (authentication plugin and hash, never a password; resource limits, password and
// lock options) or CREATE ROLE statement, and its SHOW GRANTS lines (privileges at every level,
// roles granted, PROXY, SET DEFAULT ROLE), ordered so that an account comes after the roles
// granted to it. AccountSql writes one account as SQL text (the archive's account members and
// mysqldump --system=users print it); ParseAccountSql reads that text back. Every flavour
// difference comes from ServerInfo (server_info.h).
//
// Thread safety: the functions use only the session they are given; Account is a plain value.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "myvault/mysql/session.h"
#include "myvault/status.h"

namespace myvault::mysql {

struct Account {
  std::string user, host;           // a MariaDB role: its name in `user`, host empty
  bool is_role = false;             // a MariaDB role (MySQL's roles are accounts)
  std::string name;                 // `user`@`host`, or `role` (ServerInfo::AccountName)
  std::string create;               // CREATE USER IF NOT EXISTS ... / CREATE ROLE IF NOT EXISTS ...
  std::vector<std::string> grants;  // SHOW GRANTS lines in the server's order, no ';'
  // "user `app`@`%`" or "role `reader`", for messages.
  std::string Describe() const { return (is_role ? "role " : "user ") + name; }
};

// Every account of the server but the system ones, roles before the accounts they are granted
// to. Fails (kServer) when the server has no SHOW CREATE USER or the account may not read
// the `mysql` database.
Result<std::vector<Account>> ReadAccounts(Session& session);
// One account as it is on the server now (it must exist).
Result<Account> ReadAccount(Session& session, const std::string& user, const std::string& host,
                            bool is_role);
// The (user, host, is_role) of every account of the server, system ones included.
Result<std::vector<Account>> ListAccounts(Session& session);

// "-- account NAME\n" then the CREATE statement and each grant, each ending ";\n".
std::string AccountSql(const Account& account);
// Whether `sql` is AccountSql's text (it starts with "-- account ").
bool IsAccountSql(std::string_view sql);
// An account from AccountSql's text (user, host, is_role, name, create, grants). kCorrupt when
// the first statement is not CREATE USER|ROLE IF NOT EXISTS with a backquoted name.
Result<Account> ParseAccountSql(std::string_view sql);

}  // namespace myvault::mysql
