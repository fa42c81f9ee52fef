#include "myvault/mysql/server_info.h"

#include <gtest/gtest.h>

namespace myvault::mysql {
namespace {

TEST(ServerInfoTest, ParsesDebianMariaDB) {
  ServerInfo s = ParseServerVersion("10.11.19-MariaDB-0+deb12u1-log");
  EXPECT_EQ(s.flavor, Flavor::kMariaDB);
  EXPECT_EQ(s.major, 10);
  EXPECT_EQ(s.minor, 11);
  EXPECT_EQ(s.patch, 19);
  EXPECT_TRUE(s.HasBackupStage());
  EXPECT_TRUE(s.HasSequences());
  EXPECT_FALSE(s.HasLockInstanceForBackup());
  EXPECT_EQ(s.GtidPositionQuery(), "SELECT @@GLOBAL.gtid_binlog_pos");
}

TEST(ServerInfoTest, ParsesReplicationPrefixedMariaDB) {
  ServerInfo s = ParseServerVersion("5.5.5-10.3.39-MariaDB");
  EXPECT_EQ(s.flavor, Flavor::kMariaDB);
  EXPECT_EQ(s.major, 10);
  EXPECT_EQ(s.minor, 3);
  EXPECT_FALSE(s.HasBackupStage());
  EXPECT_TRUE(s.HasSequences());
}

TEST(ServerInfoTest, ParsesMySQL8) {
  ServerInfo s = ParseServerVersion("8.0.36");
  EXPECT_EQ(s.flavor, Flavor::kMySQL);
  EXPECT_TRUE(s.HasLockInstanceForBackup());
  EXPECT_FALSE(s.HasBackupStage());
  EXPECT_FALSE(s.HasSequences());
  EXPECT_EQ(s.BinlogStatusQuery(), "SHOW MASTER STATUS");
  EXPECT_EQ(ParseServerVersion("8.4.0-commercial").BinlogStatusQuery(), "SHOW BINARY LOG STATUS");
}

TEST(ServerInfoTest, ArrayBindingOnMariaDBOnly) {
  EXPECT_TRUE(ParseServerVersion("10.11.19-MariaDB-0+deb12u1").HasArrayBinding());
  EXPECT_TRUE(ParseServerVersion("5.5.5-10.2.7-MariaDB").HasArrayBinding());
  EXPECT_FALSE(ParseServerVersion("10.2.6-MariaDB").HasArrayBinding());
  EXPECT_FALSE(ParseServerVersion("10.1.48-MariaDB").HasArrayBinding());
  EXPECT_FALSE(ParseServerVersion("8.0.36").HasArrayBinding());
  EXPECT_FALSE(ParseServerVersion("nonsense").HasArrayBinding());
}

TEST(ServerInfoTest, AutoIncrementInsertsSerializeOnMariaDBOnly) {
  EXPECT_TRUE(ParseServerVersion("10.11.19-MariaDB-0+deb12u1").SerializesAutoIncrementInserts());
  EXPECT_TRUE(ParseServerVersion("10.2.4-MariaDB").SerializesAutoIncrementInserts());
  EXPECT_FALSE(ParseServerVersion("10.2.3-MariaDB").SerializesAutoIncrementInserts());
  EXPECT_FALSE(ParseServerVersion("8.0.36").SerializesAutoIncrementInserts());
  EXPECT_FALSE(ParseServerVersion("8.4.0-commercial").SerializesAutoIncrementInserts());
}

TEST(ServerInfoTest, GarbageHasNoCapabilities) {
  ServerInfo s = ParseServerVersion("nonsense");
  EXPECT_FALSE(s.HasBackupStage());
  EXPECT_FALSE(s.HasLockInstanceForBackup());
  EXPECT_EQ(s.GtidPositionQuery(), "");
}

// A request from an account with RELOAD on a server with the binary log on.
LockPlanRequest Request(bool nontransactional = false, bool reload = true) {
  LockPlanRequest r;
  r.has_nontransactional = nontransactional;
  r.tables = {{"bank_a", "accounts"}, {"bank`b", "accounts"}};
  r.facts.reload = reload;
  r.facts.binlog = true;
  r.facts.binlog_has_every_commit = true;
  return r;
}

LockPlan Choose(std::string_view version, const LockPlanRequest& r) {
  Result<LockPlan> p = ChooseLockPlan(ParseServerVersion(version), r);
  EXPECT_TRUE(p.ok()) << p.status().message();
  return p.ok() ? *p : LockPlan{};
}

TEST(LockPlanTest, MariaDBTransactionalUsesBackupStage) {
  LockPlan p = Choose("10.11.6-MariaDB", Request());
  EXPECT_EQ(p.kind, LockPlan::Kind::kBackupStage);
  EXPECT_EQ(p.acquire.back(), "BACKUP STAGE BLOCK_COMMIT");
  EXPECT_FALSE(p.hold_until_nontransactional_done);
  EXPECT_TRUE(p.PositionExact());
  EXPECT_EQ(p.reason, "");
}

TEST(LockPlanTest, MyISAMForcesReadLockHeldDuringTheirDump) {
  LockPlan p = Choose("10.11.6-MariaDB", Request(true));
  EXPECT_EQ(p.kind, LockPlan::Kind::kFlushTablesWithReadLock);
  EXPECT_TRUE(p.hold_until_nontransactional_done);
  EXPECT_EQ(p.release, std::vector<std::string>{"UNLOCK TABLES"});
}

TEST(LockPlanTest, MySQL8AddsInstanceBackupLock) {
  LockPlan p = Choose("8.0.36", Request());
  EXPECT_EQ(p.kind, LockPlan::Kind::kFlushTablesWithReadLock);
  EXPECT_EQ(p.after_snapshot, std::vector<std::string>{"LOCK INSTANCE FOR BACKUP"});
}

TEST(LockPlanTest, WithoutReloadMariaDBWithBinlogChecksSnapshotsWithoutALock) {
  LockPlan p = Choose("10.11.6-MariaDB", Request(false, false));
  EXPECT_EQ(p.kind, LockPlan::Kind::kSnapshotCheck);
  EXPECT_TRUE(p.acquire.empty());
  EXPECT_TRUE(p.release.empty());
  EXPECT_TRUE(p.position_from_snapshot);
  EXPECT_EQ(p.reason, "the account lacks RELOAD");
  EXPECT_NE(p.Describe().find("snapshot check"), std::string::npos) << p.Describe();
}

TEST(LockPlanTest, WithoutReloadOrBinlogMariaDBLocksTheDumpedTablesWithNowait) {
  LockPlanRequest r = Request(false, false);
  r.facts.binlog = false;
  LockPlan p = Choose("10.11.6-MariaDB", r);
  EXPECT_EQ(p.kind, LockPlan::Kind::kLockTables);
  EXPECT_EQ(p.acquire,
            std::vector<std::string>{
                "LOCK TABLES `bank_a`.`accounts` READ, `bank``b`.`accounts` READ NOWAIT"});
  EXPECT_TRUE(p.acquire_polls);
  EXPECT_EQ(p.release, std::vector<std::string>{"UNLOCK TABLES"});
  EXPECT_FALSE(p.hold_until_nontransactional_done);
  EXPECT_TRUE(p.position_from_snapshot);
  EXPECT_TRUE(p.PositionExact());
  EXPECT_NE(p.Describe().find("LOCK TABLES READ on the 2 dumped table(s)"), std::string::npos)
      << p.Describe();
}

// A replica that does not log what it applies: equal binlog positions would not mean equal
// snapshots, so auto takes the table locks.
TEST(LockPlanTest, WithoutReloadOnAReplicaNotLoggingItsUpdatesLocksTables) {
  LockPlanRequest r = Request(false, false);
  r.facts.binlog_has_every_commit = false;
  EXPECT_EQ(Choose("10.11.6-MariaDB", r).kind, LockPlan::Kind::kLockTables);
}

TEST(LockPlanTest, WithoutReloadMyISAMIsReadUnderTheTableLocks) {
  LockPlan p = Choose("10.11.6-MariaDB", Request(true, false));
  EXPECT_EQ(p.kind, LockPlan::Kind::kLockTables);
  EXPECT_TRUE(p.hold_until_nontransactional_done);
}

TEST(LockPlanTest, WithoutReloadMySQLWaitsForTheTableLocksAndItsPositionIsApproximate) {
  LockPlan p = Choose("8.0.36", Request(false, false));
  EXPECT_EQ(p.kind, LockPlan::Kind::kLockTables);
  EXPECT_EQ(p.acquire.size(), 1u);
  EXPECT_EQ(p.acquire[0].find("NOWAIT"), std::string::npos) << p.acquire[0];
  EXPECT_FALSE(p.acquire_polls);
  EXPECT_FALSE(p.PositionExact());
  EXPECT_TRUE(p.after_snapshot.empty());
}

TEST(LockPlanTest, LockTablesWithNoTablesHasNothingToLock) {
  LockPlanRequest r = Request(false, false);
  r.tables.clear();
  r.method = SnapshotMethod::kLockTables;
  LockPlan p = Choose("10.11.6-MariaDB", r);
  EXPECT_EQ(p.kind, LockPlan::Kind::kLockTables);
  EXPECT_TRUE(p.acquire.empty());
  EXPECT_TRUE(p.release.empty());
}

TEST(LockPlanTest, ForcedMethodsAreHonouredOrRefusedWithTheReason) {
  LockPlanRequest r = Request();
  r.method = SnapshotMethod::kLockTables;
  EXPECT_EQ(Choose("10.11.6-MariaDB", r).kind, LockPlan::Kind::kLockTables);
  EXPECT_EQ(Choose("10.11.6-MariaDB", r).reason, "--snapshot-method");
  r.method = SnapshotMethod::kFlushTablesWithReadLock;
  EXPECT_EQ(Choose("10.11.6-MariaDB", r).kind, LockPlan::Kind::kFlushTablesWithReadLock);

  r.method = SnapshotMethod::kBackupStage;
  Result<LockPlan> mysql = ChooseLockPlan(ParseServerVersion("8.0.36"), r);
  ASSERT_FALSE(mysql.ok());
  EXPECT_EQ(mysql.status().code(), StatusCode::kInvalidArgument);
  r.method = SnapshotMethod::kSnapshotCheck;
  EXPECT_FALSE(ChooseLockPlan(ParseServerVersion("8.0.36"), r).ok());
  r.facts.binlog = false;
  Result<LockPlan> off = ChooseLockPlan(ParseServerVersion("10.11.6-MariaDB"), r);
  ASSERT_FALSE(off.ok());
  EXPECT_NE(off.status().message().find("log_bin is OFF"), std::string::npos);
  r = Request(true);
  r.method = SnapshotMethod::kSnapshotCheck;
  EXPECT_FALSE(ChooseLockPlan(ParseServerVersion("10.11.6-MariaDB"), r).ok());
}

TEST(LockPlanTest, ParsesSnapshotMethodNames) {
  EXPECT_EQ(*ParseSnapshotMethod("auto"), SnapshotMethod::kAuto);
  EXPECT_EQ(*ParseSnapshotMethod("backup-stage"), SnapshotMethod::kBackupStage);
  EXPECT_EQ(*ParseSnapshotMethod("ftwrl"), SnapshotMethod::kFlushTablesWithReadLock);
  EXPECT_EQ(*ParseSnapshotMethod("lock-tables"), SnapshotMethod::kLockTables);
  EXPECT_EQ(*ParseSnapshotMethod("snapshot-check"), SnapshotMethod::kSnapshotCheck);
  Result<SnapshotMethod> bad = ParseSnapshotMethod("nolock");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
}

TEST(GrantsTest, FindsAGlobalPrivilegeInEitherFlavoursShowGrants) {
  const std::vector<std::string> mariadb_app = {
      "GRANT USAGE ON *.* TO `app`@`%` IDENTIFIED BY PASSWORD '*ABC'",
      "GRANT SELECT, RELOAD ON `shop`.* TO `app`@`%`",  // not a global grant (and not valid)
      "GRANT SELECT, LOCK TABLES, SHOW VIEW, EVENT, TRIGGER ON `shop`.* TO `app`@`%`"};
  EXPECT_FALSE(GrantsInclude(mariadb_app, "RELOAD"));
  const std::vector<std::string> mariadb_role = {
      "GRANT `backup_role` TO `bk`@`localhost`", "GRANT USAGE ON *.* TO `bk`@`localhost`",
      "GRANT RELOAD, BINLOG MONITOR ON *.* TO `backup_role`",
      "SET DEFAULT ROLE `backup_role` FOR `bk`@`localhost`"};
  EXPECT_TRUE(GrantsInclude(mariadb_role, "RELOAD"));
  EXPECT_TRUE(GrantsInclude(mariadb_role, "binlog monitor"));
  EXPECT_FALSE(GrantsInclude(mariadb_role, "BINLOG"));
  EXPECT_TRUE(GrantsInclude({"GRANT ALL PRIVILEGES ON *.* TO `root`@`localhost` WITH GRANT OPTION"},
                            "RELOAD"));
  const std::vector<std::string> mysql8 = {
      "GRANT SELECT, RELOAD, PROCESS ON *.* TO `bk`@`%`",
      "GRANT BACKUP_ADMIN,REPLICATION_SLAVE_ADMIN ON *.* TO `bk`@`%`"};
  EXPECT_TRUE(GrantsInclude(mysql8, "RELOAD"));
  EXPECT_TRUE(GrantsInclude(mysql8, "BACKUP_ADMIN"));
  EXPECT_FALSE(GrantsInclude({"GRANT SELECT, PROCESS ON *.* TO `rds`@`%`"}, "RELOAD"));
}

TEST(ServerInfoTest, SnapshotPositionStatementsPerFlavor) {
  ServerInfo maria = ParseServerVersion("10.11.6-MariaDB");
  EXPECT_EQ(maria.SnapshotBinlogQuery(), "SHOW STATUS LIKE 'binlog_snapshot_%'");
  EXPECT_EQ(maria.GtidAtBinlogPositionSql("binlog.000002", "1234"),
            "SELECT BINLOG_GTID_POS('binlog.000002', '1234')");
  EXPECT_TRUE(maria.HasLockTablesNowait());
  EXPECT_FALSE(ParseServerVersion("10.2.44-MariaDB").HasLockTablesNowait());
  ServerInfo mysql = ParseServerVersion("8.0.36");
  EXPECT_EQ(mysql.SnapshotBinlogQuery(), "");
  EXPECT_EQ(mysql.GtidAtBinlogPositionSql("binlog.000002", "1234"), "");
  EXPECT_FALSE(mysql.HasLockTablesNowait());
}

// restore --exclusive: what each flavour relaxes, and how each setting is put back.
TEST(ServerInfoTest, BulkLoadSettingsPerFlavour) {
  auto names = [](const ServerInfo& s) {
    std::vector<std::string> out;
    for (const auto& b : s.BulkLoadSettings()) out.push_back(b.name + "=" + b.tuned);
    return out;
  };
  const std::vector<std::string> common = {"innodb_flush_log_at_trx_commit=0", "sync_binlog=0"};
  EXPECT_EQ(names(ParseServerVersion("10.11.19-MariaDB-0+deb12u1")), common);
  EXPECT_EQ(names(ParseServerVersion("8.0.20")), common);  // before ALTER INSTANCE ... REDO_LOG
  std::vector<std::string> mysql8 = common;
  mysql8.push_back("innodb_redo_log=OFF");
  EXPECT_EQ(names(ParseServerVersion("8.0.21")), mysql8);
  EXPECT_EQ(names(ParseServerVersion("8.4.0-commercial")), mysql8);

  const auto maria = ParseServerVersion("10.11.19-MariaDB").BulkLoadSettings();
  EXPECT_EQ(maria[0].apply_sql, "SET GLOBAL innodb_flush_log_at_trx_commit = 0");
  EXPECT_EQ(maria[0].current_sql, "SELECT @@GLOBAL.innodb_flush_log_at_trx_commit");
  const ServerInfo m8 = ParseServerVersion("8.0.36");
  const auto redo = m8.BulkLoadSettings().back();
  EXPECT_EQ(redo.apply_sql, "ALTER INSTANCE DISABLE INNODB REDO_LOG");
  EXPECT_EQ(m8.RestoreBulkLoadSettingSql(redo, "ON"), "ALTER INSTANCE ENABLE INNODB REDO_LOG");
  EXPECT_EQ(m8.RestoreBulkLoadSettingSql(redo, "OFF"), "");  // it was off: leave it off
  EXPECT_EQ(m8.RestoreBulkLoadSettingSql(maria[1], "1"), "SET GLOBAL sync_binlog = 1");
  // A value that is not a number is quoted, never pasted into the statement.
  EXPECT_EQ(m8.RestoreBulkLoadSettingSql(maria[1], "1; DROP TABLE t"),
            "SET GLOBAL sync_binlog = '1; DROP TABLE t'");
  EXPECT_EQ(m8.RestoreBulkLoadSettingSql(maria[1], "a'b"), "SET GLOBAL sync_binlog = 'a\\'b'");
}

}  // namespace
}  // namespace myvault::mysql

