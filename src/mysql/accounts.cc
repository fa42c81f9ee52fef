#include "myvault/mysql/accounts.h"

#include <set>

#include "myvault/sql/script.h"

namespace myvault::mysql {
namespace {

constexpr std::string_view kCreateUser = "CREATE USER ";
constexpr std::string_view kCreateUserIfNotExists = "CREATE USER IF NOT EXISTS ";
constexpr std::string_view kCreateRoleIfNotExists = "CREATE ROLE IF NOT EXISTS ";

// The names of the roles a grant line grants ("GRANT `r`, `s` TO ..."); none for a grant of
// privileges ("GRANT SELECT ON ... TO ...") or any other line.
std::vector<std::string> GrantedRoles(std::string_view line) {
  if (line.substr(0, 6) != "GRANT ") return {};
  const size_t to = line.find(" TO ");
  if (to == std::string_view::npos) return {};
  std::string_view roles = line.substr(6, to - 6);
  if (roles.find(" ON ") != std::string_view::npos) return {};
  std::vector<std::string> out;
  while (!roles.empty()) {
    const size_t comma = roles.find(", ");
    out.emplace_back(roles.substr(0, comma));
    roles = comma == std::string_view::npos ? std::string_view() : roles.substr(comma + 2);
  }
  return out;
}

// Roles first: an account comes after every listed account granted to it. A cycle (which the
// servers refuse) would keep the remaining accounts in their listed order.
std::vector<Account> OrderByRoles(std::vector<Account> accounts) {
  std::set<std::string> names, placed;
  for (const Account& a : accounts) names.insert(a.name);
  std::vector<Account> out;
  std::vector<bool> done(accounts.size(), false);
  for (bool progress = true; progress;) {
    progress = false;
    for (size_t i = 0; i < accounts.size(); ++i) {
      if (done[i]) continue;
      bool ready = true;
      for (const std::string& line : accounts[i].grants) {
        for (const std::string& role : GrantedRoles(line)) {
          ready &= names.count(role) == 0 || placed.count(role) > 0 || role == accounts[i].name;
        }
      }
      if (!ready) continue;
      placed.insert(accounts[i].name);
      out.push_back(std::move(accounts[i]));
      done[i] = progress = true;
    }
  }
  for (size_t i = 0; i < accounts.size(); ++i) {
    if (!done[i]) out.push_back(std::move(accounts[i]));
  }
  return out;
}

// Reads a backquoted identifier at *s (`a``b` -> a`b) and moves past it.
Result<std::string> TakeQuoted(std::string_view* s) {
  if (s->empty() || s->front() != '`') return Corrupt("account SQL: a backquoted name expected");
  std::string out;
  for (size_t i = 1; i < s->size(); ++i) {
    if ((*s)[i] != '`') {
      out += (*s)[i];
    } else if (i + 1 < s->size() && (*s)[i + 1] == '`') {
      out += '`';
      ++i;
    } else {
      s->remove_prefix(i + 1);
      return out;
    }
  }
  return Corrupt("account SQL: an unterminated name");
}

}  // namespace

Result<std::vector<Account>> ListAccounts(Session& session) {
  ASSIGN_OR_RETURN(QueryResult r, session.Query(session.server().AccountsQuery()));
  std::vector<Account> out;
  for (size_t i = 0; i < r.rows.size(); ++i) {
    Account a;
    a.user = r.Get(i, "user");
    a.host = r.Get(i, "host");
    a.is_role = r.Get(i, "is_role") == "Y";
    a.name = session.server().AccountName(a.user, a.host, a.is_role);
    out.push_back(std::move(a));
  }
  return out;
}

Result<Account> ReadAccount(Session& session, const std::string& user, const std::string& host,
                            bool is_role) {
  const ServerInfo& server = session.server();
  Account a{user, host, is_role, server.AccountName(user, host, is_role), "", {}};
  const std::string show_create = server.ShowCreateAccountSql(user, host, is_role);
  if (show_create.empty()) {
    a.create = server.CreateRoleSql(user);
  } else {
    ASSIGN_OR_RETURN(QueryResult r, session.Query(show_create));
    if (r.rows.empty() || r.rows[0].empty() || !r.rows[0][0].has_value()) {
      return Status(StatusCode::kServer, show_create + " returned nothing");
    }
    a.create = *r.rows[0][0];
    if (a.create.compare(0, kCreateUser.size(), kCreateUser) == 0) {
      a.create = std::string(kCreateUserIfNotExists) + a.create.substr(kCreateUser.size());
    }
  }
  ASSIGN_OR_RETURN(QueryResult g, session.Query(server.ShowGrantsSql(user, host, is_role)));
  for (const Row& row : g.rows) {
    if (!row.empty() && row[0].has_value()) a.grants.push_back(GrantWithoutAuthentication(*row[0]));
  }
  return a;
}

Result<std::vector<Account>> ReadAccounts(Session& session) {
  const ServerInfo& server = session.server();
  if (!server.HasShowCreateUser()) {
    return Status(StatusCode::kServer, "accounts cannot be read from " + server.FlavorName() + " " +
                                           server.version + ": it has no SHOW CREATE USER");
  }
  const std::string setup = server.AccountSessionSql();
  if (!setup.empty()) RETURN_IF_ERROR(session.Execute(setup));
  ASSIGN_OR_RETURN(std::vector<Account> listed, ListAccounts(session));
  std::vector<Account> accounts;
  for (const Account& l : listed) {
    ASSIGN_OR_RETURN(Account a, ReadAccount(session, l.user, l.host, l.is_role));
    if (IsSystemAccount(a.user, a.host, a.create)) continue;
    accounts.push_back(std::move(a));
  }
  return OrderByRoles(std::move(accounts));
}

std::string AccountSql(const Account& account) {
  std::string out = "-- account " + account.name + "\n" + account.create + ";\n";
  for (const std::string& g : account.grants) out += g + ";\n";
  return out;
}

bool IsAccountSql(std::string_view sql) { return sql.substr(0, 11) == "-- account "; }

Result<Account> ParseAccountSql(std::string_view sql) {
  std::vector<std::string_view> statements;
  RETURN_IF_ERROR(sql::SplitStatements(sql, &statements));
  Account a;
  for (std::string_view st : statements) {
    while (!st.empty() && (st.front() == ' ' || st.front() == '\n')) st.remove_prefix(1);
    while (st.substr(0, 3) == "-- ") {
      const size_t nl = st.find('\n');
      st = nl == std::string_view::npos ? std::string_view() : st.substr(nl + 1);
    }
    if (st.empty()) continue;
    if (!a.create.empty()) {
      a.grants.emplace_back(st);
      continue;
    }
    a.create = std::string(st);
    a.is_role = st.substr(0, kCreateRoleIfNotExists.size()) == kCreateRoleIfNotExists;
    if (!a.is_role && st.substr(0, kCreateUserIfNotExists.size()) != kCreateUserIfNotExists) {
      return Corrupt("account SQL does not start with CREATE USER|ROLE IF NOT EXISTS");
    }
    std::string_view rest = st.substr(kCreateUserIfNotExists.size());  // same length as ROLE's
    const size_t before = rest.size();
    ASSIGN_OR_RETURN(a.user, TakeQuoted(&rest));
    if (!rest.empty() && rest.front() == '@') {
      rest.remove_prefix(1);
      ASSIGN_OR_RETURN(a.host, TakeQuoted(&rest));
    }
    a.name = std::string(st.substr(kCreateUserIfNotExists.size(), before - rest.size()));
  }
  if (a.create.empty()) return Corrupt("account SQL holds no CREATE statement");
  return a;
}

}  // namespace myvault::mysql
