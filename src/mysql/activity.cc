#include "myvault/mysql/activity.h"

#include <algorithm>
#include <charconv>
#include <set>

#include "myvault/sql/text.h"

namespace myvault::mysql {
namespace {

constexpr size_t kInfoShown = 100;

template <typename T>
T Number(const std::string& s) {
  T v = 0;
  std::from_chars(s.data(), s.data() + s.size(), v);
  return v;
}

// Every session but this one and the replicas' dump threads, with its open transaction when
// the account may see them (INNODB_TRX needs PROCESS, as seeing other users' sessions does).
Result<QueryResult> Processlist(Session& s, bool* sees_everyone) {
  const std::string columns =
      "SELECT p.ID AS id, p.USER AS user, p.HOST AS host, p.DB AS db, p.COMMAND AS command, "
      "p.TIME AS time, p.STATE AS state, LEFT(REPLACE(p.INFO, '\\n', ' '), 2000) AS info, ";
  const std::string where =
      " WHERE p.ID <> CONNECTION_ID() AND p.COMMAND NOT IN ('Daemon', 'Binlog Dump', "
      "'Binlog Dump GTID') ORDER BY p.TIME DESC";
  auto rows = s.Query(columns +
                      "t.trx_started AS trx FROM information_schema.PROCESSLIST p LEFT JOIN "
                      "information_schema.INNODB_TRX t ON t.trx_mysql_thread_id = p.ID" +
                      where);
  *sees_everyone = rows.ok();
  if (rows.ok() || rows.status().code() != StatusCode::kAuth) return rows;
  return s.Query(columns + "NULL AS trx FROM information_schema.PROCESSLIST p" + where);
}

SessionActivity FromRow(const QueryResult& r, size_t i) {
  SessionActivity a;
  a.id = Number<unsigned long>(r.Get(i, "id"));
  a.user = r.Get(i, "user");
  a.host = r.Get(i, "host");
  a.db = r.Get(i, "db");
  a.command = r.Get(i, "command");
  a.seconds = Number<uint64_t>(r.Get(i, "time"));
  a.state = r.Get(i, "state");
  a.info = r.Get(i, "info");
  a.transaction_since = r.Get(i, "trx");
  return a;
}

bool Names(const SessionActivity& a, const std::vector<std::string>& databases) {
  return std::any_of(databases.begin(), databases.end(), [&](const std::string& d) {
    return a.db == d || (!a.info.empty() && a.info.find(d) != std::string::npos);
  });
}

}  // namespace

Result<Activity> SessionsUsing(Session& s, const std::vector<std::string>& databases,
                               const std::vector<unsigned long>& ours, bool open_transactions) {
  Activity out;
  if (databases.empty()) return out;
  std::string list;
  for (const auto& d : databases) list += (list.empty() ? "" : ", ") + sql::StringLiteral(d);
  std::set<unsigned long> holders;
  auto locks = s.Query(s.server().MetadataLockHoldersQuery(list));
  if (locks.ok()) {
    out.exact = true;
    for (size_t i = 0; i < locks->rows.size(); ++i) {
      holders.insert(Number<unsigned long>(locks->Get(i, "id")));
    }
  }
  ASSIGN_OR_RETURN(QueryResult rows, Processlist(s, &out.sees_everyone));
  const std::set<unsigned long> mine(ours.begin(), ours.end());
  for (size_t i = 0; i < rows.rows.size(); ++i) {
    SessionActivity a = FromRow(rows, i);
    if (mine.count(a.id) > 0) continue;
    const bool open = !a.transaction_since.empty();
    if (Names(a, databases) || holders.count(a.id) > 0 ||
        (open && open_transactions && !out.exact)) {
      out.sessions.push_back(std::move(a));
    } else if (open && !out.exact) {
      ++out.other_transactions;
    }
  }
  for (const auto& d : databases) {
    auto in_use = s.Query("SHOW OPEN TABLES FROM " + sql::QuoteIdentifier(d) + " WHERE In_use > 0");
    if (!in_use.ok()) continue;  // a database that does not exist yet
    for (size_t i = 0; i < in_use->rows.size(); ++i) {
      out.tables_in_use.push_back(sql::QualifiedName(d, in_use->Get(i, "Table")));
    }
  }
  return out;
}

Result<std::vector<SessionActivity>> LongestRunning(Session& s, unsigned long exclude, int limit) {
  bool sees_everyone = false;
  ASSIGN_OR_RETURN(QueryResult rows, Processlist(s, &sees_everyone));
  std::vector<SessionActivity> out;
  for (size_t i = 0; i < rows.rows.size() && out.size() < static_cast<size_t>(limit); ++i) {
    SessionActivity a = FromRow(rows, i);
    if (a.id != exclude && a.command != "Sleep" && !a.info.empty()) out.push_back(std::move(a));
  }
  return out;
}

std::string DescribeSession(const SessionActivity& a) {
  std::string out = "connection " + std::to_string(a.id) + " (" + a.user + "@" + a.host;
  if (!a.db.empty()) out += ", db " + a.db;
  out += ", " + a.command + " for " + std::to_string(a.seconds) + " s";
  if (!a.state.empty()) out += ", " + a.state;
  if (!a.transaction_since.empty()) out += ", transaction open since " + a.transaction_since;
  if (!a.info.empty()) {
    out += ": " + a.info.substr(0, kInfoShown) + (a.info.size() > kInfoShown ? "..." : "");
  }
  return out + ")";
}

std::string DescribeSessions(const std::vector<SessionActivity>& sessions, size_t limit) {
  std::string out;
  for (size_t i = 0; i < std::min(sessions.size(), limit); ++i) {
    out += (i == 0 ? "" : "; ") + DescribeSession(sessions[i]);
  }
  if (sessions.size() > limit) out += "; and " + std::to_string(sessions.size() - limit) + " more";
  return out;
}

}  // namespace myvault::mysql
