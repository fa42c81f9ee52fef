#include "restore/target.h"

#include <mysql.h>
#include <mysqld_error.h>

#include "myvault/sql/script.h"

namespace myvault::restore {

Result<std::unique_ptr<mysql::Session>> ConnectLoadSession(const LoadSessionSettings& settings,
                                                           const std::string& role,
                                                           bool* binlog_off) {
  ASSIGN_OR_RETURN(auto s,
                   mysql::Session::Connect(*settings.connection, role, settings.local_infile));
  RETURN_IF_ERROR(RunScript(*s, settings.header_sql, {}));
  RETURN_IF_ERROR(s->Execute("SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED"));
  RETURN_IF_ERROR(s->Execute("SET SESSION lock_wait_timeout = " +
                             std::to_string(settings.lock_wait_timeout_s)));
  if (settings.killer != nullptr) settings.killer->Watch(*s);
  *binlog_off = false;
  if (!settings.enable_binlog) {
    Status st = s->Execute("SET SESSION sql_log_bin=0");
    if (st.ok()) {
      *binlog_off = true;
    } else if (st.code() != StatusCode::kAuth &&
               st.server_errno() != ER_SPECIFIC_ACCESS_DENIED_ERROR) {
      return st;
    }
  }
  return s;
}

// How the server reads quotes now: a post member switches sql_mode to its object's, and the
// statements after that (the CREATE) must be split as the server will read them, as the mysql
// client does. MariaDB reports ANSI_QUOTES in the status flags; MySQL does not (there a body
// written under ANSI_QUOTES is split with "..." read as a string, which quotes the same bytes).
sql::QuoteRules QuoteRulesOf(mysql::Session& session) {
  constexpr unsigned kAnsiQuotes = 1u << 15;  // MariaDB's SERVER_STATUS_ANSI_QUOTES
  sql::QuoteRules rules;
  rules.backslash_escapes = (session.server_status() & SERVER_STATUS_NO_BACKSLASH_ESCAPES) == 0;
  rules.ansi_quotes = (session.server_status() & kAnsiQuotes) != 0;
  return rules;
}

Status RunScript(mysql::Session& session, std::string_view sql,
                 const std::map<std::string, std::string>& rename) {
  sql::StatementSplitter splitter(sql);
  std::string_view statement;
  sql::QuoteRules rules;
  while (splitter.Next(&statement)) {
    if (rename.empty()) {
      RETURN_IF_ERROR(session.Execute(statement));
    } else {
      RETURN_IF_ERROR(session.Execute(sql::RenameDatabases(statement, rename, rules)));
    }
    rules = QuoteRulesOf(session);
    splitter.set_quote_rules(rules);
  }
  return splitter.status();
}

void SessionPool::Add(std::unique_ptr<mysql::Session> s) {
  std::lock_guard<std::mutex> l(mu_);
  free_.push_back(std::move(s));
  ++total_;
  cv_.notify_one();
}

std::unique_ptr<mysql::Session> SessionPool::Take() {
  std::unique_lock<std::mutex> l(mu_);
  cv_.wait(l, [this] { return !free_.empty(); });
  auto s = std::move(free_.back());
  free_.pop_back();
  return s;
}

void SessionPool::Return(std::unique_ptr<mysql::Session> s) {
  std::lock_guard<std::mutex> l(mu_);
  free_.push_back(std::move(s));
  cv_.notify_one();
}

}  // namespace myvault::restore
