// mysqldump --system=plugins,udfs,servers,stats,timezones (issue 14 point 11): each part run
// through the stock mariadb-dump and myvault on the same source, the statements compared, and
// myvault's output piped into the target with the stock client, which must then hold what the
// source holds. The stats' and timezones' rows are compared the same way for the stock dump, so
// both tools are held to one meaning.
//
// Every test leaves both servers as it found them (Cleanup at the start and in TearDown): a
// plugin, a foreign server, a function and time zone rows are server-wide.
#include <regex>

#include "mysqldump_fixture.h"

namespace myvault::it {
namespace {

constexpr char kDb[] = "mv_md_system";
constexpr char kServer[] = "mv_md_srv";
constexpr char kUdf[] = "sphinx_snippets";  // the UDF in ha_sphinx.so
constexpr char kZone[] = "MV/Zone";
constexpr int kZoneId = 9001;
constexpr char kLeap[] = "78796800";  // 1972-07-01, the first leap second

std::string ZoneWhere() { return " WHERE Time_zone_id = " + std::to_string(kZoneId); }

// What a part's tables hold for this test's objects, one query per table.
std::vector<std::string> StatsQueries() {
  const std::string db = std::string("'") + kDb + "'";
  return {"SELECT * FROM mysql.table_stats WHERE db_name = " + db + " ORDER BY 1, 2",
          "SELECT * FROM mysql.column_stats WHERE db_name = " + db + " ORDER BY 1, 2, 3",
          "SELECT * FROM mysql.index_stats WHERE db_name = " + db + " ORDER BY 1, 2, 3, 4",
          "SELECT * FROM mysql.innodb_table_stats WHERE database_name = " + db + " ORDER BY 1, 2",
          "SELECT * FROM mysql.innodb_index_stats WHERE database_name = " + db +
              " ORDER BY 1, 2, 3, 4"};
}

std::vector<std::string> ZoneQueries() {
  return {
      "SELECT * FROM mysql.time_zone" + ZoneWhere(),
      "SELECT * FROM mysql.time_zone_name" + ZoneWhere(),
      "SELECT * FROM mysql.time_zone_transition" + ZoneWhere() + " ORDER BY 2",
      "SELECT * FROM mysql.time_zone_transition_type" + ZoneWhere() + " ORDER BY 2",
      std::string("SELECT * FROM mysql.time_zone_leap_second WHERE Transition_time = ") + kLeap};
}

// The rows of every query, as text (NULL as \N), one line per row, a blank line per query.
Result<std::string> Contents(TestServer& server, const std::vector<std::string>& queries) {
  std::string out;
  for (const std::string& q : queries) {
    ASSIGN_OR_RETURN(std::vector<Row> rows, server.Query(q));
    for (const Row& row : rows) {
      for (const auto& v : row) out += (v ? HexLiteral(*v) : "\\N") + "\t";
      out += "\n";
    }
    out += "\n";
  }
  return out;
}

// The lines that start with `prefix`, with backquotes left out and runs of spaces made one:
// mariadb-dump writes names bare and sometimes two spaces where an option is empty.
std::vector<std::string> Statements(const std::string& text, const std::string& prefix) {
  std::vector<std::string> out;
  for (std::string line : LinesStartingWith(text, prefix)) {
    std::erase(line, '`');
    out.push_back(std::regex_replace(line, std::regex(" +"), " "));
  }
  return out;
}

class MysqldumpSystem : public MysqldumpTest {
 protected:
  void Prepare() override {
    Cleanup();
    ASSERT_OK(source_->Exec(std::string("CREATE DATABASE ") + kDb));
  }
  void TearDown() override {
    if (source_ != nullptr && target_ != nullptr) Cleanup();
  }
  void Cleanup() {
    CleanupOn(*source_);
    CleanupOn(*target_);
  }
  // Best effort: a statement that finds nothing to do is not an error here.
  static void CleanupOn(TestServer& server) {
    const std::string db = std::string("'") + kDb + "'";
    const std::string zone = ZoneWhere();
    const std::string statements[] = {
        "UNINSTALL PLUGIN IF EXISTS DISKS",
        std::string("DROP SERVER IF EXISTS ") + kServer,
        std::string("DROP FUNCTION IF EXISTS ") + kUdf,
        std::string("DROP DATABASE IF EXISTS ") + kDb,
        "DELETE FROM mysql.table_stats WHERE db_name = " + db,
        "DELETE FROM mysql.column_stats WHERE db_name = " + db,
        "DELETE FROM mysql.index_stats WHERE db_name = " + db,
        "DELETE FROM mysql.innodb_table_stats WHERE database_name = " + db,
        "DELETE FROM mysql.innodb_index_stats WHERE database_name = " + db,
        "DELETE FROM mysql.time_zone" + zone,
        "DELETE FROM mysql.time_zone_name" + zone,
        "DELETE FROM mysql.time_zone_transition" + zone,
        "DELETE FROM mysql.time_zone_transition_type" + zone,
        std::string("DELETE FROM mysql.time_zone_leap_second WHERE Transition_time = ") + kLeap};
    for (const std::string& sql : statements) (void)server.Exec(sql);
  }

