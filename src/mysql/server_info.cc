#include "myvault/mysql/server_info.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <string>

#include "myvault/sql/text.h"

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

bool ServerInfo::HasArrayBinding() const { return flavor == Flavor::kMariaDB && AtLeast(10, 2, 7); }

bool ServerInfo::SerializesAutoIncrementInserts() const {
  return flavor == Flavor::kMariaDB && AtLeast(10, 2, 4);
}

bool ServerInfo::HasSequences() const { return flavor == Flavor::kMariaDB && AtLeast(10, 3, 0); }

std::string ServerInfo::BinlogStatusQuery() const {
  if (flavor == Flavor::kMySQL && AtLeast(8, 2, 0)) return "SHOW BINARY LOG STATUS";
  return "SHOW MASTER STATUS";
}

ServerInfo::ReplicaSql ServerInfo::Replica() const {
  if (flavor == Flavor::kMySQL && AtLeast(8, 0, 22)) {
    return {"SHOW REPLICA STATUS",
            "STOP REPLICA SQL_THREAD",
            "START REPLICA SQL_THREAD",
            "Source_Host",
            "Source_Port",
            "Relay_Source_Log_File",
            "Exec_Source_Log_Pos",
            "Replica_SQL_Running"};
  }
  return {"SHOW SLAVE STATUS",   "STOP SLAVE SQL_THREAD", "START SLAVE SQL_THREAD",
          "Master_Host",         "Master_Port",           "Relay_Master_Log_File",
          "Exec_Master_Log_Pos", "Slave_SQL_Running"};
}

std::string ServerInfo::StatementTimeLimitSql(double seconds) const {
  if (flavor == Flavor::kMariaDB) {
    return "SET SESSION max_statement_time = " + std::to_string(seconds);
  }
  return "SET SESSION max_execution_time = " +
         std::to_string(static_cast<unsigned long long>(seconds * 1000));
}

std::string ServerInfo::NoStatementTimeLimit() const {
  if (flavor == Flavor::kMariaDB) return AtLeast(10, 1, 1) ? "max_statement_time=0" : "";
  return AtLeast(5, 7, 8) ? "max_execution_time=0" : "";
}

std::string ServerInfo::GtidPositionQuery() const {
  if (flavor == Flavor::kMariaDB) return AtLeast(10, 0, 2) ? "SELECT @@GLOBAL.gtid_binlog_pos" : "";
  return AtLeast(5, 6, 5) ? "SELECT @@GLOBAL.gtid_executed" : "";
}

std::string ServerInfo::MetadataLockHoldersQuery(const std::string& schema_list) const {
  if (flavor == Flavor::kMariaDB) {
    return "SELECT DISTINCT THREAD_ID AS id FROM information_schema.METADATA_LOCK_INFO WHERE "
           "TABLE_SCHEMA IN (" +
           schema_list + ")";
  }
  return "SELECT DISTINCT t.PROCESSLIST_ID AS id FROM performance_schema.metadata_locks m JOIN "
         "performance_schema.threads t ON t.THREAD_ID = m.OWNER_THREAD_ID WHERE m.LOCK_STATUS = "
         "'GRANTED' AND m.OBJECT_SCHEMA IN (" +
         schema_list + ")";
}

std::string ServerInfo::ConnectedReplicasQuery() const {
  // MySQL names a GTID-based replica's thread 'Binlog Dump GTID'; MariaDB's is 'Binlog Dump'.
  return "SELECT ID AS id, USER AS user, HOST AS host FROM information_schema.PROCESSLIST WHERE "
         "COMMAND IN ('Binlog Dump', 'Binlog Dump GTID')";
}

std::string ServerInfo::SqlLogBinPrivilege() const {
  if (flavor == Flavor::kMariaDB) return AtLeast(10, 5, 2) ? "BINLOG ADMIN or SUPER" : "SUPER";
  return AtLeast(8, 0, 14) ? "SESSION_VARIABLES_ADMIN, SYSTEM_VARIABLES_ADMIN or SUPER" : "SUPER";
}

std::vector<std::string> ServerInfo::DefinerPrivileges() const {
  if (flavor == Flavor::kMariaDB) {
    if (AtLeast(10, 5, 2)) return {"SET USER", "SUPER"};
    return {"SUPER"};
  }
  if (AtLeast(8, 2, 0)) return {"SET_ANY_DEFINER", "SET_USER_ID", "SUPER"};
  if (AtLeast(8, 0, 0)) return {"SET_USER_ID", "SUPER"};
  return {"SUPER"};
}

