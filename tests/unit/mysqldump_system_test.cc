// mysqldump --system's plugins, udfs, servers, stats and timezones: the statement built from one
// row as the server lists it, the tables each part stands for, and where BuildScript puts them.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "mysqldump/system.h"
#include "mysqldump_script_helpers.h"

namespace myvault::mysqldump {
namespace {

using system_parts::ForeignServer;
using system_parts::Plugin;
using system_parts::Udf;
using testing::Build;
using testing::MakeDatabase;
using testing::MakeTable;

MysqldumpOptions Replace() {
  MysqldumpOptions o;
  o.replace = true;
  return o;
}

MysqldumpOptions InsertIgnore() {
  MysqldumpOptions o;
  o.insert_ignore = true;
  return o;
}

TEST(MysqldumpSystemTest, PluginFromALibraryIsInstalled) {
  const Plugin p{"METADATA_LOCK_INFO", "ACTIVE", "metadata_lock_info.so"};
  EXPECT_EQ(system_parts::PluginSql(p, {}),
            "INSTALL PLUGIN `METADATA_LOCK_INFO` SONAME 'metadata_lock_info.so';\n");
  EXPECT_EQ(system_parts::PluginSql(p, Replace()),
            "/*M!100401 UNINSTALL PLUGIN IF EXISTS `METADATA_LOCK_INFO` */;\n"
            "INSTALL PLUGIN `METADATA_LOCK_INFO` SONAME 'metadata_lock_info.so';\n");
  EXPECT_EQ(system_parts::PluginSql(p, InsertIgnore()),
            "INSTALL PLUGIN /*M!100401 IF NOT EXISTS */ `METADATA_LOCK_INFO` SONAME "
            "'metadata_lock_info.so';\n");
}

TEST(MysqldumpSystemTest, BuiltInAndInactivePluginsAreLeftOut) {
  EXPECT_EQ(system_parts::PluginSql({"InnoDB", "ACTIVE", ""}, {}), "");
  EXPECT_EQ(system_parts::PluginSql({"BLACKHOLE", "DISABLED", "ha_blackhole.so"}, {}), "");
  EXPECT_EQ(system_parts::PluginSql({"odd`name", "ACTIVE", "it's.so"}, {}),
            "INSTALL PLUGIN `odd``name` SONAME 'it\\'s.so';\n");
}

TEST(MysqldumpSystemTest, UdfFromAMysqlFuncRow) {
  const Udf f{"metaphon", "0", "udf_example.so", "function"};
  EXPECT_EQ(*system_parts::UdfSql(f, {}),
            "CREATE FUNCTION `metaphon` RETURNS STRING SONAME 'udf_example.so';\n");
  EXPECT_EQ(*system_parts::UdfSql(f, Replace()),
            "/*!50701 DROP FUNCTION IF EXISTS `metaphon` */;\n"
            "CREATE /*M!100103 OR REPLACE */ FUNCTION `metaphon` RETURNS STRING SONAME "
            "'udf_example.so';\n");
  EXPECT_EQ(*system_parts::UdfSql(f, InsertIgnore()),
            "CREATE FUNCTION IF NOT EXISTS `metaphon` RETURNS STRING SONAME 'udf_example.so';\n");
  EXPECT_EQ(*system_parts::UdfSql({"avgcost", "1", "udf_example.so", "aggregate"}, {}),
            "CREATE AGGREGATE FUNCTION `avgcost` RETURNS REAL SONAME 'udf_example.so';\n");
  EXPECT_EQ(*system_parts::UdfSql({"myfunc_int", "2", "udf_example.so", "function"}, {}),
            "CREATE FUNCTION `myfunc_int` RETURNS INT SONAME 'udf_example.so';\n");
  EXPECT_EQ(*system_parts::UdfSql({"d", "4", "x.so", "function"}, {}),
            "CREATE FUNCTION `d` RETURNS DECIMAL SONAME 'x.so';\n");
}

TEST(MysqldumpSystemTest, UdfWithAnUnknownReturnTypeIsAnError) {
  for (const std::string ret : {"6", "-1", "", "x"}) {
    SCOPED_TRACE(ret);
    Result<std::string> sql = system_parts::UdfSql({"f", ret, "x.so", "function"}, {});
    ASSERT_FALSE(sql.ok());
    EXPECT_EQ(sql.status().message(),
              "--system=udfs: function f has the unknown return type " + ret + "; it is left out");
  }
}

TEST(MysqldumpSystemTest, ServerWithEveryOptionSet) {
  const ForeignServer s{"srv1", "db.example",  "shop",  "app", "se'cret",
                        "3307", "/tmp/s.sock", "mysql", "root"};
  EXPECT_EQ(system_parts::ServerSql(s, {}),
            "CREATE SERVER `srv1` FOREIGN DATA WRAPPER 'mysql' OPTIONS (Host 'db.example', "
            "Database 'shop', User 'app', Password 'se\\'cret', Port 3307, Socket '/tmp/s.sock', "
            "Owner 'root');\n");
}

TEST(MysqldumpSystemTest, ServerLeavesEmptyOptionsOutAndKeepsPortZero) {
  const ForeignServer s{"s2", "h", "", "", "", "0", "", "mysql", ""};
  EXPECT_EQ(system_parts::ServerSql(s, {}),
            "CREATE SERVER `s2` FOREIGN DATA WRAPPER 'mysql' OPTIONS (Host 'h', Port 0);\n");
  EXPECT_EQ(system_parts::ServerSql(s, Replace()),
            "CREATE /*M!100103 OR REPLACE */ SERVER `s2` FOREIGN DATA WRAPPER 'mysql' OPTIONS "
            "(Host 'h', Port 0);\n");
  EXPECT_EQ(system_parts::ServerSql(s, InsertIgnore()),
            "CREATE SERVER /*M!100103 IF NOT EXISTS */ `s2` FOREIGN DATA WRAPPER 'mysql' OPTIONS "
            "(Host 'h', Port 0);\n");
}

TEST(MysqldumpSystemTest, TablesOfEachPart) {
  MysqldumpOptions::System sys;
  EXPECT_TRUE(system_parts::LeftOutTables(sys).empty());
  const mysql::ServerInfo mariadb = mysql::ParseServerVersion("10.11.19-MariaDB");
  EXPECT_TRUE(system_parts::StatsTables(sys, mariadb).empty());
  EXPECT_TRUE(system_parts::TimeZoneTables(sys).empty());
  sys.stats = sys.timezones = true;
  EXPECT_EQ(system_parts::StatsTables(sys, mariadb),
            std::vector<std::string>({"column_stats", "index_stats", "table_stats",
                                      "innodb_index_stats", "innodb_table_stats"}));
  EXPECT_EQ(system_parts::StatsTables(sys, mysql::ParseServerVersion("8.0.36")),
            std::vector<std::string>({"innodb_index_stats", "innodb_table_stats"}));
  EXPECT_EQ(system_parts::TimeZoneTables(sys),
            std::vector<std::string>({"time_zone", "time_zone_name", "time_zone_leap_second",
                                      "time_zone_transition", "time_zone_transition_type"}));
  EXPECT_EQ(system_parts::LeftOutTables(sys).size(), 10u);
  sys = {};
  sys.plugins = sys.udfs = sys.servers = true;
  EXPECT_EQ(system_parts::LeftOutTables(sys), std::set<std::string>({"plugin", "func", "servers"}));
  sys = {};
  sys.users = true;
  EXPECT_EQ(system_parts::LeftOutTables(sys).count("global_priv"), 1u);
  EXPECT_EQ(system_parts::LeftOutTables(sys).count("plugin"), 0u);
}

TEST(MysqldumpSystemTest, RowsAreReplacedUnlessInsertIgnore) {
  EXPECT_EQ(system_parts::RowsVerb({}), "REPLACE");
  EXPECT_EQ(system_parts::RowsVerb(Replace()), "REPLACE");
  EXPECT_EQ(system_parts::RowsVerb(InsertIgnore()), "INSERT IGNORE");
  MysqldumpOptions both = Replace();
  both.insert_ignore = true;
  EXPECT_EQ(system_parts::RowsVerb(both), "REPLACE");
}

// A dump of `shop` and of `mysql` (as with -A) whose mysql.table_stats and mysql.time_zone are
// --system's rows: they come last, after USE mysql, with no CREATE TABLE.
TEST(MysqldumpSystemTest, ScriptPutsTheSystemPartsLastInOrder) {
  dump::Catalog c;
  c.databases = {MakeDatabase("mysql"), MakeDatabase("shop")};
  c.tables = {MakeTable("mysql", "proc", "Aria"), MakeTable("shop", "items"),
              MakeTable("mysql", "table_stats", "Aria"), MakeTable("mysql", "time_zone", "Aria")};
  MysqldumpOptions o;
  o.mode = MysqldumpOptions::Mode::kAll;
  o.system.plugins = o.system.users = o.system.udfs = o.system.servers = true;
  o.system.stats = o.system.timezones = true;
  ScriptFacts f = testing::MariaDBFacts();
  f.plugins_sql = "INSTALL PLUGIN p;\n";
  f.accounts_sql = "CREATE USER u;\n";
  f.udfs_sql = "CREATE FUNCTION f;\n";
  f.servers_sql = "CREATE SERVER s;\n";
  f.stats_tables = {2};
  f.timezone_tables = {3};
  const std::string s = Build(c, o, f);
  EXPECT_EQ(testing::Count(s, "CREATE TABLE `table_stats`"), 0u) << s;
  EXPECT_EQ(testing::Count(s, "CREATE TABLE `time_zone`"), 0u) << s;
  EXPECT_EQ(testing::Count(s, "CREATE TABLE `proc`"), 1u) << s;
  const std::string tail =
      "INSTALL PLUGIN p;\n"
      "\n--\n-- Users, roles and grants\n--\n\nCREATE USER u;\n"
      "CREATE FUNCTION f;\n"
      "CREATE SERVER s;\n"
      "\nUSE `mysql`;\n"
      "\n--\n-- Dumping data for table `table_stats`\n--\n\n"
      "LOCK TABLES `table_stats` WRITE;\n"
      "/*!40000 ALTER TABLE `table_stats` DISABLE KEYS */;\n"
      "<<rows table_stats>>\n"
      "/*!40000 ALTER TABLE `table_stats` ENABLE KEYS */;\n"
      "UNLOCK TABLES;\n"
      "\nUSE `mysql`;\n"
      "\n--\n-- Dumping data for table `time_zone`\n--\n\n"
      "LOCK TABLES `time_zone` WRITE;\n"
      "/*!40000 ALTER TABLE `time_zone` DISABLE KEYS */;\n"
      "<<rows time_zone>>\n"
      "/*!40000 ALTER TABLE `time_zone` ENABLE KEYS */;\n"
      "UNLOCK TABLES;\n";
  const size_t at = s.find(tail);
  ASSERT_NE(at, std::string::npos) << s;
  EXPECT_LT(s.find("<<rows items>>"), at);
  EXPECT_LT(s.find("<<rows proc>>"), at);
}

TEST(MysqldumpSystemTest, ScriptWithoutDataKeepsOnlyTheUse) {
  dump::Catalog c;
  c.tables = {MakeTable("mysql", "time_zone", "Aria")};
  MysqldumpOptions o;
  o.mode = MysqldumpOptions::Mode::kAll;
  o.only_system = true;
  o.system.timezones = true;
  o.no_data = true;
  o.compact = true;
  ScriptFacts f = testing::MariaDBFacts();
  f.timezone_tables = {0};
  EXPECT_EQ(Build(c, o, f), "/*M!999999\\- enable the sandbox mode */ \n\nUSE `mysql`;\n");
}

}  // namespace
}  // namespace myvault::mysqldump
