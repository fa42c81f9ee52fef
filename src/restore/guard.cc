// The restore lock and the binary log / replicas decision (guard.h), and the RestoreRun steps
// that use them and the session listing: connecting the main session, the checks before the
// confirmation, the lines they add to it, and naming the sessions behind a lock wait timeout.
#include "restore/guard.h"

#include <mysqld_error.h>

#include <algorithm>

#include "myvault/archive/format.h"
#include "myvault/archive/sha256.h"
#include "myvault/sql/text.h"
#include "restore/restore_run.h"

namespace myvault::restore {
namespace {

constexpr size_t kMaxLockName = 64;
constexpr size_t kSessionsShown = 5;

bool PrintableAscii(const std::string& s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= 0x20 && c < 0x7F; });
}

// "connection 42 (root@localhost, Sleep for 3 s)", as far as the processlist shows it.
std::string DescribeHolder(mysql::Session& s, const std::string& id) {
  if (id.empty()) return "a connection that has since ended";
  auto row = s.Query(
      "SELECT USER AS user, HOST AS host, COMMAND AS command, TIME AS time FROM "
      "information_schema.PROCESSLIST WHERE ID = " +
      id);
  if (!row.ok() || row->rows.empty()) return "connection " + id;
  return "connection " + id + " (" + row->Get(0, "user") + "@" + row->Get(0, "host") + ", " +
         row->Get(0, "command") + " for " + row->Get(0, "time") + " s)";
}

std::string ReplicasText(int replicas) {
  if (replicas < 0)
    return "whether replicas are connected cannot be seen (this account lacks PROCESS)";
  if (replicas == 0) return "no replica is connected now";
  return std::to_string(replicas) + (replicas == 1 ? " connected replica" : " connected replicas");
}

}  // namespace

std::string RestoreLockName(const std::string& database) {
  const std::string prefix = "myvault-restore:";
  if (PrintableAscii(database) && prefix.size() + database.size() <= kMaxLockName) {
    return prefix + database;
  }
  return prefix + archive::Sha256Hex(archive::Sha256::Of(database)).substr(0, 48);
}

Status TakeRestoreLocks(mysql::Session& s, std::vector<std::string> databases) {
  std::sort(databases.begin(), databases.end());
  databases.erase(std::unique(databases.begin(), databases.end()), databases.end());
  for (const std::string& db : databases) {
    const std::string name = sql::StringLiteral(RestoreLockName(db));
    ASSIGN_OR_RETURN(auto got, s.Query("SELECT GET_LOCK(" + name + ", 0) AS got"));
    if (got.Get(0, "got") == "1") continue;
    ASSIGN_OR_RETURN(auto holder, s.Query("SELECT IS_USED_LOCK(" + name + ") AS id"));
    return Status(StatusCode::kLockTimeout,
                  "another restore is loading " + sql::QuoteIdentifier(db) + " into this server: " +
                      DescribeHolder(s, holder.Get(0, "id")) + " holds the lock " +
                      RestoreLockName(db) + "; run this restore after it ends");
  }
  return Status::Ok();
}

Result<Replication> InspectReplication(mysql::Session& s, bool sql_log_bin_off) {
  Replication r;
  r.can_skip = sql_log_bin_off;
  ASSIGN_OR_RETURN(auto log_bin, s.Query("SELECT @@global.log_bin AS b"));
  r.binlog_on = log_bin.Get(0, "b") == "1";
  if (!r.binlog_on) return r;
  // Replicas' dump threads belong to their own account: only PROCESS shows them, and reading
  // INNODB_TRX is the side-effect-free test of that privilege (roles included).
  if (!s.Query("SELECT COUNT(*) FROM information_schema.INNODB_TRX").ok()) return r;
  ASSIGN_OR_RETURN(auto replicas, s.Query(s.server().ConnectedReplicasQuery()));
  r.replicas = static_cast<int>(replicas.rows.size());
  return r;
}

Result<std::string> DecideBinlog(const Replication& r, Binlog choice,
                                 const std::string& privilege) {
  if (!r.binlog_on) return std::string("binary log: off on this server; nothing is replicated");
  if (choice == Binlog::kEnable) {
    return "binary log: on; this load is written to it (--enable-binlog): " +
           (r.replicas > 0 ? ReplicasText(r.replicas) + " will replay it"
                           : ReplicasText(r.replicas));
  }
  if (choice == Binlog::kSkip) {
    if (!r.can_skip) {
      return Status(StatusCode::kAuth,
                    "the load is to stay out of the binary log (--skip-binlog), but this account "
                    "may not set sql_log_bin (it needs " +
                        privilege + ")");
    }
    return "binary log: on; this load is NOT written to it (--skip-binlog): replicas will not "
           "follow (" +
           ReplicasText(r.replicas) + ")";
  }
  if (r.replicas != 0) {
    return InvalidArgument(
        (r.replicas > 0 ? "the target has " + ReplicasText(r.replicas)
                        : "the target writes a binary log and " + ReplicasText(r.replicas)) +
        ": choose --enable-binlog (replicas replay this load) or --skip-binlog (they do not, and "
        "differ from the target afterwards)");
  }
  if (r.can_skip) {
    return std::string(
        "binary log: on; this load is NOT written to it (no replica is connected now; "
        "--enable-binlog would write it)");
  }
  return "binary log: on; this load IS written to it (this account may not set sql_log_bin: "
         "that needs " +
         privilege + "); no replica is connected now";
}