  // Runs both tools with `args`, expecting both to succeed; returns {stock, myvault}.
  std::pair<std::string, std::string> BothDumps(const std::vector<std::string>& args) {
    auto stock = MariadbDump(args);
    auto ours = Mysqldump(args);
    EXPECT_TRUE(stock.ok() && stock->exit_code == 0) << (stock.ok() ? stock->Describe() : "");
    EXPECT_TRUE(ours.ok() && ours->exit_code == 0) << (ours.ok() ? ours->Describe() : "");
    return {stock.ok() ? stock->out : "", ours.ok() ? ours->out : ""};
  }

  // Pipes `sql` into the target with the stock client.
  Status Replay(const std::string& name, const std::string& sql) {
    const std::string file = dir_->Join(name);
    RETURN_IF_ERROR(WriteFile(file, sql));
    return RestoreIntoTarget(file);
  }

  // Pipes `sql` into the target; then `query` must give there what it gives on the source, and
  // not nothing.
  void ExpectReplayGivesTheSources(const std::string& file, const std::string& sql,
                                   const std::string& query) {
    ASSERT_OK(Replay(file, sql));
    ASSERT_OK_AND_ASSIGN(std::string on_source, Contents(*source_, {query}));
    ASSERT_OK_AND_ASSIGN(std::string on_target, Contents(*target_, {query}));
    EXPECT_EQ(on_target, on_source);
    EXPECT_NE(on_target, "\n") << "nothing on the target: " << query;
  }

  // --system=PART's dump, then the same with --insert-ignore and with --replace, each loaded
  // over what the one before made.
  void ExpectLoadsAndLoadsAgain(const std::string& part, const std::string& ours,
                                const std::string& query) {
    ExpectReplayGivesTheSources(part + ".sql", ours, query);
    for (const char* again : {"--insert-ignore", "--replace"}) {
      ASSERT_OK_AND_ASSIGN(std::string sql, MysqldumpText({"--system=" + part, again}));
      SCOPED_TRACE(std::string(again) + ":\n" + sql);
      ExpectReplayGivesTheSources(part + "-again.sql", sql, query);
    }
  }

