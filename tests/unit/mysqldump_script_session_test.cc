// BuildScript's header, footer and replication coordinates: per flavour and per option.
#include <gtest/gtest.h>

#include "mysqldump_script_helpers.h"

namespace myvault::mysqldump::testing {
namespace {

bool HasLine(const std::string& s, const std::string& line) {
  return ("\n" + s).find("\n" + line + "\n") != std::string::npos;
}

bool EndsWith(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

TEST(MysqldumpScriptSessionTest, HeaderNamesTheFlavourAndTheSandboxLineOnlyForMariaDB) {
  std::string maria = Build(ShopCatalog(), TablesMode("shop"));
  const std::string sandbox = "/*M!999999\\- enable the sandbox mode */ \n";
  EXPECT_EQ(maria.rfind(sandbox + "-- MariaDB dump 10.19  Distrib myvault " MYVAULT_VERSION, 0),
            0u);
  EXPECT_EQ(Count(maria, "sandbox"), 1u);
  EXPECT_TRUE(HasLine(maria, "-- Server version\t10.11.19-MariaDB-log"));
  EXPECT_TRUE(HasLine(maria, "/*!40101 SET NAMES utf8mb4 */;"));

  std::string mysql = Build(ShopCatalog(), TablesMode("shop"), MySQLFacts("8.0.36"));
  EXPECT_EQ(mysql.rfind("-- MySQL dump 10.13  Distrib myvault " MYVAULT_VERSION, 0), 0u);
  EXPECT_EQ(Count(mysql, "sandbox"), 0u) << "MySQL's client rejects the sandbox line";
  EXPECT_TRUE(HasLine(mysql, "/*!50503 SET NAMES utf8mb4 */;"));
  EXPECT_TRUE(HasLine(mysql, "/*!50503 SET character_set_client = utf8mb4 */;"));
}

TEST(MysqldumpScriptSessionTest, SessionSettingsFollowTheOptions) {
  MysqldumpOptions o = TablesMode("shop");
  o.tz_utc = false;
  o.set_charset = false;
  std::string s = Build(ShopCatalog(), o);
  EXPECT_EQ(Count(s, "TIME_ZONE='+00:00'"), 0u);
  EXPECT_EQ(Count(s, "@OLD_TIME_ZONE"), 0u);
  EXPECT_EQ(Count(s, "SET NAMES"), 0u);
  EXPECT_EQ(Count(s, "OLD_CHARACTER_SET"), 0u);
  // Without the charset block, the settings follow the comments directly, as in mysqldump.
  EXPECT_NE(s.find("-- Server version\t10.11.19-MariaDB-log\n/*!40014 SET @OLD_UNIQUE_CHECKS"),
            std::string::npos);

  o = TablesMode("shop");
  o.default_character_set = "latin1";
  s = Build(ShopCatalog(), o);
  EXPECT_TRUE(HasLine(s, "/*!40101 SET NAMES latin1 */;"));
  o.default_character_set = "latin1; DROP TABLE x";
  EXPECT_TRUE(HasLine(Build(ShopCatalog(), o), "/*!40101 SET NAMES utf8mb4 */;"));
}

TEST(MysqldumpScriptSessionTest, FooterRestoresAndEndsWithTheDate) {
  MysqldumpOptions o = TablesMode("shop");
  std::string s = Build(ShopCatalog(), o);
  EXPECT_TRUE(EndsWith(s,
                       "/*!40111 SET SQL_NOTES=@OLD_SQL_NOTES */;\n\n"
                       "-- Dump completed on 2026-11-26 14:36:39\n"));
  o.dump_date = false;
  s = Build(ShopCatalog(), o);
  EXPECT_TRUE(EndsWith(s, "\n\n-- Dump completed\n"));
  o.comments = false;
  s = Build(ShopCatalog(), o);
  EXPECT_TRUE(EndsWith(s, "/*!40111 SET SQL_NOTES=@OLD_SQL_NOTES */;\n\n"));
  EXPECT_EQ(("\n" + s).find("\n--"), std::string::npos) << "a comment line without comments";
}

ScriptFacts WithPositions(ScriptFacts f) {
  f.binlog_file = "binlog.000042";
  f.binlog_position = "1234";
  f.gtid_position = "0-1-27";
  f.source_host = "primary";
  f.source_port = "3306";
  f.source_log_file = "src.000007";
  f.source_log_position = "99";
  f.source_gtid = "0-9-500";
  return f;
}

TEST(MysqldumpScriptSessionTest, MasterDataOneIsActiveTwoIsCommented) {
  MysqldumpOptions o = TablesMode("shop");
  o.master_data = 1;
  std::string s = Build(ShopCatalog(), o, WithPositions(MariaDBFacts()));
  std::string change = "CHANGE MASTER TO MASTER_LOG_FILE='binlog.000042', MASTER_LOG_POS=1234;";
  EXPECT_TRUE(HasLine(s, change));
  EXPECT_TRUE(HasLine(s, "-- Position to start replication or point-in-time recovery from"));
  EXPECT_LT(s.find(change), s.find("Table structure"));
  // Without --gtid the GTID position is information only, at the end.
  EXPECT_TRUE(HasLine(s, "-- SET GLOBAL gtid_slave_pos='0-1-27';"));
  EXPECT_GT(s.find("gtid_slave_pos"), s.find("Final view structure"));

  o.master_data = 2;
  s = Build(ShopCatalog(), o, WithPositions(MariaDBFacts()));
  EXPECT_TRUE(HasLine(s, "-- " + change));
  EXPECT_FALSE(HasLine(s, change));
}

TEST(MysqldumpScriptSessionTest, MariaDBGtidMakesTheGtidStatementsActive) {
  MysqldumpOptions o = TablesMode("shop");
  o.master_data = 1;
  o.gtid = true;
  std::string s = Build(ShopCatalog(), o, WithPositions(MariaDBFacts()));
  EXPECT_TRUE(HasLine(s, "CHANGE MASTER TO MASTER_USE_GTID=slave_pos;"));
  EXPECT_TRUE(
      HasLine(s, "-- CHANGE MASTER TO MASTER_LOG_FILE='binlog.000042', MASTER_LOG_POS=1234;"));
  EXPECT_TRUE(HasLine(s, "SET GLOBAL gtid_slave_pos='0-1-27';"));
  EXPECT_LT(s.find("SET GLOBAL gtid_slave_pos"), s.find("SET TIME_ZONE=@OLD_TIME_ZONE"));

  o.master_data = 2;
  s = Build(ShopCatalog(), o, WithPositions(MariaDBFacts()));
  EXPECT_TRUE(HasLine(s, "-- CHANGE MASTER TO MASTER_USE_GTID=slave_pos;"));
  EXPECT_TRUE(HasLine(s, "-- SET GLOBAL gtid_slave_pos='0-1-27';"));
  EXPECT_EQ(Count(s, "\nCHANGE MASTER"), 0u);
}

TEST(MysqldumpScriptSessionTest, MySQLWordingFollowsTheServerVersion) {
  MysqldumpOptions o = TablesMode("shop");
  o.master_data = 2;
  o.set_gtid_purged = "OFF";
  std::string s = Build(ShopCatalog(), o, WithPositions(MySQLFacts("8.4.0")));
  EXPECT_TRUE(HasLine(
      s, "-- CHANGE REPLICATION SOURCE TO SOURCE_LOG_FILE='binlog.000042', SOURCE_LOG_POS=1234;"));
  s = Build(ShopCatalog(), o, WithPositions(MySQLFacts("5.7.44-log")));
  EXPECT_TRUE(
      HasLine(s, "-- CHANGE MASTER TO MASTER_LOG_FILE='binlog.000042', MASTER_LOG_POS=1234;"));
  EXPECT_EQ(Count(s, "gtid_slave_pos"), 0u);  // MariaDB's variable
  EXPECT_EQ(Count(s, "GTID_PURGED"), 0u);     // OFF
}

TEST(MysqldumpScriptSessionTest, MySQLGtidPurgedTurnsBinaryLoggingOffAroundTheLoad) {
  MysqldumpOptions o = TablesMode("shop");
  ScriptFacts f = MySQLFacts("8.0.36");
  f.gtid_position =
      "3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5,\n4e11fa47-71ca-11e1-9e33-c80aa9429562:1-2";
  std::string s = Build(ShopCatalog(), o, f);  // AUTO, the default
  std::string set =
      "SET @@GLOBAL.GTID_PURGED=/*!80000 '+'*/ '3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5,"
      "4e11fa47-71ca-11e1-9e33-c80aa9429562:1-2';";
  EXPECT_TRUE(HasLine(s, set)) << s;
  EXPECT_NE(s.find("SET @MYSQLDUMP_TEMP_LOG_BIN = @@SESSION.SQL_LOG_BIN;\n"
                   "SET @@SESSION.SQL_LOG_BIN= 0;\n"),
            std::string::npos);
  EXPECT_LT(s.find("SQL_LOG_BIN= 0"), s.find(set));
  EXPECT_NE(s.find("SET @@SESSION.SQL_LOG_BIN = @MYSQLDUMP_TEMP_LOG_BIN;\n"
                   "/*!40103 SET TIME_ZONE=@OLD_TIME_ZONE */;"),
            std::string::npos);

  o.set_gtid_purged = "COMMENTED";
  s = Build(ShopCatalog(), o, f);
  EXPECT_TRUE(HasLine(s, "-- " + set));
  EXPECT_EQ(Count(s, "SQL_LOG_BIN"), 0u);

  o.set_gtid_purged = "OFF";
  EXPECT_EQ(Count(Build(ShopCatalog(), o, f), "GTID_PURGED"), 0u);
  o.set_gtid_purged = "ON";
  EXPECT_EQ(Count(Build(ShopCatalog(), o, MariaDBFacts()), "GTID_PURGED"), 0u);
}

TEST(MysqldumpScriptSessionTest, DumpSlaveNamesTheSourceAndWinsOverMasterData) {
  MysqldumpOptions o = TablesMode("shop");
  o.master_data = 2;
  o.dump_slave = 1;
  o.include_master_host_port = true;
  o.apply_slave_statements = true;
  std::string s = Build(ShopCatalog(), o, WithPositions(MariaDBFacts()));
  EXPECT_TRUE(HasLine(s,
                      "CHANGE MASTER TO MASTER_HOST='primary', MASTER_PORT=3306, "
                      "MASTER_LOG_FILE='src.000007', MASTER_LOG_POS=99;"));
  EXPECT_EQ(Count(s, "binlog.000042"), 0u);
  EXPECT_TRUE(HasLine(s, "-- SET GLOBAL gtid_slave_pos='0-9-500';"));
  size_t stop = s.find("\nSTOP ALL SLAVES;\n");
  size_t start = s.find("\nSTART ALL SLAVES;\n");
  EXPECT_LT(stop, s.find("CHANGE MASTER"));
  EXPECT_GT(start, s.find("Final view structure"));
  EXPECT_NE(start, std::string::npos);

  s = Build(ShopCatalog(), o, WithPositions(MySQLFacts("8.0.36")));
  EXPECT_TRUE(HasLine(s,
                      "CHANGE REPLICATION SOURCE TO SOURCE_HOST='primary', SOURCE_PORT=3306, "
                      "SOURCE_LOG_FILE='src.000007', SOURCE_LOG_POS=99;"));
  EXPECT_TRUE(HasLine(s, "STOP REPLICA;"));
  EXPECT_TRUE(HasLine(s, "START REPLICA;"));
}

}  // namespace
}  // namespace myvault::mysqldump::testing