bool ServerInfo::HasLockTablesNowait() const {
  return flavor == Flavor::kMariaDB && AtLeast(10, 3, 0);
}

std::string ServerInfo::SnapshotBinlogQuery() const {
  // Binlog_snapshot_* came with MariaDB 5.3's group commit; Oracle MySQL has no equivalent.
  return flavor == Flavor::kMariaDB ? "SHOW STATUS LIKE 'binlog_snapshot_%'" : "";
}

std::string ServerInfo::GtidAtBinlogPositionSql(std::string_view file,
                                                std::string_view position) const {
  if (flavor != Flavor::kMariaDB || !AtLeast(10, 0, 2)) return "";
  return "SELECT BINLOG_GTID_POS(" + sql::StringLiteral(file) + ", " +
         sql::StringLiteral(position) + ")";
}

std::string ServerInfo::BinlogSettingsQuery() const {
  if (flavor == Flavor::kMariaDB) {
    return "SELECT @@GLOBAL.log_bin, @@GLOBAL.log_slave_updates, @@GLOBAL.gtid_slave_pos";
  }
  return "SELECT @@GLOBAL.log_bin, 0, ''";  // only the log_bin answer is used on MySQL
}

bool ServerInfo::HasShowCreateUser() const {
  return flavor == Flavor::kMariaDB ? AtLeast(10, 2, 0) : AtLeast(5, 7, 6);
}

std::string ServerInfo::AccountsQuery() const {
  if (flavor == Flavor::kMariaDB) {
    return "SELECT User AS user, Host AS host, is_role FROM mysql.user ORDER BY User, Host";
  }
  return "SELECT User AS user, Host AS host, 'N' AS is_role FROM mysql.user ORDER BY User, Host";
}

std::string ServerInfo::AccountSessionSql() const {
  if (flavor == Flavor::kMySQL && AtLeast(8, 0, 17)) {
    return "SET SESSION print_identified_with_as_hex = ON";
  }
  return "";
}

std::string ServerInfo::AccountName(std::string_view user, std::string_view host,
                                    bool is_role) const {
  if (is_role && flavor == Flavor::kMariaDB) return sql::QuoteIdentifier(user);
  return sql::QuoteIdentifier(user) + "@" + sql::QuoteIdentifier(host);
}

std::string ServerInfo::ShowCreateAccountSql(std::string_view user, std::string_view host,
                                             bool is_role) const {
  if (is_role && flavor == Flavor::kMariaDB) return "";
  return "SHOW CREATE USER " + AccountName(user, host, is_role);
}

std::string ServerInfo::CreateRoleSql(std::string_view role) const {
  return "CREATE ROLE IF NOT EXISTS " + sql::QuoteIdentifier(role);
}

std::string ServerInfo::ShowGrantsSql(std::string_view user, std::string_view host,
                                      bool is_role) const {
  return "SHOW GRANTS FOR " + AccountName(user, host, is_role);
}

std::string ServerInfo::DropAccountSql(std::string_view user, std::string_view host,
                                       bool is_role) const {
  if (is_role && flavor == Flavor::kMariaDB) return "DROP ROLE " + AccountName(user, host, true);
  return "DROP USER " + AccountName(user, host, is_role);
}

bool IsSystemAccount(std::string_view user, std::string_view host, std::string_view create_sql) {
  if (user == "PUBLIC" && host.empty()) return true;
  if (host != "localhost") return false;
  if (user == "mariadb.sys" || user == "mysql.sys" || user == "mysql.session" ||
      user == "mysql.infoschema") {
    return true;
  }
  return user == "root" && (create_sql.find("unix_socket") != std::string_view::npos ||
                            create_sql.find("auth_socket") != std::string_view::npos);
}

std::string GrantWithoutAuthentication(std::string_view grant) {
  const size_t to = grant.find(" TO ");
  const size_t at = to == std::string_view::npos ? to : grant.find(" IDENTIFIED ", to);
  if (at == std::string_view::npos) return std::string(grant);
  size_t end = at + 1;
  while (end < grant.size()) {
    if (grant[end] == '\'' || grant[end] == '`') {
      const char q = grant[end];
      for (++end; end < grant.size() && grant[end] != q; ++end) {
        if (grant[end] == '\\' && q == '\'') ++end;
      }
      ++end;
    } else if (grant.substr(end, 9) == " REQUIRE " || grant.substr(end, 6) == " WITH ") {
      break;
    } else {
      ++end;
    }
  }
  return std::string(grant.substr(0, at)) + std::string(grant.substr(std::min(end, grant.size())));
}