Result<std::unique_ptr<mysql::Session>> RestoreRun::ConnectControl() {
  bool off = false;
  ASSIGN_OR_RETURN(auto s, ConnectLoadSession(settings_, "restore", &off));
  binlog_off_ = off;
  std::vector<std::string> targets;
  for (const auto& [from, to] : plan_.Databases(archive_databases_)) targets.push_back(to);
  RETURN_IF_ERROR(TakeRestoreLocks(*s, targets));
  return s;
}

ReconnectPolicy RestoreRun::Policy(const std::string& role) {
  ReconnectPolicy p;
  p.connect = [this, role]() -> Result<std::unique_ptr<mysql::Session>> {
    bool off = false;
    return ConnectLoadSession(settings_, role, &off);
  };
  p.retries = o_.retries;
  p.progress = &progress_;
  p.cancel = errors_;
  return p;
}

Status RestoreRun::OnControl(const std::function<Status(mysql::Session&)>& fn) {
  if (errors_->cancelled()) return errors_->first();
  ReconnectPolicy control = Policy("restore");
  control.connect = [this] { return ConnectControl(); };
  return WithReconnect(control, &control_, fn);
}

Result<mysql::QueryResult> RestoreRun::ControlQuery(const std::string& sql) {
  mysql::QueryResult out;
  RETURN_IF_ERROR(OnControl([&](mysql::Session& s) -> Status {
    ASSIGN_OR_RETURN(out, s.Query(sql));
    return Status::Ok();
  }));
  return out;
}

Status RestoreRun::Guard() {
  ASSIGN_OR_RETURN(Replication replication, InspectReplication(*control_, binlog_off_));
  const std::string log_bin_privilege = control_->server().SqlLogBinPrivilege();
  auto line = DecideBinlog(replication, o_.binlog, log_bin_privilege);
  if (!line.ok() && line.status().code() != StatusCode::kAuth) return line.status();
  // --skip-binlog that cannot be honoured is one more missing privilege: said with the others.
  RETURN_IF_ERROR(CheckPrivileges(
      replication.binlog_on,
      line.ok() ? "" : log_bin_privilege + " (to keep the load out of the binary log)"));
  if (!line.ok()) return line.status();
  replication_line_ = *line;
  std::vector<std::string> existing;
  for (const auto& d : databases_) {
    if (d.exists) existing.push_back(d.target);
  }
  auto activity = mysql::SessionsUsing(*control_, existing, killer_->WatchedIds(), false);
  if (activity.ok()) activity_ = std::move(activity).value();
  return Status::Ok();
}

std::string RestoreRun::SafetySummary() const {
  std::string out = "  " + replication_line_ + "\n";
  std::string locks;
  for (const auto& d : databases_) locks += (locks.empty() ? "" : ", ") + RestoreLockName(d.target);
  if (!locks.empty()) out += "  other restores of these databases are locked out (" + locks + ")\n";
  if (!activity_.sessions.empty()) {
    out += "  WARNING: " + std::to_string(activity_.sessions.size()) +
           " open session(s) use the databases to be replaced; dropping them waits for these "
           "(at most --lock-wait-timeout " +
           std::to_string(o_.lock_wait_timeout_s) + " s):\n";
    for (size_t i = 0; i < std::min(activity_.sessions.size(), kSessionsShown); ++i) {
      out += "    " + mysql::DescribeSession(activity_.sessions[i]) + "\n";
    }
    if (activity_.sessions.size() > kSessionsShown) {
      out += "    and " + std::to_string(activity_.sessions.size() - kSessionsShown) + " more\n";
    }
  }
  if (!activity_.tables_in_use.empty()) {
    std::string tables;
    for (const auto& t : activity_.tables_in_use) tables += (tables.empty() ? "" : ", ") + t;
    out +=
        "  WARNING: in use by another session now (LOCK TABLES or a running statement): " + tables +
        "\n";
  }
  if (activity_.other_transactions > 0) {
    out += "  " + std::to_string(activity_.other_transactions) +
           " other session(s) have a transaction open; one that read these databases holds up "
           "their drop too\n";
  }
  if (!activity_.sees_everyone) {
    out += "  (this account lacks PROCESS: other accounts' sessions and replicas are not shown)\n";
  }
  return out;
}

Status RestoreRun::NameBlockers(const Status& st) {
  if (st.server_errno() != ER_LOCK_WAIT_TIMEOUT || control_ == nullptr) return st;
  std::vector<std::string> targets;
  for (const auto& d : databases_) targets.push_back(d.target);
  std::string text =
      " (waited --lock-wait-timeout " + std::to_string(o_.lock_wait_timeout_s) + " s";
  auto activity = mysql::SessionsUsing(*control_, targets, killer_->WatchedIds(), true);
  if (!activity.ok()) return Status(st.code(), st.message() + text + ")");
  if (activity->sessions.empty()) {
    text += "; no session using these databases could be seen";
  } else {
    text += activity->exact ? "; held by " : "; sessions that may hold it: ";
    text += mysql::DescribeSessions(activity->sessions, kSessionsShown);
  }
  for (size_t i = 0; i < activity->tables_in_use.size(); ++i) {
    text += (i == 0 ? "; tables in use by another session: " : ", ") + activity->tables_in_use[i];
  }
  if (!activity->sees_everyone) text += "; this account lacks PROCESS to see other accounts";
  return Status(st.code(), st.message() + text + ")");
}

}  // namespace myvault::restore
