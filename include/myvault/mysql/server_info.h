// Server flavor and version, and every MySQL-vs-MariaDB difference myvault cares about.
//
// This is the one place that knows which statements each flavor needs: the backup lock, the
// binlog/GTID position query, and the differences in SHOW CREATE output. Callers ask questions
// ("can this server hold commits with BACKUP STAGE?") instead of comparing version numbers.
// ChooseLockPlan decides how a dump lines up its snapshots from these capabilities and from
// facts the caller read on the server (the account's grants, binary logging).
// Pure functions of their arguments: thread-safe, unit-tested without a server.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "myvault/status.h"

namespace myvault::mysql {

enum class Flavor { kMariaDB, kMySQL };

struct ServerInfo {
  Flavor flavor = Flavor::kMySQL;
  int major = 0, minor = 0, patch = 0;
  std::string version;  // as the server reported it

  std::string FlavorName() const { return flavor == Flavor::kMariaDB ? "MariaDB" : "MySQL"; }
  bool AtLeast(int ma, int mi, int pa) const;

  // MariaDB >= 10.4: BACKUP STAGE BLOCK_COMMIT holds commits without a global read lock.
  bool HasBackupStage() const;
  // MySQL >= 8.0: LOCK INSTANCE FOR BACKUP blocks DDL (not DML) for the dump's duration.
  bool HasLockInstanceForBackup() const;
  // MariaDB >= 10.2.7 runs a prepared statement for an array of parameter rows in one command
  // (COM_STMT_BULK_EXECUTE; Connector/C's STMT_ATTR_ARRAY_SIZE); an INSERT so run is one
  // statement, without the parsing of a multi-row INSERT.
  bool HasArrayBinding() const;
  // MariaDB >= 10.2.4 keeps a table's AUTO_INCREMENT counter in its clustered index's root page
  // (PAGE_ROOT_AUTO_INC) and latches that page for every row it inserts into such a table: the
  // inserts of all sessions into one AUTO_INCREMENT table run one at a time, and a second
  // session spins on the latch, burning CPU. MySQL 8 persists the counter through its redo log.
  bool SerializesAutoIncrementInserts() const;
  // MariaDB >= 10.3 has CREATE SEQUENCE.
  bool HasSequences() const;
  // MySQL >= 8.2 renamed SHOW MASTER STATUS to SHOW BINARY LOG STATUS.
  std::string BinlogStatusQuery() const;
  // How to read a replica's source position (mysqldump --dump-slave): MySQL 8.0.22+ says
  // REPLICA and Source_*, older MySQL and MariaDB SLAVE and Master_*.
  struct ReplicaSql {
    std::string status, stop_sql_thread, start_sql_thread;
    std::string host_column, port_column, log_file_column, log_position_column;
    std::string sql_running_column;  // "Yes" while the SQL (applier) thread runs
  };
  ReplicaSql Replica() const;
  // The statement that limits each statement of this session to `seconds` (MariaDB
  // max_statement_time in seconds, MySQL max_execution_time in milliseconds, SELECTs only).
  std::string StatementTimeLimitSql(double seconds) const;
  // The SET assignment that lifts a server-wide statement time limit for this session
  // ("max_statement_time=0" on MariaDB >= 10.1.1, "max_execution_time=0" on MySQL >= 5.7.8), or
  // "" for a server without one. A DBA's global limit (set against runaway queries) would
  // otherwise kill a dump's long SELECT, a lock wait or a restore's index build.
  std::string NoStatementTimeLimit() const;
  // Returns the statement whose single value is the GTID position to record, or "" for none.
  std::string GtidPositionQuery() const;