bool EngineKeepsNoRows(std::string_view engine) {
  std::string e(engine);
  std::transform(e.begin(), e.end(), e.begin(), [](unsigned char c) { return std::tolower(c); });
  return e == "blackhole" || e == "mrg_myisam" || e == "federated" || e == "spider" ||
         e == "connect";
}

std::vector<std::string> ServerInfo::StatisticsTables() const {
  std::vector<std::string> tables;
  if (flavor == Flavor::kMariaDB && AtLeast(10, 0, 1)) {
    tables = {"column_stats", "index_stats", "table_stats"};
  }
  tables.insert(tables.end(), {"innodb_index_stats", "innodb_table_stats"});
  return tables;
}

bool EngineTakesInsertDelayed(std::string_view engine) {
  return engine == "MyISAM" || engine == "ISAM" || engine == "ARCHIVE" || engine == "HEAP" ||
         engine == "MEMORY";
}

std::vector<ServerInfo::BulkLoadSetting> ServerInfo::BulkLoadSettings() const {
  std::vector<BulkLoadSetting> out;
  for (const char* name : {"innodb_flush_log_at_trx_commit", "sync_binlog"}) {
    out.push_back({name, std::string("SELECT @@GLOBAL.") + name, "0",
                   std::string("SET GLOBAL ") + name + " = 0"});
  }
  if (flavor == Flavor::kMySQL && AtLeast(8, 0, 21)) {
    out.push_back({"innodb_redo_log",
                   "SELECT VARIABLE_VALUE FROM performance_schema.global_status WHERE "
                   "VARIABLE_NAME = 'Innodb_redo_log_enabled'",
                   "OFF", "ALTER INSTANCE DISABLE INNODB REDO_LOG"});
  }
  return out;
}

std::string ServerInfo::RestoreBulkLoadSettingSql(const BulkLoadSetting& setting,
                                                  std::string_view original) const {
  if (setting.name == "innodb_redo_log") {
    return original == "OFF" ? "" : "ALTER INSTANCE ENABLE INNODB REDO_LOG";
  }
  // The variables above are numeric; anything else read back is quoted, never pasted.
  const bool numeric =
      !original.empty() && original.find_first_not_of("0123456789") == std::string_view::npos;
  return "SET GLOBAL " + setting.name + " = " +
         (numeric ? std::string(original) : sql::StringLiteral(original));
}

std::vector<std::string> ServerInfo::BinlogDumpSessionSql(double heartbeat_s) const {
  const auto nanoseconds = static_cast<unsigned long long>(heartbeat_s * 1e9);
  std::vector<std::string> sql = {"SET @master_heartbeat_period = " + std::to_string(nanoseconds)};
  if (flavor == Flavor::kMariaDB) {
    sql.push_back("SET @master_binlog_checksum = @@global.binlog_checksum");
    sql.push_back("SET @mariadb_slave_capability = 4");  // MARIA_SLAVE_CAPABILITY_GTID
  } else {
    // MySQL 8.0.26 renamed the variable; older servers read only the master_ spelling.
    sql.push_back(AtLeast(8, 0, 26) ? "SET @source_binlog_checksum = @@global.binlog_checksum"
                                    : "SET @master_binlog_checksum = @@global.binlog_checksum");
  }
  return sql;
}

uint16_t ServerInfo::BinlogDumpFlags() const {
  return flavor == Flavor::kMariaDB ? 2 : 0;  // BINLOG_SEND_ANNOTATE_ROWS_EVENT
}

std::string ServerInfo::BinaryLogsQuery() const { return "SHOW BINARY LOGS"; }

std::vector<std::string> ServerInfo::BinlogMonitorPrivileges() const {
  if (flavor == Flavor::kMariaDB && AtLeast(10, 5, 2)) return {"BINLOG MONITOR", "SUPER"};
  return {"REPLICATION CLIENT", "SUPER"};
}

namespace {

uint64_t LittleEndian(std::string_view bytes, size_t offset, size_t width) {
  uint64_t v = 0;
  for (size_t i = 0; i < width; ++i) {
    v |= static_cast<uint64_t>(static_cast<unsigned char>(bytes[offset + i])) << (8 * i);
  }
  return v;
}

std::string UuidText(std::string_view sid) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
    const auto c = static_cast<unsigned char>(sid[i]);
    out += kHex[c >> 4];
    out += kHex[c & 15];
  }
  return out;
}

