#include "myvault/mysql/server_info.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <string>

namespace myvault::mysql {
namespace {

// Reads "A.B.C" at the start of `s`; returns the rest.
std::string_view ParseTriple(std::string_view s, int* a, int* b, int* c) {
  int* parts[3] = {a, b, c};
  for (int i = 0; i < 3; ++i) {
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *parts[i]);
    if (ec != std::errc()) return s;
    s.remove_prefix(static_cast<size_t>(p - s.data()));
    if (i < 2) {
      if (s.empty() || s.front() != '.') return s;
      s.remove_prefix(1);
    }
  }
  return s;
}

}  // namespace

bool ServerInfo::AtLeast(int ma, int mi, int pa) const {
  if (major != ma) return major > ma;
  if (minor != mi) return minor > mi;
  return patch >= pa;
}

bool ServerInfo::HasBackupStage() const { return flavor == Flavor::kMariaDB && AtLeast(10, 4, 1); }

bool ServerInfo::HasLockInstanceForBackup() const {
  return flavor == Flavor::kMySQL && AtLeast(8, 0, 0);
}

bool ServerInfo::HasSequences() const { return flavor == Flavor::kMariaDB && AtLeast(10, 3, 0); }

std::string ServerInfo::BinlogStatusQuery() const {
  if (flavor == Flavor::kMySQL && AtLeast(8, 2, 0)) return "SHOW BINARY LOG STATUS";
  return "SHOW MASTER STATUS";
}

ServerInfo::ReplicaSql ServerInfo::Replica() const {
  if (flavor == Flavor::kMySQL && AtLeast(8, 0, 22)) {
    return {
        "SHOW REPLICA STATUS", "STOP REPLICA SQL_THREAD", "START REPLICA SQL_THREAD", "Source_Host",
        "Source_Port",         "Relay_Source_Log_File",   "Exec_Source_Log_Pos"};
  }
  return {"SHOW SLAVE STATUS", "STOP SLAVE SQL_THREAD", "START SLAVE SQL_THREAD", "Master_Host",
          "Master_Port",       "Relay_Master_Log_File", "Exec_Master_Log_Pos"};
}

std::string ServerInfo::StatementTimeLimitSql(double seconds) const {
  if (flavor == Flavor::kMariaDB) {
    return "SET SESSION max_statement_time = " + std::to_string(seconds);
  }
  return "SET SESSION max_execution_time = " +
         std::to_string(static_cast<unsigned long long>(seconds * 1000));
}

std::string ServerInfo::GtidPositionQuery() const {
  if (flavor == Flavor::kMariaDB) return AtLeast(10, 0, 2) ? "SELECT @@GLOBAL.gtid_binlog_pos" : "";
  return AtLeast(5, 6, 5) ? "SELECT @@GLOBAL.gtid_executed" : "";
}

bool EngineKeepsNoRows(std::string_view engine) {
  std::string e(engine);
  std::transform(e.begin(), e.end(), e.begin(), [](unsigned char c) { return std::tolower(c); });
  return e == "blackhole" || e == "mrg_myisam" || e == "federated" || e == "spider" ||
         e == "connect";
}

ServerInfo ParseServerVersion(std::string_view version) {
  ServerInfo info;
  info.version = std::string(version);
  std::string_view s = version;
  // MariaDB < 11 behind some proxies/replication reports "5.5.5-10.x.y-MariaDB".
  if (s.substr(0, 6) == "5.5.5-") s.remove_prefix(6);
  ParseTriple(s, &info.major, &info.minor, &info.patch);
  if (version.find("MariaDB") != std::string_view::npos) info.flavor = Flavor::kMariaDB;
  return info;
}

std::string LockPlan::Describe() const {
  std::string d =
      kind == Kind::kBackupStage ? "BACKUP STAGE BLOCK_COMMIT" : "FLUSH TABLES WITH READ LOCK";
  if (hold_until_nontransactional_done) d += ", held while non-transactional tables are read";
  return d;
}

LockPlan ChooseLockPlan(const ServerInfo& server, bool has_nontransactional_tables) {
  LockPlan plan;
  if (server.HasBackupStage() && !has_nontransactional_tables) {
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
  plan.hold_until_nontransactional_done = has_nontransactional_tables;
  return plan;
}

}  // namespace myvault::mysql