  // Who holds metadata locks in the databases of `schema_list` (quoted string literals, comma
  // separated): one column `id`, the holders' connection ids. MariaDB answers only with the
  // metadata_lock_info plugin loaded, MySQL only with performance_schema on (its default); else
  // the statement fails and the caller falls back to guessing from the processlist.
  std::string MetadataLockHoldersQuery(const std::string& schema_list) const;
  // The replicas reading this server's binary log now: one row per dump thread. Both flavours
  // show them in the processlist (needs PROCESS to see other users' threads).
  std::string ConnectedReplicasQuery() const;
  // The privileges, any one of which lets a session set sql_log_bin (for messages and docs).
  std::string SqlLogBinPrivilege() const;
  // The global privileges, any one of which lets an account create an object with a DEFINER
  // other than itself, as information_schema.USER_PRIVILEGES names them.
  std::vector<std::string> DefinerPrivileges() const;
  // MariaDB >= 10.3: LOCK TABLES ... NOWAIT fails at once instead of waiting for a table.
  bool HasLockTablesNowait() const;
  // MariaDB: inside START TRANSACTION WITH CONSISTENT SNAPSHOT, the status variables
  // Binlog_snapshot_file/position give the binlog position that matches the snapshot exactly.
  // The statement returning them (Variable_name, Value rows), or "" on MySQL.
  std::string SnapshotBinlogQuery() const;
  // The statement whose single value is the GTID position at binlog `file`:`position` (MariaDB
  // BINLOG_GTID_POS; it reads that binlog up to the position), or "" on MySQL.
  std::string GtidAtBinlogPositionSql(std::string_view file, std::string_view position) const;
  // One row: @@log_bin, @@log_slave_updates and @@gtid_slave_pos (MariaDB; on MySQL only the
  // first is real). Needs no privilege. See SnapshotFacts.
  std::string BinlogSettingsQuery() const;

  // Accounts (users and roles). Reading them needs SELECT on the `mysql` database; recreating
  // them CREATE USER and the privileges granted (with GRANT OPTION).
  // SHOW CREATE USER exists: MariaDB >= 10.2, MySQL >= 5.7.6.
  bool HasShowCreateUser() const;
  // One row per account, columns `user`, `host`, `is_role` ('Y' for a MariaDB role). MySQL 8's
  // roles are accounts (created locked, without a password) and read as such.
  std::string AccountsQuery() const;
  // Run once on a session before SHOW CREATE USER, or "": MySQL >= 8.0.17 prints
  // caching_sha2_password hashes (binary bytes) as `AS 0x...` (print_identified_with_as_hex).
  std::string AccountSessionSql() const;
  // `user`@`host`, or `role` for a MariaDB role (roles have no host there).
  std::string AccountName(std::string_view user, std::string_view host, bool is_role) const;
  // The statement that recreates the account is read with SHOW CREATE USER; a MariaDB role
  // has none and is created with CreateRoleSql instead (ShowCreateAccountSql returns "").
  std::string ShowCreateAccountSql(std::string_view user, std::string_view host,
                                   bool is_role) const;
  std::string CreateRoleSql(std::string_view role) const;  // CREATE ROLE IF NOT EXISTS `role`
  std::string ShowGrantsSql(std::string_view user, std::string_view host, bool is_role) const;
  std::string DropAccountSql(std::string_view user, std::string_view host, bool is_role) const;

  // ---- Server-wide objects (mysqldump --system) ----
  // The `mysql` tables holding optimizer statistics, in the order mariadb-dump writes their
  // rows: MariaDB's engine-independent ones (column_stats, index_stats, table_stats; since
  // 10.0.1), then InnoDB's persistent ones (innodb_index_stats, innodb_table_stats), which MySQL
  // has alone. A server without InnoDB lacks the last two.
  std::vector<std::string> StatisticsTables() const;

  // ---- Bulk-load tuning (restore --exclusive) ----
  // A server setting a restore that owns the server may relax for the load, and put back.
  struct BulkLoadSetting {
    std::string name;         // e.g. "innodb_flush_log_at_trx_commit"
    std::string current_sql;  // one row, one column: the value now ("1", "ON", ...)
    std::string tuned;        // the value during the load, comparable with current_sql's
    std::string apply_sql;    // sets `tuned`
  };
  // The settings, in the order they are applied: on both flavours the redo log flushed about
  // once a second instead of at each commit (innodb_flush_log_at_trx_commit=0) and the binary
  // log left to the operating system (sync_binlog=0); on MySQL >= 8.0.21 also the redo log
  // disabled (ALTER INSTANCE DISABLE INNODB REDO_LOG; a crash then loses the instance, which
  // is why it is opt-in). innodb_doublewrite is read-only at runtime on MariaDB and before MySQL
  // 8.0.30, so it is not among them.
  std::vector<BulkLoadSetting> BulkLoadSettings() const;
  // The statement that puts `setting` back to `original` (a value current_sql returned), or ""
  // when there is nothing to do (the redo log was already disabled).
  std::string RestoreBulkLoadSettingSql(const BulkLoadSetting& setting,
                                        std::string_view original) const;