bool ParseUnsigned(std::string_view s, uint64_t* v) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *v);
  return ec == std::errc() && p == s.data() + s.size() && !s.empty();
}

// MySQL: whether "uuid:1-5:7" style `set` (one uuid's intervals) holds `gno`.
bool IntervalsHold(std::string_view intervals, uint64_t gno) {
  while (!intervals.empty()) {
    const size_t colon = intervals.find(':');
    std::string_view one = intervals.substr(0, colon);
    intervals = colon == std::string_view::npos ? "" : intervals.substr(colon + 1);
    const size_t dash = one.find('-');
    uint64_t lo = 0, hi = 0;
    if (!ParseUnsigned(one.substr(0, dash), &lo)) continue;
    hi = lo;
    if (dash != std::string_view::npos && !ParseUnsigned(one.substr(dash + 1), &hi)) continue;
    if (gno >= lo && gno <= hi) return true;
  }
  return false;
}

}  // namespace

std::optional<Gtid> DecodeGtidEvent(uint8_t type, std::string_view body, uint32_t server_id) {
  if (type == 162 && body.size() >= 13) {  // MariaDB GTID_EVENT: seq_no, domain_id, flags2
    const uint64_t seq = LittleEndian(body, 0, 8);
    const uint64_t domain = LittleEndian(body, 8, 4);
    const bool standalone = (static_cast<unsigned char>(body[12]) & 0x01) != 0;
    return Gtid{
        std::to_string(domain) + "-" + std::to_string(server_id) + "-" + std::to_string(seq),
        standalone};
  }
  if (type == 33 && body.size() >= 25) {  // MySQL GTID_LOG_EVENT: flags, sid[16], gno
    return Gtid{UuidText(body.substr(1, 16)) + ":" + std::to_string(LittleEndian(body, 17, 8)),
                std::nullopt};
  }
  return std::nullopt;
}

Result<bool> GtidPositionIncludes(std::string_view position, std::string_view gtid) {
  const auto bad = [&] {
    return InvalidArgument("'" + std::string(gtid) +
                           "' is not a GTID (MariaDB DOMAIN-SERVER-SEQ or MySQL UUID:N)");
  };
  std::vector<std::string_view> entries;
  for (std::string_view rest = position; !rest.empty();) {
    const size_t comma = rest.find(',');
    std::string_view e = rest.substr(0, comma);
    while (!e.empty() && (e.front() == ' ' || e.front() == '\n')) e.remove_prefix(1);
    while (!e.empty() && (e.back() == ' ' || e.back() == '\n')) e.remove_suffix(1);
    if (!e.empty()) entries.push_back(e);
    rest = comma == std::string_view::npos ? "" : rest.substr(comma + 1);
  }
  const size_t colon = gtid.find(':');
  if (colon != std::string_view::npos) {  // MySQL
    uint64_t gno = 0;
    if (colon != 36 || !ParseUnsigned(gtid.substr(colon + 1), &gno)) return bad();
    for (std::string_view e : entries) {
      if (e.size() > 37 && e.substr(0, 36) == gtid.substr(0, 36) && e[36] == ':' &&
          IntervalsHold(e.substr(37), gno)) {
        return true;
      }
    }
    return false;
  }
  const size_t d1 = gtid.find('-');
  const size_t d2 = d1 == std::string_view::npos ? d1 : gtid.find('-', d1 + 1);
  uint64_t domain = 0, server = 0, seq = 0;
  if (d2 == std::string_view::npos || !ParseUnsigned(gtid.substr(0, d1), &domain) ||
      !ParseUnsigned(gtid.substr(d1 + 1, d2 - d1 - 1), &server) ||
      !ParseUnsigned(gtid.substr(d2 + 1), &seq)) {
    return bad();
  }
  for (std::string_view e : entries) {  // MariaDB: one domain-server-seq per domain
    const size_t a = e.find('-');
    const size_t b = a == std::string_view::npos ? a : e.find('-', a + 1);
    uint64_t d = 0, n = 0;
    if (b == std::string_view::npos || !ParseUnsigned(e.substr(0, a), &d) ||
        !ParseUnsigned(e.substr(b + 1), &n)) {
      continue;
    }
    if (d == domain) return seq <= n;
  }
  return false;
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

}  // namespace myvault::mysql