  // The time zone kZone on `server`: a time converted through it.
  Result<std::string> ZoneInUse(TestServer& server) {
    return server.QueryValue(
        std::string("SELECT CONCAT_WS(' ', CONVERT_TZ('2020-06-01 12:00:00', '") + kZone +
        "', '+00:00'), CONVERT_TZ('2000-06-01 12:00:00', '" + kZone + "', '+00:00'))");
  }
};

// A plugin from the plugin directory: INSTALL PLUGIN as mariadb-dump writes it, and on the target
// the plugin is installed from the same library afterwards. --insert-ignore and --replace load
// again over the installed plugin.
TEST_F(MysqldumpSystem, PluginsInstallTheSourcesPluginsOnTheTarget) {
  ASSERT_OK(source_->Exec("INSTALL PLUGIN DISKS SONAME 'disks'"));
  const auto [stock, ours] = BothDumps({"--system=plugins"});
  EXPECT_EQ(Statements(ours, "INSTALL PLUGIN"), Statements(stock, "INSTALL PLUGIN")) << ours;
  EXPECT_NE(ours.find("INSTALL PLUGIN `DISKS` SONAME 'disks.so';\n"), std::string::npos) << ours;
  EXPECT_EQ(ours.find("CREATE TABLE"), std::string::npos) << "--system alone dumps tables";
  ExpectLoadsAndLoadsAgain("plugins", ours,
                           "SELECT name, dl FROM mysql.plugin WHERE name = 'DISKS'");
}

// A function from a library of the plugin directory (SphinxSE's ha_sphinx.so holds the UDF
// sphinx_snippets): CREATE FUNCTION as mariadb-dump writes it, and on the target the function is
// created from the same library afterwards. --insert-ignore and --replace load again over it.
TEST_F(MysqldumpSystem, UdfsCreateTheSourcesFunctionsOnTheTarget) {
  const auto [stock_none, ours_none] = BothDumps({"--system=udfs", "--compact"});
  EXPECT_EQ(Statements(ours_none, "CREATE"), Statements(stock_none, "CREATE")) << ours_none;
  ASSERT_OK(source_->Exec(std::string("CREATE FUNCTION ") + kUdf +
                          " RETURNS STRING SONAME 'ha_sphinx.so'"));
  const auto [stock, ours] = BothDumps({"--system=udfs"});
  EXPECT_EQ(Statements(ours, "CREATE"), Statements(stock, "CREATE")) << ours;
  EXPECT_NE(ours.find(std::string("CREATE FUNCTION `") + kUdf +
                      "` RETURNS STRING SONAME 'ha_sphinx.so';\n"),
            std::string::npos)
      << ours;
  ExpectLoadsAndLoadsAgain("udfs", ours,
                           std::string("SELECT * FROM mysql.func WHERE name = '") + kUdf + "'");
}

// A foreign server with every option: CREATE SERVER as mariadb-dump writes it, and on the target
// afterwards mysql.servers holds the same row. --insert-ignore and --replace load again over it.
TEST_F(MysqldumpSystem, ServersAreCreatedOnTheTargetWithTheirOptions) {
  ASSERT_OK(source_->Exec(std::string("CREATE SERVER ") + kServer +
                          " FOREIGN DATA WRAPPER mysql OPTIONS (HOST '10.0.0.9', DATABASE 'shop', "
                          "USER 'app', PASSWORD 'pa''ss', PORT 3307, SOCKET '/tmp/x.sock', "
                          "OWNER 'me')"));
  const auto [stock, ours] = BothDumps({"--system=servers"});
  EXPECT_EQ(Statements(ours, "CREATE SERVER"), Statements(stock, "CREATE SERVER")) << ours;
  EXPECT_NE(ours.find(std::string("CREATE SERVER `") + kServer +
                      "` FOREIGN DATA WRAPPER 'mysql' OPTIONS (Host '10.0.0.9', Database 'shop', "
                      "User 'app', Password 'pa\\'ss', Port 3307, Socket '/tmp/x.sock', "
                      "Owner 'me');\n"),
            std::string::npos)
      << ours;
  ExpectLoadsAndLoadsAgain(
      "servers", ours,
      std::string("SELECT * FROM mysql.servers WHERE Server_name = '") + kServer + "'");
}

// Engine-independent and InnoDB statistics of a table: both tools' dumps, each piped into the
// target, leave there the source's rows.
TEST_F(MysqldumpSystem, StatsCarryTheStatisticsRowsToTheTarget) {
  ASSERT_OK(source_->Exec(std::string("USE ") + kDb +
                          "; CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(10), n INT, KEY (v, n)) "
                          "ENGINE=InnoDB; INSERT INTO t SELECT seq, CONCAT('v', seq % 7), seq % 3 "
                          "FROM seq_1_to_500; ANALYZE TABLE t PERSISTENT FOR ALL"));
  ASSERT_OK_AND_ASSIGN(std::string on_source, Contents(*source_, StatsQueries()));
  ASSERT_NE(on_source.find("\t\n"), std::string::npos) << "no statistics on the source";
  const auto [stock, ours] = BothDumps({"--system=stats"});
  EXPECT_EQ(ours.find("CREATE TABLE"), std::string::npos) << ours;
  EXPECT_NE(ours.find("\nUSE `mysql`;\n"), std::string::npos) << ours;
  for (const std::string table :
       {"column_stats", "index_stats", "table_stats", "innodb_index_stats", "innodb_table_stats"}) {
    EXPECT_EQ(CountOf(ours, "REPLACE INTO `" + table + "` VALUES") > 0,
              CountOf(stock, "REPLACE INTO `" + table + "` VALUES") > 0)
        << table;
  }
  for (const auto& [name, sql] : {std::pair{"stock", stock}, std::pair{"myvault", ours}}) {
    CleanupOn(*target_);
    SCOPED_TRACE(name);
    ASSERT_OK(Replay(std::string(name) + "-stats.sql", sql));
    ASSERT_OK_AND_ASSIGN(std::string on_target, Contents(*target_, StatsQueries()));
    EXPECT_EQ(on_target, on_source);
  }
}

// Rows of a time zone of our own in the five time zone tables: after either tool's dump is piped
// into the target, the target converts times through the zone as the source does.
TEST_F(MysqldumpSystem, TimezonesCarryTheZoneTablesToTheTarget) {
  const std::string id = std::to_string(kZoneId);
  ASSERT_OK(source_->Exec(
      "INSERT INTO mysql.time_zone VALUES (" + id + ", 'N'); INSERT INTO mysql.time_zone_name " +
      "VALUES ('" + kZone + "', " + id + "); INSERT INTO mysql.time_zone_transition_type VALUES (" +
      id + ", 0, 3600, 0, 'MVT'), (" + id + ", 1, 7200, 1, 'MVST'); INSERT INTO " +
      "mysql.time_zone_transition VALUES (" + id + ", 0, 0), (" + id + ", 1000000000, 1); " +
      "INSERT INTO mysql.time_zone_leap_second VALUES (" + kLeap + ", 1)"));
  ASSERT_OK_AND_ASSIGN(std::string on_source, Contents(*source_, ZoneQueries()));
  ASSERT_OK_AND_ASSIGN(std::string converted, ZoneInUse(*source_));
  EXPECT_EQ(converted, "2020-06-01 10:00:00 2000-06-01 11:00:00");
  const auto [stock, ours] = BothDumps({"--system=timezones"});
  EXPECT_EQ(ours.find("CREATE TABLE"), std::string::npos) << ours;
  for (const std::string table : {"time_zone", "time_zone_name", "time_zone_leap_second",
                                  "time_zone_transition", "time_zone_transition_type"}) {
    EXPECT_EQ(CountOf(ours, "LOCK TABLES `" + table + "` WRITE"), 1u) << table;
    EXPECT_EQ(CountOf(ours, "REPLACE INTO `" + table + "` VALUES"),
              CountOf(stock, "REPLACE INTO `" + table + "` VALUES"))
        << table;
  }
  for (const auto& [name, sql] : {std::pair{"stock", stock}, std::pair{"myvault", ours}}) {
    CleanupOn(*target_);
    SCOPED_TRACE(name);
    ASSERT_OK(Replay(std::string(name) + "-zones.sql", sql));
    ASSERT_OK_AND_ASSIGN(std::string on_target, Contents(*target_, ZoneQueries()));
    EXPECT_EQ(on_target, on_source);
  }
  ASSERT_OK_AND_ASSIGN(std::string on_target, ZoneInUse(*target_));
  EXPECT_EQ(on_target, converted);
  // --insert-ignore keeps what the target has.
  ASSERT_OK(target_->Exec("UPDATE mysql.time_zone_transition_type SET Abbreviation = 'KEEP'" +
                          ZoneWhere() + " AND Transition_type_id = 0"));
  ASSERT_OK_AND_ASSIGN(std::string ignore,
                       MysqldumpText({"--system=timezones", "--insert-ignore"}));
  EXPECT_NE(ignore.find("INSERT IGNORE INTO `time_zone_name` VALUES"), std::string::npos);
  ASSERT_OK(Replay("ignore-zones.sql", ignore));
  ASSERT_OK_AND_ASSIGN(
      std::string kept,
      target_->QueryValue("SELECT Abbreviation FROM mysql.time_zone_transition_type" + ZoneWhere() +
                          " AND Transition_type_id = 0"));
  EXPECT_EQ(kept, "KEEP");
}

// With -A each part's own `mysql` tables are left out of the `mysql` database, as mariadb-dump
// leaves them out; the parts come after the databases in mariadb-dump's order.
TEST_F(MysqldumpSystem, AllDatabasesLeaveThePartsTablesOut) {
  ASSERT_OK(source_->Exec(std::string("INSTALL PLUGIN DISKS SONAME 'disks'; CREATE SERVER ") +
                          kServer + " FOREIGN DATA WRAPPER mysql OPTIONS (HOST 'h', PORT 1)"));
  const auto [stock, ours] =
      BothDumps({"-A", "--no-data", "--system=timezones,servers,plugins,stats,udfs"});
  for (const std::string table :
       {"plugin", "func", "servers", "column_stats", "index_stats", "table_stats",
        "innodb_index_stats", "innodb_table_stats", "time_zone", "time_zone_name",
        "time_zone_leap_second", "time_zone_transition", "time_zone_transition_type"}) {
    EXPECT_EQ(CountOf(stock, "CREATE TABLE `" + table + "`"), 0u) << table;
    EXPECT_EQ(CountOf(ours, "CREATE TABLE `" + table + "`"), 0u) << table;
  }
  EXPECT_EQ(CountOf(ours, "CREATE TABLE `proc`"), 1u) << "the rest of `mysql` is dumped";
  EXPECT_EQ(CountOf(ours, "CREATE TABLE `global_priv`"),
            CountOf(stock, "CREATE TABLE `global_priv`"));
  const size_t plugin = ours.find("INSTALL PLUGIN `DISKS`");
  const size_t server = ours.find(std::string("CREATE SERVER `") + kServer + "`");
  const size_t use = ours.rfind("\nUSE `mysql`;\n");
  ASSERT_NE(plugin, std::string::npos) << ours;
  ASSERT_NE(server, std::string::npos) << ours;
  EXPECT_LT(ours.find("CREATE TABLE `proc`"), plugin);
  EXPECT_LT(plugin, server);
  EXPECT_LT(server, use);
  EXPECT_EQ(CountOf(ours, "\nUSE `mysql`;\n"), CountOf(stock, "\nUSE mysql;\n") + 1)
      << "the `mysql` database's own USE, then one per rows part";
}

}  // namespace
}  // namespace myvault::it