  // ---- Reading the binary log as a replica (myvault binlog) ----
  // The session statements to run before the binlog dump request: the heartbeat period (so an
  // idle stream still proves the connection alive every `heartbeat_s`), event checksums as the
  // server writes them (the archived file is then byte for byte the server's), and on MariaDB
  // the capability that makes the server send GTID events.
  std::vector<std::string> BinlogDumpSessionSql(double heartbeat_s) const;
  // The flags of the binlog dump request: MariaDB sends its Annotate_rows events (the statement
  // text of a row event, part of the file) only when asked with BINLOG_SEND_ANNOTATE_ROWS_EVENT;
  // without them the archived file would have holes.
  uint16_t BinlogDumpFlags() const;
  // One row per binary log the server still has (Log_name, File_size), oldest first.
  std::string BinaryLogsQuery() const;
  // The global privileges, any one of which lets an account read the binlog position and list
  // the binary logs (MariaDB >= 10.5.2 BINLOG MONITOR, else REPLICATION CLIENT).
  std::vector<std::string> BinlogMonitorPrivileges() const;
};

// Accounts the server creates for itself and a dump leaves out: `mariadb.sys`, `mysql.sys`,
// `mysql.session`, `mysql.infoschema` (at localhost), MariaDB's PUBLIC role, and root@localhost
// when it logs in through the socket's peer credentials (unix_socket, auth_socket: the
// install's own administrator, tied to the operating system's root). `create_sql` is the
// account's SHOW CREATE USER text.
bool IsSystemAccount(std::string_view user, std::string_view host, std::string_view create_sql);

// A SHOW GRANTS line without its authentication clause. MariaDB repeats the account's
// authentication on its global grant line (`GRANT USAGE ON *.* TO `u`@`h` IDENTIFIED BY
// PASSWORD '*...' WITH ...`); replayed after CREATE USER, that sets the password again and so
// clears PASSWORD EXPIRE. CREATE USER carries the authentication. MySQL's lines have none and
// come back unchanged. The clause ends before REQUIRE, WITH or the end; quoted text is skipped.
std::string GrantWithoutAuthentication(std::string_view grant);
// Whether a table of this storage engine (information_schema.TABLES.ENGINE, any case) keeps no
// rows of its own: BLACKHOLE stores nothing; MRG_MyISAM, FEDERATED, SPIDER and CONNECT read
// other tables or servers. A dump writes no rows for it, and a restore does not count them.
bool EngineKeepsNoRows(std::string_view engine);
// Whether the server takes INSERT DELAYED into a table of this storage engine, as mariadb-dump
// --delayed-insert decides it: MyISAM, ISAM, ARCHIVE, HEAP and MEMORY, spelled exactly as
// information_schema.TABLES.ENGINE gives them. InnoDB and Aria, say, do not.
bool EngineTakesInsertDelayed(std::string_view engine);

// A GTID as this flavour writes it: MariaDB "domain-server-seq", MySQL "uuid:seq".
struct Gtid {
  std::string text;
  // MariaDB: the GTID event marks a transaction of one statement (DDL), ended by that statement.
  // nullopt on MySQL, whose standalone transactions are told by the absence of a BEGIN.
  std::optional<bool> standalone;
};
// The GTID of a binlog GTID event (MariaDB type 162, MySQL type 33) from its body (the bytes after
// the 19-byte event header) and the header's server id; nullopt for any other event type or a
// body too short.
std::optional<Gtid> DecodeGtidEvent(uint8_t type, std::string_view body, uint32_t server_id);
// Whether `gtid` (as DecodeGtidEvent writes it) is part of `position` (a dump's gtid_position:
// MariaDB "0-1-5,1-2-9", one sequence number per domain; MySQL "uuid:1-5:7,uuid2:1-3").
// InvalidArgument when `gtid` is not a GTID of either flavour.
Result<bool> GtidPositionIncludes(std::string_view position, std::string_view gtid);

// Parses VERSION() output: "10.11.19-MariaDB-0+deb12u1", "5.5.5-10.11.6-MariaDB", "8.0.36",
// "8.4.0-commercial". Unknown text yields a MySQL 0.0.0 server (every capability off).
ServerInfo ParseServerVersion(std::string_view version);

// --snapshot-method: how the dump's connections come to share one view of the data.
enum class SnapshotMethod {
  kAuto,                     // the best the account and server allow (see ChooseLockPlan)
  kBackupStage,              // BACKUP STAGE BLOCK_COMMIT (RELOAD, MariaDB >= 10.4)
  kFlushTablesWithReadLock,  // FLUSH TABLES WITH READ LOCK (RELOAD)
  kLockTables,               // LOCK TABLES ... READ on the dumped tables (LOCK TABLES + SELECT)
  kSnapshotCheck,            // no lock: snapshots retried until all match one binlog position
};
// "auto", "backup-stage", "ftwrl", "lock-tables", "snapshot-check".
Result<SnapshotMethod> ParseSnapshotMethod(std::string_view name);

// What the dump read on the server before choosing (grants and binary-log settings).
struct SnapshotFacts {
  bool reload = true;   // the account holds RELOAD on *.* (directly or through its current role)
  bool binlog = false;  // binary logging is on
  // Every commit on this server is written to its binary log as far as can be told: it logs
  // replicated transactions (log_slave_updates) or has never applied any (empty gtid_slave_pos).
  bool binlog_has_every_commit = false;
};

// Whether SHOW GRANTS output (one statement per line, either flavour) grants `privilege` on *.*,
// by name or as ALL PRIVILEGES.
bool GrantsInclude(const std::vector<std::string>& show_grants, std::string_view privilege);

struct LockPlanRequest {
  SnapshotMethod method = SnapshotMethod::kAuto;
  bool has_nontransactional = false;  // some dumped table is MyISAM, Aria, MEMORY, ...
  // Every table (and sequence) whose contents are dumped, as {schema, name}: LOCK TABLES locks
  // exactly these.
  std::vector<std::pair<std::string, std::string>> tables;
  SnapshotFacts facts;
};

// How the dump takes its consistent snapshot on this server.
struct LockPlan {
  enum class Kind {
    kNone,                     // no statements: each connection's own transaction
    kBackupStage,              // commits held server-wide for a moment
    kFlushTablesWithReadLock,  // all writes held server-wide for a moment
    kLockTables,               // writes to the dumped tables held for a moment
    kSnapshotCheck,            // nothing held; snapshots opened until their positions match
  };
  Kind kind = Kind::kNone;
  std::vector<std::string> acquire;               // run in order on the lock connection
  std::vector<std::string> after_snapshot;        // run once every snapshot is open (e.g. DDL lock)
  std::vector<std::string> release;               // release the commit/write block
  bool hold_until_nontransactional_done = false;  // keep writes blocked while MyISAM is read
  // The acquire statements fail at once while a table is busy (NOWAIT) and are retried until
  // the lock wait timeout: the lock request never waits, so it never holds some tables while
  // waiting for others (a deadlock in which the server would roll back the application's
  // transaction, not ours).
  bool acquire_polls = false;
  // The binlog position is read inside the snapshot (SnapshotBinlogQuery): exact. Otherwise it
  // is read on the lock connection, exact only under a server-wide hold.
  bool position_from_snapshot = false;
  size_t locked_tables = 0;  // kLockTables: how many tables the statement names
  std::string reason;        // why this method, e.g. "the account lacks RELOAD"
  // Whether the recorded binlog position matches the snapshot exactly.
  bool PositionExact() const;
  std::string Describe() const;
};
// Fails (kInvalidArgument) when a forced method cannot work here: BACKUP STAGE on MySQL,
// snapshot-check on MySQL, without a binary log or with non-transactional tables.
Result<LockPlan> ChooseLockPlan(const ServerInfo& server, const LockPlanRequest& request);

}  // namespace myvault::mysql
