// BuildScript: the order of the parts of a mysqldump-format script, and what each option keeps
// or removes, on small hand-built catalogs.
#include <gtest/gtest.h>

#include "mysqldump_script_helpers.h"

namespace myvault::mysqldump::testing {
namespace {

// mariadb-dump's first line from a MariaDB server.
constexpr char kSandbox[] = "/*M!999999\\- enable the sandbox mode */ \n";

TEST(MysqldumpScriptTest, RowsItemIsEmptyAndNamesItsCatalogIndex) {
  dump::Catalog c = ShopCatalog();
  dump::Table seq = MakeTable("shop", "counter");
  seq.is_sequence = true;
  c.tables.push_back(seq);  // index 1, but written before `items` (sequences first)
  c.tables.push_back(MakeTable("shop", "zeta"));
  std::vector<ScriptItem> items = BuildScript(c, TablesMode("shop"), MariaDBFacts());
  std::vector<size_t> rows;
  for (const ScriptItem& item : items) {
    if (item.table_rows == ScriptItem::kText) continue;
    EXPECT_TRUE(item.text.empty());
    rows.push_back(item.table_rows);
  }
  EXPECT_EQ(rows, (std::vector<size_t>{0, 2}));  // no rows for the sequence
  std::string s = Render(c, items);
  EXPECT_LT(s.find("Sequence structure for `counter`"),
            s.find("Table structure for table `items`"));
}

TEST(MysqldumpScriptTest, TablesModeHasNoCreateDatabaseOrUse) {
  std::string s = Build(ShopCatalog(), TablesMode("shop"));
  EXPECT_EQ(Count(s, "CREATE DATABASE"), 0u);
  EXPECT_EQ(Count(s, "USE `"), 0u);
  EXPECT_EQ(Count(s, "Current Database"), 0u);
}

TEST(MysqldumpScriptTest, DatabasesModeCreatesAndUsesEachDatabase) {
  dump::Catalog c = ShopCatalog();
  c.databases.push_back(MakeDatabase("other"));
  c.tables.push_back(MakeTable("other", "t"));
  MysqldumpOptions o = DatabasesMode({"shop", "other"});
  o.add_drop_database = true;
  std::string s = Build(c, o);
  EXPECT_NE(s.find("-- Host: localhost    Database: shop\n"), std::string::npos);
  EXPECT_NE(s.find("\n--\n-- Current Database: `other`\n--\n\n"
                   "/*!40000 DROP DATABASE IF EXISTS `other`*/;\n\n"
                   "CREATE DATABASE /*!32312 IF NOT EXISTS*/ `other` "
                   "/*!40100 DEFAULT CHARACTER SET utf8mb4 */;\n\n"
                   "USE `other`;\n"),
            std::string::npos)
      << s;
  EXPECT_LT(s.find("USE `shop`"), s.find("Table structure for table `items`"));
  EXPECT_LT(s.find("USE `other`"), s.find("Table structure for table `t`"));

  o.no_create_db = true;  // wins over --add-drop-database, as in mysqldump
  s = Build(c, o);
  EXPECT_EQ(Count(s, "CREATE DATABASE"), 0u);
  EXPECT_EQ(Count(s, "DROP DATABASE"), 0u);
  EXPECT_EQ(Count(s, "USE `shop`;"), 2u);  // before its tables and before its views
}

TEST(MysqldumpScriptTest, AllDatabasesHeaderNamesNoDatabase) {
  MysqldumpOptions o;
  o.mode = MysqldumpOptions::Mode::kAll;
  std::string s = Build(ShopCatalog(), o);
  EXPECT_NE(s.find("-- Host: localhost    Database: \n"), std::string::npos);
  EXPECT_NE(s.find("CREATE DATABASE /*!32312 IF NOT EXISTS*/ `shop`"), std::string::npos);
}

// --compact as the option parser leaves it: the implied options switched off too.
TEST(MysqldumpScriptTest, CompactKeepsOnlyStatements) {
  MysqldumpOptions o = DatabasesMode({"shop"});
  o.compact = true;
  o.comments = o.add_drop_table = o.add_locks = o.disable_keys = o.set_charset = false;
  std::string s = Build(ShopCatalog(), o);
  // mariadb-dump's sandbox line stays first (a MariaDB source), then the statements.
  EXPECT_EQ(s.rfind(std::string(kSandbox) + "\nCREATE DATABASE /*!32312 IF NOT EXISTS*/ `shop`", 0),
            0u)
      << s;
  EXPECT_EQ(Count(s, "\n--"), 0u);
  EXPECT_EQ(Count(s, "@OLD_"), 0u);
  EXPECT_EQ(Count(s, "LOCK TABLES"), 0u);
  EXPECT_EQ(Count(s, "DISABLE KEYS"), 0u);
  EXPECT_EQ(Count(s, "DROP TABLE"), 0u);
  EXPECT_EQ(Count(s, "Dump completed"), 0u);
  EXPECT_NE(s.find("/*!40101 SET character_set_client = @saved_cs_client */;\n<<rows items>>\n"),
            std::string::npos)
      << s;
  // The final view section still replaces any older view, as mysqldump's does.
  EXPECT_EQ(Count(s, "/*!50001 DROP VIEW IF EXISTS `v_items`*/;"), 1u);
}

TEST(MysqldumpScriptTest, CompactWithCommentsKeepsCommentsButNoHeader) {
  MysqldumpOptions o = TablesMode("shop");
  o.compact = true;
  std::string s = Build(ShopCatalog(), o);
  EXPECT_EQ(s.rfind(std::string(kSandbox) + "\n--\n-- Table structure for table `items`", 0), 0u)
      << s;
  EXPECT_NE(s.find("-- Dumping data for table `items`\n--\nLOCK TABLES"), std::string::npos);
  EXPECT_EQ(Count(s, "Dump completed"), 0u);
}

// As mariadb-dump: --compact drops the header but never the sandbox line, which keeps the
// MariaDB client from running shell or file commands a crafted name could smuggle into the
// script. A MySQL source's dump has none (MySQL's client rejects the line).
TEST(MysqldumpScriptTest, CompactKeepsTheSandboxLineFromAMariaDBServer) {
  MysqldumpOptions o = TablesMode("shop");
  o.compact = true;
  EXPECT_EQ(Build(ShopCatalog(), o).rfind(kSandbox, 0), 0u);
  EXPECT_EQ(Count(Build(ShopCatalog(), o, MySQLFacts("8.0.36")), "sandbox"), 0u);
}

TEST(MysqldumpScriptTest, NoDataLeavesNoRowsItems) {
  MysqldumpOptions o = TablesMode("shop");
  o.no_data = true;
  std::vector<ScriptItem> items = BuildScript(ShopCatalog(), o, MariaDBFacts());
  for (const ScriptItem& item : items) EXPECT_EQ(item.table_rows, ScriptItem::kText);
  std::string s = Render(ShopCatalog(), items);
  EXPECT_EQ(Count(s, "LOCK TABLES"), 0u);
  EXPECT_EQ(Count(s, "Dumping data"), 0u);
  EXPECT_EQ(Count(s, "CREATE TABLE `items`"), 1u);
  EXPECT_EQ(Count(s, "TRIGGER trg"), 1u);  // triggers still come with the structure
}

TEST(MysqldumpScriptTest, NoCreateInfoKeepsDataAndTriggersButNoViews) {
  MysqldumpOptions o = TablesMode("shop");
  o.no_create_info = true;
  std::string s = Build(ShopCatalog(), o);
  EXPECT_EQ(Count(s, "CREATE TABLE"), 0u);
  EXPECT_EQ(Count(s, "VIEW"), 0u);
  EXPECT_EQ(Count(s, "UNIQUE_CHECKS"), 0u);  // no indexes are built, mysqldump leaves them on
  EXPECT_EQ(Count(s, "<<rows items>>"), 1u);
  EXPECT_EQ(Count(s, "TRIGGER trg"), 1u);
}

TEST(MysqldumpScriptTest, EnginesWithoutLocalDataGetNoRows) {
  dump::Catalog c;
  c.databases.push_back(MakeDatabase("d"));
  for (const char* engine : {"BLACKHOLE", "MRG_MyISAM", "FEDERATED", "SPIDER", "CONNECT"}) {
    c.tables.push_back(MakeTable("d", std::string("t_") + engine, engine));
  }
  c.tables.push_back(MakeTable("d", "t_myisam", "MyISAM"));
  std::string s = Build(c, TablesMode("d"));
  EXPECT_EQ(Count(s, "CREATE TABLE"), 6u);
  EXPECT_EQ(Count(s, "<<rows"), 1u);
  EXPECT_EQ(Count(s, "<<rows t_myisam>>"), 1u);
  EXPECT_EQ(Count(s, "Dumping data"), 1u);
}

TEST(MysqldumpScriptTest, SequenceGetsCreateAndSetvalButNoData) {
  dump::Catalog c;
  c.databases.push_back(MakeDatabase("d"));
  dump::Table s1 = MakeTable("d", "s1");
  s1.is_sequence = true;
  s1.create_sql =
      "CREATE SEQUENCE `s1` start with 10 increment by 5 cache 1000 nocycle ENGINE=InnoDB";
  s1.sequence_next = "10";
  c.tables.push_back(s1);
  std::string s = Build(c, TablesMode("d"));
  EXPECT_NE(s.find("\n--\n-- Sequence structure for `s1`\n--\n\nDROP SEQUENCE IF EXISTS `s1`;\n" +
                   s1.create_sql + ";\nDO SETVAL(`s1`, 10, 0);\n"),
            std::string::npos)
      << s;
  EXPECT_EQ(Count(s, "<<rows"), 0u);
  EXPECT_EQ(Count(s, "LOCK TABLES"), 0u);
}

TEST(MysqldumpScriptTest, EventsAndRoutinesOnlyWhenAsked) {
  MysqldumpOptions o = TablesMode("shop");
  std::string s = Build(ShopCatalog(), o);
  EXPECT_EQ(Count(s, "EVENT"), 0u);
  EXPECT_EQ(Count(s, "PROCEDURE"), 0u);
  o.events = true;
  s = Build(ShopCatalog(), o);
  EXPECT_EQ(Count(s, "EVENT `e`"), 1u);
  EXPECT_EQ(Count(s, "PROCEDURE"), 0u);
  o.events = false;
  o.routines = true;
  s = Build(ShopCatalog(), o);
  EXPECT_EQ(Count(s, "EVENT"), 0u);
  EXPECT_EQ(Count(s, "PROCEDURE `p`"), 1u);
}

TEST(MysqldumpScriptTest, TriggersFollowTheirTablesRowsUnlessSkipped) {
  dump::Catalog c = ShopCatalog();
  c.tables.push_back(MakeTable("shop", "later"));
  MysqldumpOptions o = TablesMode("shop");
  std::string s = Build(c, o);
  size_t trigger = s.find("TRIGGER trg");
  EXPECT_LT(s.find("UNLOCK TABLES"), trigger);
  EXPECT_LT(s.find("<<rows items>>"), trigger);
  EXPECT_LT(trigger, s.find("Table structure for table `later`"));
  o.triggers = false;
  EXPECT_EQ(Count(Build(c, o), "TRIGGER"), 0u);
}

TEST(MysqldumpScriptTest, ViewsComeAfterEveryDatabasesTables) {
  dump::Catalog c = ShopCatalog();
  c.databases.push_back(MakeDatabase("other"));
  c.tables.push_back(MakeTable("other", "t"));
  c.views.push_back(Def("view", "other", "v_other",
                        "CREATE ALGORITHM=UNDEFINED DEFINER=`root`@`localhost` SQL SECURITY "
                        "DEFINER VIEW `v_other` AS select `id` AS `id` from `shop`.`v_items`"));
  std::string s = Build(c, DatabasesMode({"shop", "other"}));
  size_t last_table = s.find("Table structure for table `t`");
  size_t shop_view = s.find("Final view structure for view `v_items`");
  size_t other_view = s.find("Final view structure for view `v_other`");
  EXPECT_LT(last_table, shop_view);
  EXPECT_LT(shop_view, other_view);
  // Each view's database is selected again before it.
  EXPECT_LT(s.rfind("USE `shop`;", shop_view), shop_view);
  EXPECT_GT(s.rfind("USE `shop`;", shop_view), last_table);
  EXPECT_GT(s.rfind("USE `other`;", other_view), shop_view);
}

TEST(MysqldumpScriptTest, FlushPrivilegesAfterTheMysqlDatabase) {
  dump::Catalog c;
  c.databases = {MakeDatabase("mysql"), MakeDatabase("z")};
  c.tables = {MakeTable("mysql", "user"), MakeTable("z", "t")};
  MysqldumpOptions o;
  o.mode = MysqldumpOptions::Mode::kAll;
  o.flush_privileges = true;
  std::string s = Build(c, o);
  size_t flush = s.find("/*! FLUSH PRIVILEGES */;\n");
  EXPECT_LT(s.find("<<rows user>>"), flush);
  EXPECT_LT(flush, s.find("Current Database: `z`"));
}

// --skip-quote-names: the statements the script writes name things bare unless they need
// backticks; the comments naming a table keep them, as mariadb-dump's do. The CREATE texts come
// as the server gave them.
TEST(MysqldumpScriptTest, SkipQuoteNamesWritesBareNames) {
  dump::Catalog c = ShopCatalog();
  c.tables.push_back(MakeTable("shop", "my table"));
  MysqldumpOptions o = DatabasesMode({"shop"});
  o.quote_names = false;
  o.add_drop_database = true;
  o.add_drop_trigger = true;
  o.routines = true;
  o.events = true;
  std::string s = Build(c, o);
  for (const char* expected :
       {"-- Current Database: shop\n", "/*!40000 DROP DATABASE IF EXISTS shop*/;\n", "USE shop;\n",
        "-- Table structure for table `items`\n", "DROP TABLE IF EXISTS items;\n",
        "-- Dumping data for table `items`\n", "LOCK TABLES items WRITE;\n",
        "/*!40000 ALTER TABLE items DISABLE KEYS */;\n",
        "/*!40000 ALTER TABLE items ENABLE KEYS */;\n", "DROP TABLE IF EXISTS `my table`;\n",
        "LOCK TABLES `my table` WRITE;\n", "/*!50032 DROP TRIGGER IF EXISTS trg */;\n",
        "/*!50106 DROP EVENT IF EXISTS e */;\n", "/*!50003 DROP PROCEDURE IF EXISTS p */;\n",
        "/*!50001 DROP VIEW IF EXISTS v_items*/;\n"}) {
    EXPECT_NE(s.find(expected), std::string::npos) << expected << " in\n" << s;
  }
  o.quote_names = true;
  std::string quoted = Build(c, o);
  EXPECT_NE(quoted.find("LOCK TABLES `items` WRITE;\n"), std::string::npos);
  EXPECT_NE(quoted.find("USE `shop`;\n"), std::string::npos);
}

// --compatible=ansi: every name the script writes in double quotes (comments too), the mode
// in the header's SQL_MODE; a routine's or trigger's DROP, run under the object's own sql_mode
// (no ANSI_QUOTES here), keeps backticks. --compatible=no_table_options keeps backticks.
TEST(MysqldumpScriptTest, CompatibleAnsiQuotesNamesWithDoubleQuotes) {
  dump::Catalog c = ShopCatalog();
  c.tables.push_back(MakeTable("shop", "my\"t"));
  MysqldumpOptions o = DatabasesMode({"shop"});
  o.compatible = "ANSI";
  o.add_drop_trigger = true;
  o.routines = true;
  o.events = true;
  std::string s = Build(c, o);
  for (const char* expected :
       {"-- Current Database: \"shop\"\n", "USE \"shop\";\n",
        "-- Table structure for table \"items\"\n", "DROP TABLE IF EXISTS \"items\";\n",
        "-- Dumping data for table \"items\"\n", "LOCK TABLES \"items\" WRITE;\n",
        "/*!40000 ALTER TABLE \"items\" DISABLE KEYS */;\n", "LOCK TABLES \"my\"\"t\" WRITE;\n",
        "/*!50032 DROP TRIGGER IF EXISTS `trg` */;\n", "/*!50106 DROP EVENT IF EXISTS \"e\" */;\n",
        "/*!50003 DROP PROCEDURE IF EXISTS `p` */;\n",
        "/*!50001 DROP VIEW IF EXISTS \"v_items\"*/;\n",
        "SQL_MODE='NO_AUTO_VALUE_ON_ZERO,ANSI' */;\n"}) {
    EXPECT_NE(s.find(expected), std::string::npos) << expected << " in\n" << s;
  }
  o.compatible = "NO_TABLE_OPTIONS";
  std::string backticks = Build(c, o);
  EXPECT_NE(backticks.find("LOCK TABLES `items` WRITE;\n"), std::string::npos) << backticks;
  EXPECT_NE(backticks.find("SQL_MODE='NO_AUTO_VALUE_ON_ZERO,NO_TABLE_OPTIONS' */;\n"),
            std::string::npos);
}

}  // namespace
}  // namespace myvault::mysqldump::testing