namespace myvault::mysql {
namespace {

TEST(ServerInfoTest, ReplicaStatementsPerFlavor) {
  EXPECT_EQ(ParseServerVersion("10.11.6-MariaDB").Replica().status, "SHOW SLAVE STATUS");
  EXPECT_EQ(ParseServerVersion("8.0.21").Replica().log_file_column, "Relay_Master_Log_File");
  ServerInfo::ReplicaSql mysql84 = ParseServerVersion("8.4.0").Replica();
  EXPECT_EQ(mysql84.status, "SHOW REPLICA STATUS");
  EXPECT_EQ(mysql84.stop_sql_thread, "STOP REPLICA SQL_THREAD");
  EXPECT_EQ(mysql84.log_position_column, "Exec_Source_Log_Pos");
  EXPECT_EQ(mysql84.sql_running_column, "Replica_SQL_Running");
  EXPECT_EQ(ParseServerVersion("10.11.6-MariaDB").Replica().sql_running_column,
            "Slave_SQL_Running");
}

TEST(ServerInfoTest, StatementTimeLimitPerFlavor) {
  EXPECT_EQ(ParseServerVersion("10.11.6-MariaDB").StatementTimeLimitSql(2.5),
            "SET SESSION max_statement_time = 2.500000");
  EXPECT_EQ(ParseServerVersion("8.0.36").StatementTimeLimitSql(2.5),
            "SET SESSION max_execution_time = 2500");
}

TEST(ServerInfoTest, NoStatementTimeLimitWhereTheServerHasOne) {
  EXPECT_EQ(ParseServerVersion("10.11.6-MariaDB").NoStatementTimeLimit(), "max_statement_time=0");
  EXPECT_EQ(ParseServerVersion("10.1.1-MariaDB").NoStatementTimeLimit(), "max_statement_time=0");
  EXPECT_EQ(ParseServerVersion("10.0.38-MariaDB").NoStatementTimeLimit(), "");
  EXPECT_EQ(ParseServerVersion("8.0.36").NoStatementTimeLimit(), "max_execution_time=0");
  EXPECT_EQ(ParseServerVersion("5.7.8").NoStatementTimeLimit(), "max_execution_time=0");
  EXPECT_EQ(ParseServerVersion("5.6.51").NoStatementTimeLimit(), "");
}

TEST(ServerInfoTest, MetadataLockHoldersComeFromEachFlavoursOwnTable) {
  const std::string maria = ParseServerVersion("10.11.6-MariaDB").MetadataLockHoldersQuery("'a'");
  EXPECT_NE(maria.find("information_schema.METADATA_LOCK_INFO"), std::string::npos) << maria;
  EXPECT_NE(maria.find("TABLE_SCHEMA IN ('a')"), std::string::npos) << maria;
  const std::string mysql = ParseServerVersion("8.0.36").MetadataLockHoldersQuery("'a'");
  EXPECT_NE(mysql.find("performance_schema.metadata_locks"), std::string::npos) << mysql;
  EXPECT_NE(mysql.find("OBJECT_SCHEMA IN ('a')"), std::string::npos) << mysql;
}

TEST(ServerInfoTest, ReplicasAreTheDumpThreadsOfBothFlavours) {
  for (const char* v : {"10.11.6-MariaDB", "8.0.36"}) {
    const std::string q = ParseServerVersion(v).ConnectedReplicasQuery();
    EXPECT_NE(q.find("'Binlog Dump'"), std::string::npos) << q;
    EXPECT_NE(q.find("'Binlog Dump GTID'"), std::string::npos) << q;
  }
}

TEST(ServerInfoTest, PrivilegesNamedPerFlavourAndVersion) {
  EXPECT_EQ(ParseServerVersion("10.11.6-MariaDB").SqlLogBinPrivilege(), "BINLOG ADMIN or SUPER");
  EXPECT_EQ(ParseServerVersion("10.4.30-MariaDB").SqlLogBinPrivilege(), "SUPER");
  EXPECT_EQ(ParseServerVersion("8.0.36").SqlLogBinPrivilege(),
            "SESSION_VARIABLES_ADMIN, SYSTEM_VARIABLES_ADMIN or SUPER");
  EXPECT_EQ(ParseServerVersion("10.11.6-MariaDB").DefinerPrivileges(),
            (std::vector<std::string>{"SET USER", "SUPER"}));
  EXPECT_EQ(ParseServerVersion("8.0.36").DefinerPrivileges(),
            (std::vector<std::string>{"SET_USER_ID", "SUPER"}));
  EXPECT_EQ(ParseServerVersion("8.4.0").DefinerPrivileges(),
            (std::vector<std::string>{"SET_ANY_DEFINER", "SET_USER_ID", "SUPER"}));
}

TEST(ServerInfoTest, BinlogDumpSessionStatementsByFlavour) {
  const auto maria = ParseServerVersion("10.11.19-MariaDB").BinlogDumpSessionSql(1.0);
  ASSERT_EQ(maria.size(), 3u);
  EXPECT_EQ(maria[0], "SET @master_heartbeat_period = 1000000000");
  EXPECT_EQ(maria[1], "SET @master_binlog_checksum = @@global.binlog_checksum");
  EXPECT_EQ(maria[2], "SET @mariadb_slave_capability = 4");
  const auto mysql8 = ParseServerVersion("8.0.36").BinlogDumpSessionSql(0.5);
  ASSERT_EQ(mysql8.size(), 2u);
  EXPECT_EQ(mysql8[0], "SET @master_heartbeat_period = 500000000");
  EXPECT_EQ(mysql8[1], "SET @source_binlog_checksum = @@global.binlog_checksum");
  EXPECT_EQ(ParseServerVersion("8.0.20").BinlogDumpSessionSql(1)[1],
            "SET @master_binlog_checksum = @@global.binlog_checksum");
}

TEST(ServerInfoTest, BinlogDumpAsksMariaDBForAnnotateEvents) {
  EXPECT_EQ(ParseServerVersion("10.11.19-MariaDB").BinlogDumpFlags(), 2);
  EXPECT_EQ(ParseServerVersion("8.0.36").BinlogDumpFlags(), 0);
}

TEST(ServerInfoTest, BinlogMonitorPrivilegeByFlavour) {
  EXPECT_EQ(ParseServerVersion("10.11.19-MariaDB").BinlogMonitorPrivileges(),
            (std::vector<std::string>{"BINLOG MONITOR", "SUPER"}));
  EXPECT_EQ(ParseServerVersion("10.4.30-MariaDB").BinlogMonitorPrivileges(),
            (std::vector<std::string>{"REPLICATION CLIENT", "SUPER"}));
  EXPECT_EQ(ParseServerVersion("8.0.36").BinlogMonitorPrivileges(),
            (std::vector<std::string>{"REPLICATION CLIENT", "SUPER"}));
}

TEST(ServerInfoTest, DecodesMariaDBGtidEventBody) {
  // seq_no 4711 (LE 8 bytes), domain 2 (LE 4 bytes), flags2 FL_STANDALONE.
  std::string body("\x67\x12\0\0\0\0\0\0\x02\0\0\0\x01", 13);
  auto g = DecodeGtidEvent(162, body, 7);
  ASSERT_TRUE(g.has_value());
  EXPECT_EQ(g->text, "2-7-4711");
  EXPECT_EQ(g->standalone, std::optional<bool>(true));
  body[12] = 0x0c;  // FL_ALLOW_PARALLEL | FL_TRANSACTIONAL: a transaction ended by XID
  EXPECT_EQ(DecodeGtidEvent(162, body, 7)->standalone, std::optional<bool>(false));
  EXPECT_FALSE(DecodeGtidEvent(162, body.substr(0, 12), 7).has_value());
  EXPECT_FALSE(DecodeGtidEvent(2, body, 7).has_value());
}

TEST(ServerInfoTest, DecodesMySQLGtidEventBody) {
  std::string body(1, '\x01');
  for (int i = 0; i < 16; ++i) body += static_cast<char>(0x10 + i);
  body += std::string("\x05\0\0\0\0\0\0\0", 8);
  auto g = DecodeGtidEvent(33, body, 1);
  ASSERT_TRUE(g.has_value());
  EXPECT_EQ(g->text, "10111213-1415-1617-1819-1a1b1c1d1e1f:5");
  EXPECT_FALSE(g->standalone.has_value());
}

TEST(ServerInfoTest, GtidPositionIncludesByFlavour) {
  EXPECT_TRUE(*GtidPositionIncludes("0-1-5,1-2-9", "0-1-5"));
  EXPECT_TRUE(*GtidPositionIncludes("0-1-5,1-2-9", "1-3-2"));
  EXPECT_FALSE(*GtidPositionIncludes("0-1-5,1-2-9", "0-1-6"));
  EXPECT_FALSE(*GtidPositionIncludes("0-1-5", "3-1-1"));
  const std::string uuid = "3e11fa47-71ca-11e1-9e33-c80aa9429562";
  EXPECT_TRUE(*GtidPositionIncludes(uuid + ":1-5:7", uuid + ":7"));
  EXPECT_TRUE(*GtidPositionIncludes(uuid + ":1-5:7", uuid + ":3"));
  EXPECT_FALSE(*GtidPositionIncludes(uuid + ":1-5:7", uuid + ":6"));
  EXPECT_FALSE(*GtidPositionIncludes("0-1-5", uuid + ":1"));
  EXPECT_FALSE(GtidPositionIncludes("0-1-5", "yesterday").ok());
  EXPECT_FALSE(GtidPositionIncludes("0-1-5", "0-1").ok());
}

}  // namespace
}  // namespace myvault::mysql

