// ChooseLockPlan and its helpers (declared in server_info.h): which statements line up a dump's
// snapshots, from the server's capabilities, the account's grants and the binary-log settings.
#include <algorithm>
#include <cctype>

#include "myvault/mysql/server_info.h"
#include "myvault/sql/text.h"

namespace myvault::mysql {
namespace {

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

LockPlan GlobalLockPlan(const ServerInfo& server, SnapshotMethod method, bool nontransactional) {
  LockPlan plan;
  if (method == SnapshotMethod::kBackupStage) {
    // Holds commits (and DDL) just long enough for every connection to open its snapshot.
    plan.kind = LockPlan::Kind::kBackupStage;
    plan.acquire = {"BACKUP STAGE START", "BACKUP STAGE BLOCK_COMMIT"};
    plan.release = {"BACKUP STAGE END"};
    return plan;
  }
  // FTWRL: the portable way to hold every write, transactional or not. Flushing first without
  // the read lock makes the locked FLUSH faster, as mysqldump does.
  plan.kind = LockPlan::Kind::kFlushTablesWithReadLock;
  plan.acquire = {"FLUSH LOCAL TABLES", "FLUSH TABLES WITH READ LOCK"};
  if (server.HasLockInstanceForBackup()) plan.after_snapshot = {"LOCK INSTANCE FOR BACKUP"};
  plan.release = {"UNLOCK TABLES"};
  plan.hold_until_nontransactional_done = nontransactional;
  return plan;
}

// LOCK TABLES ... READ waits (through the metadata locks) until every transaction that wrote one
// of the tables has committed, then blocks writes to them: snapshots opened while it is held
// agree on those tables, whatever else the server does.
LockPlan LockTablesPlan(const ServerInfo& server, const LockPlanRequest& request) {
  LockPlan plan;
  plan.kind = LockPlan::Kind::kLockTables;
  plan.locked_tables = request.tables.size();
  plan.position_from_snapshot = !server.SnapshotBinlogQuery().empty();
  plan.hold_until_nontransactional_done = request.has_nontransactional;
  if (request.tables.empty()) return plan;  // nothing to line up: no statement
  std::string sql = "LOCK TABLES ";
  for (size_t i = 0; i < request.tables.size(); ++i) {
    if (i > 0) sql += ", ";
    sql += sql::QualifiedName(request.tables[i].first, request.tables[i].second) + " READ";
  }
  if (server.HasLockTablesNowait()) {
    sql += " NOWAIT";
    plan.acquire_polls = true;
  }
  plan.acquire = {std::move(sql)};
  plan.release = {"UNLOCK TABLES"};
  return plan;
}

// Why snapshot-check cannot line the snapshots up here, or "".
std::string SnapshotCheckObstacle(const ServerInfo& server, const LockPlanRequest& request) {
  if (server.SnapshotBinlogQuery().empty()) {
    return "needs MariaDB (the binlog position of a snapshot)";
  }
  if (!request.facts.binlog) return "needs the binary log (log_bin is OFF)";
  if (request.has_nontransactional) {
    return "cannot cover non-transactional tables (they have no snapshot)";
  }
  return "";
}

SnapshotMethod AutoMethod(const ServerInfo& server, const LockPlanRequest& request) {
  if (request.facts.reload) {
    return server.HasBackupStage() && !request.has_nontransactional
               ? SnapshotMethod::kBackupStage
               : SnapshotMethod::kFlushTablesWithReadLock;
  }
  // Without RELOAD: snapshot-check takes no lock at all, so it is preferred wherever its
  // guarantee holds (every commit reaches the binary log); LOCK TABLES everywhere else.
  if (SnapshotCheckObstacle(server, request).empty() && request.facts.binlog_has_every_commit) {
    return SnapshotMethod::kSnapshotCheck;
  }
  return SnapshotMethod::kLockTables;
}

}  // namespace

Result<SnapshotMethod> ParseSnapshotMethod(std::string_view name) {
  if (name == "auto") return SnapshotMethod::kAuto;
  if (name == "backup-stage") return SnapshotMethod::kBackupStage;
  if (name == "ftwrl") return SnapshotMethod::kFlushTablesWithReadLock;
  if (name == "lock-tables") return SnapshotMethod::kLockTables;
  if (name == "snapshot-check") return SnapshotMethod::kSnapshotCheck;
  return InvalidArgument("--snapshot-method: unknown method '" + std::string(name) +
                         "' (auto, backup-stage, ftwrl, lock-tables or snapshot-check)");
}

bool GrantsInclude(const std::vector<std::string>& show_grants, std::string_view privilege) {
  const std::string wanted = Upper(privilege);
  for (const std::string& line : show_grants) {
    // "GRANT <privileges> ON *.* TO ...": role grants ("GRANT `r` TO ...") have no ON.
    const std::string upper = Upper(line);
    if (upper.rfind("GRANT ", 0) != 0) continue;
    const size_t on = upper.find(" ON *.* TO ");
    if (on == std::string::npos) continue;
    std::string_view list = std::string_view(upper).substr(6, on - 6);
    while (!list.empty()) {
      const size_t comma = list.find(',');
      const std::string_view item = Trim(list.substr(0, comma));
      if (item == wanted || item == "ALL PRIVILEGES" || item == "ALL") return true;
      if (comma == std::string_view::npos) break;
      list.remove_prefix(comma + 1);
    }
  }
  return false;
}

bool LockPlan::PositionExact() const { return kind != Kind::kLockTables || position_from_snapshot; }

std::string LockPlan::Describe() const {
  std::string d;
  switch (kind) {
    case Kind::kNone: d = "no lock (one transaction per connection)"; break;
    case Kind::kBackupStage: d = "BACKUP STAGE BLOCK_COMMIT"; break;
    case Kind::kFlushTablesWithReadLock: d = "FLUSH TABLES WITH READ LOCK"; break;
    case Kind::kLockTables:
      d = "LOCK TABLES READ on the " + std::to_string(locked_tables) + " dumped table(s)";
      break;
    case Kind::kSnapshotCheck:
      d = "snapshot check: every connection's snapshot at one binlog position, no lock";
      break;
  }
  if (hold_until_nontransactional_done) d += ", held while non-transactional tables are read";
  if (!reason.empty()) d += " (" + reason + ")";
  return d;
}

Result<LockPlan> ChooseLockPlan(const ServerInfo& server, const LockPlanRequest& request) {
  SnapshotMethod method = request.method;
  if (method == SnapshotMethod::kAuto) method = AutoMethod(server, request);
  LockPlan plan;
  switch (method) {
    case SnapshotMethod::kBackupStage:
      if (!server.HasBackupStage()) {
        return InvalidArgument("--snapshot-method backup-stage needs MariaDB 10.4 or later");
      }
      if (request.has_nontransactional) {
        return InvalidArgument(
            "--snapshot-method backup-stage cannot hold non-transactional tables while they are "
            "read: use ftwrl or lock-tables");
      }
      plan = GlobalLockPlan(server, method, false);
      break;
    case SnapshotMethod::kFlushTablesWithReadLock:
      plan = GlobalLockPlan(server, method, request.has_nontransactional);
      break;
    case SnapshotMethod::kLockTables: plan = LockTablesPlan(server, request); break;
    case SnapshotMethod::kSnapshotCheck: {
      const std::string obstacle = SnapshotCheckObstacle(server, request);
      if (!obstacle.empty()) return InvalidArgument("--snapshot-method snapshot-check " + obstacle);
      plan.kind = LockPlan::Kind::kSnapshotCheck;
      plan.position_from_snapshot = true;
      break;
    }
    case SnapshotMethod::kAuto: return Internal("ChooseLockPlan: no method chosen");
  }
  if (request.method == SnapshotMethod::kAuto && !request.facts.reload) {
    plan.reason = "the account lacks RELOAD";
  } else if (request.method != SnapshotMethod::kAuto) {
    plan.reason = "--snapshot-method";
  }
  return plan;
}

}  // namespace myvault::mysql
