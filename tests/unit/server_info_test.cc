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

TEST(ServerInfoTest, GarbageHasNoCapabilities) {
  ServerInfo s = ParseServerVersion("nonsense");
  EXPECT_FALSE(s.HasBackupStage());
  EXPECT_FALSE(s.HasLockInstanceForBackup());
  EXPECT_EQ(s.GtidPositionQuery(), "");
}

TEST(LockPlanTest, MariaDBTransactionalUsesBackupStage) {
  LockPlan p = ChooseLockPlan(ParseServerVersion("10.11.6-MariaDB"), false);
  EXPECT_EQ(p.kind, LockPlan::Kind::kBackupStage);
  EXPECT_EQ(p.acquire.back(), "BACKUP STAGE BLOCK_COMMIT");
  EXPECT_FALSE(p.hold_until_nontransactional_done);
}

TEST(LockPlanTest, MyISAMForcesReadLockHeldDuringTheirDump) {
  LockPlan p = ChooseLockPlan(ParseServerVersion("10.11.6-MariaDB"), true);
  EXPECT_EQ(p.kind, LockPlan::Kind::kFlushTablesWithReadLock);
  EXPECT_TRUE(p.hold_until_nontransactional_done);
  EXPECT_EQ(p.release, std::vector<std::string>{"UNLOCK TABLES"});
}

TEST(LockPlanTest, MySQL8AddsInstanceBackupLock) {
  LockPlan p = ChooseLockPlan(ParseServerVersion("8.0.36"), false);
  EXPECT_EQ(p.kind, LockPlan::Kind::kFlushTablesWithReadLock);
  EXPECT_EQ(p.after_snapshot, std::vector<std::string>{"LOCK INSTANCE FOR BACKUP"});
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
}

TEST(ServerInfoTest, StatementTimeLimitPerFlavor) {
  EXPECT_EQ(ParseServerVersion("10.11.6-MariaDB").StatementTimeLimitSql(2.5),
            "SET SESSION max_statement_time = 2.500000");
  EXPECT_EQ(ParseServerVersion("8.0.36").StatementTimeLimitSql(2.5),
            "SET SESSION max_execution_time = 2500");
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

}  // namespace
}  // namespace myvault::mysql