namespace myvault::mysql {
namespace {

TEST(AccountStatementsTest, MariaDBReadsRolesFromMysqlUserAndCreatesThemWithCreateRole) {
  const ServerInfo s = ParseServerVersion("10.11.19-MariaDB-0+deb12u1");
  EXPECT_TRUE(s.HasShowCreateUser());
  EXPECT_EQ(s.AccountsQuery(),
            "SELECT User AS user, Host AS host, is_role FROM mysql.user ORDER BY User, Host");
  EXPECT_EQ(s.AccountSessionSql(), "");
  EXPECT_EQ(s.AccountName("app", "%", false), "`app`@`%`");
  EXPECT_EQ(s.AccountName("read`er", "", true), "`read``er`");
  EXPECT_EQ(s.ShowCreateAccountSql("app", "10.0.0.%", false), "SHOW CREATE USER `app`@`10.0.0.%`");
  EXPECT_EQ(s.ShowCreateAccountSql("reader", "", true), "");  // MariaDB has none for a role
  EXPECT_EQ(s.CreateRoleSql("reader"), "CREATE ROLE IF NOT EXISTS `reader`");
  EXPECT_EQ(s.ShowGrantsSql("reader", "", true), "SHOW GRANTS FOR `reader`");
  EXPECT_EQ(s.DropAccountSql("reader", "", true), "DROP ROLE `reader`");
  EXPECT_EQ(s.DropAccountSql("app", "%", false), "DROP USER `app`@`%`");
  EXPECT_FALSE(ParseServerVersion("10.1.48-MariaDB").HasShowCreateUser());
}

TEST(AccountStatementsTest, MySQL8RolesAreAccountsAndHashesArePrintedAsHex) {
  const ServerInfo s = ParseServerVersion("8.0.36");
  EXPECT_TRUE(s.HasShowCreateUser());
  EXPECT_EQ(s.AccountsQuery(),
            "SELECT User AS user, Host AS host, 'N' AS is_role FROM mysql.user ORDER BY User, "
            "Host");
  // caching_sha2_password hashes hold binary bytes: IDENTIFIED WITH ... AS 0x...
  EXPECT_EQ(s.AccountSessionSql(), "SET SESSION print_identified_with_as_hex = ON");
  EXPECT_EQ(ParseServerVersion("8.0.16").AccountSessionSql(), "");
  // A MySQL role is read, shown and dropped as the account it is, with its host.
  EXPECT_EQ(s.AccountName("reader", "%", false), "`reader`@`%`");
  EXPECT_EQ(s.ShowCreateAccountSql("reader", "%", true), "SHOW CREATE USER `reader`@`%`");
  EXPECT_EQ(s.DropAccountSql("reader", "%", true), "DROP USER `reader`@`%`");
  EXPECT_TRUE(ParseServerVersion("5.7.6").HasShowCreateUser());
  EXPECT_FALSE(ParseServerVersion("5.7.5").HasShowCreateUser());
}

TEST(AccountStatementsTest, SystemAccountsAreTheServersOwn) {
  EXPECT_TRUE(IsSystemAccount("mariadb.sys", "localhost", "CREATE USER `mariadb.sys`@`localhost`"));
  EXPECT_TRUE(IsSystemAccount("mysql.session", "localhost", ""));
  EXPECT_TRUE(IsSystemAccount("mysql.sys", "localhost", ""));
  EXPECT_TRUE(IsSystemAccount("mysql.infoschema", "localhost", ""));
  EXPECT_TRUE(IsSystemAccount("PUBLIC", "", ""));
  EXPECT_TRUE(IsSystemAccount("root", "localhost",
                              "CREATE USER `root`@`localhost` IDENTIFIED VIA mysql_native_password "
                              "USING 'invalid' OR unix_socket"));
  EXPECT_TRUE(IsSystemAccount("root", "localhost",
                              "CREATE USER `root`@`localhost` IDENTIFIED WITH 'auth_socket'"));
  // An administrator with a password, and look-alikes elsewhere, are the operator's.
  EXPECT_FALSE(IsSystemAccount("root", "localhost",
                               "CREATE USER `root`@`localhost` IDENTIFIED BY PASSWORD '*AB'"));
  EXPECT_FALSE(IsSystemAccount("root", "127.0.0.1", "... unix_socket"));
  EXPECT_FALSE(IsSystemAccount("mariadb.sys", "%", ""));
  EXPECT_FALSE(IsSystemAccount("app", "localhost", ""));
}

}  // namespace
}  // namespace myvault::mysql

