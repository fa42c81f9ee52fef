// Server flavor and version, and every MySQL-vs-MariaDB difference myvault cares about.
//
// This is the one place that knows which statements each flavor needs: the backup lock, the
// binlog/GTID position query, and the differences in SHOW CREATE output. Callers ask questions
// ("can this server hold commits with BACKUP STAGE?") instead of comparing version numbers.
// Pure functions of the version string: thread-safe, unit-tested without a server.
#pragma once

#include <string>
#include <string_view>
#include <vector>

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
  // MariaDB >= 10.3 has CREATE SEQUENCE.
  bool HasSequences() const;
  // MySQL >= 8.2 renamed SHOW MASTER STATUS to SHOW BINARY LOG STATUS.
  std::string BinlogStatusQuery() const;
  // How to read a replica's source position (mysqldump --dump-slave): MySQL 8.0.22+ says
  // REPLICA and Source_*, older MySQL and MariaDB SLAVE and Master_*.
  struct ReplicaSql {
    std::string status, stop_sql_thread, start_sql_thread;
    std::string host_column, port_column, log_file_column, log_position_column;
  };
  ReplicaSql Replica() const;
  // The statement that limits each statement of this session to `seconds` (MariaDB
  // max_statement_time in seconds, MySQL max_execution_time in milliseconds, SELECTs only).
  std::string StatementTimeLimitSql(double seconds) const;
  // Returns the statement whose single value is the GTID position to record, or "" for none.
  std::string GtidPositionQuery() const;
};

// Whether a table of this storage engine (information_schema.TABLES.ENGINE, any case) keeps no
// rows of its own: BLACKHOLE stores nothing; MRG_MyISAM, FEDERATED, SPIDER and CONNECT read
// other tables or servers. A dump writes no rows for it, and a restore does not count them.
bool EngineKeepsNoRows(std::string_view engine);

// Parses VERSION() output: "10.11.19-MariaDB-0+deb12u1", "5.5.5-10.11.6-MariaDB", "8.0.36",
// "8.4.0-commercial". Unknown text yields a MySQL 0.0.0 server (every capability off).
ServerInfo ParseServerVersion(std::string_view version);

// How the dump takes its consistent snapshot on this server, decided from the capabilities and
// whether any non-transactional table (MyISAM, Aria, ...) is dumped.
struct LockPlan {
  enum class Kind { kBackupStage, kFlushTablesWithReadLock };
  Kind kind = Kind::kFlushTablesWithReadLock;
  std::vector<std::string> acquire;               // run in order on the lock connection
  std::vector<std::string> after_snapshot;        // run once every snapshot is open (e.g. DDL lock)
  std::vector<std::string> release;               // release the commit/write block
  bool hold_until_nontransactional_done = false;  // keep writes blocked while MyISAM is read
  std::string Describe() const;
};
LockPlan ChooseLockPlan(const ServerInfo& server, bool has_nontransactional_tables);

}  // namespace myvault::mysql
