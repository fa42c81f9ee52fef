// The archiver's start: requirement checks and where a first start begins.
#include <algorithm>

#include "archiver_internal.h"
#include "myvault/binlog/window.h"
#include "myvault/mysql/server_info.h"

namespace myvault::binlog {

void Log(const ArchiverOptions& options, const std::string& line) {
  if (options.log) options.log(line);
}

uint32_t ReplicaServerId(const std::string& dir, const std::string& prefix) {
  uint64_t h = 1469598103934665603ULL;  // FNV-1a
  std::string key = dir;
  key.append("/").append(prefix);
  for (char c : key) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ULL;
  }
  return static_cast<uint32_t>(1000000000ULL + h % 1000000000ULL);
}

Status CheckRequirements(mysql::Session& session, const ArchiverOptions& options) {
  ASSIGN_OR_RETURN(mysql::QueryResult v,
                   session.Query("SELECT @@GLOBAL.log_bin, @@GLOBAL.server_id, "
                                 "@@GLOBAL.binlog_format"));
  const std::string log_bin = v.rows.empty() ? "" : v.rows[0][0].value_or("");
  if (log_bin != "1" && log_bin != "ON") {
    return Status(StatusCode::kServer,
                  "the server writes no binary log (log_bin is OFF): start it with --log-bin "
                  "(and binlog_format=ROW) to archive its binlog");
  }
  if (v.rows[0][1].value_or("0") == "0") {
    return Status(StatusCode::kServer,
                  "the server's server_id is 0, and a server with server_id 0 refuses replicas: "
                  "give it a server_id");
  }
  const std::string format = v.rows[0][2].value_or("");
  if (format != "ROW") {
    Log(options, "warning: binlog_format is " + format +
                     ", not ROW: a replay re-executes statements, whose results can differ; "
                     "ROW is recommended");
  }
  ASSIGN_OR_RETURN(mysql::QueryResult grants, session.Query("SHOW GRANTS"));
  std::vector<std::string> lines;
  for (const auto& row : grants.rows) lines.push_back(row.empty() ? "" : row[0].value_or(""));
  if (!mysql::GrantsInclude(lines, "REPLICATION SLAVE")) {
    return Status(StatusCode::kAuth,
                  "the account lacks REPLICATION SLAVE, which reading the binlog needs: GRANT "
                  "REPLICATION SLAVE ON *.* TO the account");
  }
  const std::vector<std::string> monitor = session.server().BinlogMonitorPrivileges();
  if (std::none_of(monitor.begin(), monitor.end(),
                   [&](const std::string& p) { return mysql::GrantsInclude(lines, p); })) {
    return Status(StatusCode::kAuth, "the account lacks " + monitor.front() +
                                         ", which listing the binary logs needs: GRANT " +
                                         monitor.front() + " ON *.* TO the account");
  }
  return Status::Ok();
}

Result<std::vector<std::string>> ServerBinlogs(mysql::Session& session) {
  ASSIGN_OR_RETURN(mysql::QueryResult logs, session.Query(session.server().BinaryLogsQuery()));
  std::vector<std::string> out;
  for (const auto& row : logs.rows) {
    if (!row.empty() && row[0]) out.push_back(*row[0]);
  }
  if (out.empty()) return Status(StatusCode::kServer, "the server lists no binary log");
  return out;
}

Result<std::string> FirstStartFile(mysql::Session& session, const ArchiverOptions& options) {
  ASSIGN_OR_RETURN(std::vector<std::string> logs, ServerBinlogs(session));
  ASSIGN_OR_RETURN(std::vector<SnapshotPosition> snaps,
                   BackupSnapshots(options.dir, options.prefix));
  if (!snaps.empty()) {
    const SnapshotPosition& oldest = snaps.front();
    if (std::find(logs.begin(), logs.end(), oldest.file) != logs.end()) {
      Log(options, "first start: archiving from binlog " + oldest.file +
                       ", which holds the "
                       "snapshot of the oldest backup " +
                       oldest.backup + " (" + oldest.file + ":" + std::to_string(oldest.position) +
                       ")");
      return oldest.file;
    }
    Log(options, "first start: the server no longer has binlog " + oldest.file +
                     " of the oldest backup " + oldest.backup +
                     "; the window opens at the current binlog " + logs.back());
  } else {
    Log(options,
        "first start: no backup records a binlog position; the window opens at the "
        "current binlog " +
            logs.back());
  }
  return logs.back();
}

}  // namespace myvault::binlog