namespace myvault::mysql {
namespace {

TEST(AccountStatementsTest, GrantLinesLoseTheAuthenticationThatCreateUserCarries) {
  EXPECT_EQ(GrantWithoutAuthentication("GRANT USAGE ON *.* TO `app`@`%` IDENTIFIED BY PASSWORD "
                                       "'*2B60' WITH MAX_QUERIES_PER_HOUR 100"),
            "GRANT USAGE ON *.* TO `app`@`%` WITH MAX_QUERIES_PER_HOUR 100");
  EXPECT_EQ(GrantWithoutAuthentication("GRANT ALL PRIVILEGES ON *.* TO `r`@`h` IDENTIFIED VIA "
                                       "mysql_native_password USING 'in WITH valid' OR "
                                       "unix_socket WITH GRANT OPTION"),
            "GRANT ALL PRIVILEGES ON *.* TO `r`@`h` WITH GRANT OPTION");
  EXPECT_EQ(GrantWithoutAuthentication("GRANT USAGE ON *.* TO `a`@`%` IDENTIFIED VIA ed25519 "
                                       "USING 'x' REQUIRE SSL"),
            "GRANT USAGE ON *.* TO `a`@`%` REQUIRE SSL");
  EXPECT_EQ(GrantWithoutAuthentication("GRANT USAGE ON *.* TO `a`@`%` IDENTIFIED BY PASSWORD "
                                       "'*AB'"),
            "GRANT USAGE ON *.* TO `a`@`%`");
  // MySQL's lines, role grants and a table named like the keyword stay as they are.
  EXPECT_EQ(GrantWithoutAuthentication("GRANT SELECT ON `db`.* TO `a`@`%`"),
            "GRANT SELECT ON `db`.* TO `a`@`%`");
  EXPECT_EQ(GrantWithoutAuthentication("GRANT `r` TO `a`@`%` WITH ADMIN OPTION"),
            "GRANT `r` TO `a`@`%` WITH ADMIN OPTION");
}

}  // namespace
}  // namespace myvault::mysql
