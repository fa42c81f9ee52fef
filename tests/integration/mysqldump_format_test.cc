// The conventions of mysqldump's output that scripts grep for or post-process: the comments that
// open each table and close the dump, DROP TABLE / LOCK TABLES around each table, triggers after
// the table's rows, routines in DELIMITER blocks, and what the INSERT-shaping options do.
#include <regex>

#include "mysqldump_fixture.h"

namespace myvault::it {
namespace {

class MysqldumpFormat : public MysqldumpTest {
 protected:
  void Prepare() override { ASSERT_OK(LoadFormatDatabase(*source_)); }
};

bool Has(const std::string& text, std::string_view needle) {
  return text.find(needle) != std::string::npos;
}

TEST_F(MysqldumpFormat, DefaultOutputHasMysqldumpsLandmarks) {
  ASSERT_OK_AND_ASSIGN(std::string sql, MysqldumpText({"--routines", kFormatDb}));
  const std::string last = LastNonEmptyLine(sql);
  EXPECT_TRUE(
      std::regex_match(last, std::regex(R"(-- Dump completed on \d{4}-\d\d-\d\d \d\d:\d\d:\d\d)")))
      << "last line: " << last;
  for (const char* landmark :
       {"-- Table structure for table `t`", "-- Table structure for table `u`",
        "DROP TABLE IF EXISTS `t`;", "CREATE TABLE `t` (", "LOCK TABLES `t` WRITE;",
        "UNLOCK TABLES;", "SET NAMES utf8mb4", "SET TIME_ZONE='+00:00'"}) {
    EXPECT_TRUE(Has(sql, landmark)) << "no '" << landmark << "' in the dump";
  }
  EXPECT_EQ(CountOf(sql, "LOCK TABLES `"), 2u) << "one LOCK TABLES per table (t and u)";
  // The `db [tables]` form names no database: it restores into whichever one is current.
  EXPECT_FALSE(Has(sql, "CREATE DATABASE"));
  EXPECT_TRUE(LinesStartingWith(sql, "USE ").empty());
  EXPECT_EQ(InsertedIds(sql, "t"), (std::vector<long long>{1, 2, 3, 4, 5}));
}

// Triggers come after the table's rows (so restoring the rows does not fire them) and before
// the next table.
TEST_F(MysqldumpFormat, TriggersComeAfterTheirTablesRows) {
  ASSERT_OK_AND_ASSIGN(std::string sql, MysqldumpText({kFormatDb}));
  const size_t trigger = sql.find("TRIGGER");
  const size_t last_insert = sql.rfind("INSERT INTO `t`");
  const size_t next_table = sql.find("-- Table structure for table `u`");
  ASSERT_NE(trigger, std::string::npos) << "triggers are dumped by default";
  ASSERT_NE(last_insert, std::string::npos);
  ASSERT_NE(next_table, std::string::npos);
  EXPECT_LT(last_insert, trigger) << "the trigger comes before t's rows";
  EXPECT_LT(trigger, next_table) << "the trigger comes after the next table";
  EXPECT_TRUE(Has(sql.substr(0, trigger), "DELIMITER ;;\n"));

  ASSERT_OK_AND_ASSIGN(std::string none, MysqldumpText({"--skip-triggers", kFormatDb}));
  EXPECT_FALSE(Has(none, "TRIGGER")) << "--skip-triggers";
}

TEST_F(MysqldumpFormat, RoutinesInDelimiterBlocksOnlyWithRoutines) {
  ASSERT_OK_AND_ASSIGN(std::string sql, MysqldumpText({"--routines", kFormatDb}));
  const size_t procedure = sql.find("PROCEDURE `p`");
  ASSERT_NE(procedure, std::string::npos) << "--routines: no procedure p";
  const size_t opened = sql.rfind("DELIMITER ;;\n", procedure);
  const size_t closed = sql.find("DELIMITER ;\n", procedure);
  ASSERT_NE(opened, std::string::npos) << "procedure p is not in a DELIMITER ;; block";
  ASSERT_NE(closed, std::string::npos) << "the DELIMITER ;; block of p is not closed";
  EXPECT_EQ(sql.find("DELIMITER ;\n", opened), closed) << "p is outside its DELIMITER block";
  EXPECT_TRUE(Has(sql.substr(procedure, closed - procedure), ";;\n"))
      << "p's CREATE does not end with the ;; delimiter";

  ASSERT_OK_AND_ASSIGN(std::string without, MysqldumpText({kFormatDb}));
  EXPECT_FALSE(Has(without, "PROCEDURE")) << "routines are dumped only with --routines";
}

// As mysqldump: naming tables still dumps the database's routines when --routines asks.
TEST_F(MysqldumpFormat, NamedTablesKeepTheDatabasesRoutines) {
  ASSERT_OK_AND_ASSIGN(std::string sql, MysqldumpText({"--routines", kFormatDb, "u"}));
  EXPECT_TRUE(Has(sql, "PROCEDURE `p`")) << "db u --routines: no procedure p";
  EXPECT_FALSE(Has(sql, "Table structure for table `t`")) << "table t was not named";
  ASSERT_OK_AND_ASSIGN(std::string without, MysqldumpText({kFormatDb, "u"}));
  EXPECT_FALSE(Has(without, "PROCEDURE"));
}

// As mysqldump: named tables come in the order the command line names them.
TEST_F(MysqldumpFormat, NamedTablesInCommandLineOrder) {
  ASSERT_OK_AND_ASSIGN(std::string sql, MysqldumpText({kFormatDb, "u", "t"}));
  const size_t u = sql.find("Table structure for table `u`");
  const size_t t = sql.find("Table structure for table `t`");
  ASSERT_NE(u, std::string::npos);
  ASSERT_NE(t, std::string::npos);
  EXPECT_LT(u, t) << "`db u t` dumped t before u";
  EXPECT_EQ(InsertedIds(sql, "u").size(), 3u);
  EXPECT_EQ(InsertedIds(sql, "t").size(), 5u);
}

TEST_F(MysqldumpFormat, SkipAddLocksHasNoLockTables) {
  ASSERT_OK_AND_ASSIGN(std::string sql, MysqldumpText({"--skip-add-locks", kFormatDb}));
  EXPECT_FALSE(Has(sql, "LOCK TABLES"));
  EXPECT_EQ(InsertedIds(sql, "t").size(), 5u);
}

TEST_F(MysqldumpFormat, NoDataHasNoInsert) {
  ASSERT_OK_AND_ASSIGN(std::string sql, MysqldumpText({"--no-data", kFormatDb}));
  EXPECT_TRUE(LinesStartingWith(sql, "INSERT").empty());
  EXPECT_FALSE(Has(sql, "INSERT INTO"));
  EXPECT_TRUE(Has(sql, "CREATE TABLE `t`"));
  EXPECT_TRUE(Has(sql, "CREATE TABLE `u`"));
}

TEST_F(MysqldumpFormat, CompactHasNoCommentsLocksOrDrops) {
  ASSERT_OK_AND_ASSIGN(std::string sql, MysqldumpText({"--compact", kFormatDb}));
  EXPECT_EQ(LinesStartingWith(sql, "--"), std::vector<std::string>{}) << "--compact: comments";
  for (const char* absent : {"DROP TABLE", "LOCK TABLES", "DISABLE KEYS", "SET NAMES"}) {
    EXPECT_FALSE(Has(sql, absent)) << "--compact still writes " << absent;
  }
  EXPECT_TRUE(Has(sql, "CREATE TABLE `t`"));
  EXPECT_EQ(InsertedIds(sql, "t"), (std::vector<long long>{1, 2, 3, 4, 5}));
}

TEST_F(MysqldumpFormat, SkipExtendedInsertWritesOneRowPerInsert) {
  ASSERT_OK_AND_ASSIGN(std::string sql, MysqldumpText({"--skip-extended-insert", kFormatDb, "t"}));
  const std::vector<std::string> inserts = LinesStartingWith(sql, "INSERT INTO `t` VALUES (");
  EXPECT_EQ(inserts.size(), 5u);
  EXPECT_EQ(CountOf(sql, "INSERT INTO"), 5u);
  for (const std::string& line : inserts) {
    EXPECT_EQ(line.substr(line.size() - 2), ");") << line;
  }
  EXPECT_EQ(InsertedIds(sql, "t"), (std::vector<long long>{1, 2, 3, 4, 5}));
}

TEST_F(MysqldumpFormat, CompleteInsertNamesTheColumns) {
  ASSERT_OK_AND_ASSIGN(std::string sql, MysqldumpText({"-c", kFormatDb, "t"}));
  const std::regex head(R"(^INSERT INTO `t` \(`id`, ?`name`, ?`n`\) VALUES)");
  const std::vector<std::string> inserts = LinesStartingWith(sql, "INSERT");
  ASSERT_FALSE(inserts.empty());
  for (const std::string& line : inserts) {
    EXPECT_TRUE(std::regex_search(line, head)) << "no column list: " << line;
  }
  EXPECT_EQ(InsertedIds(sql, "t").size(), 5u);
}

TEST_F(MysqldumpFormat, ReplaceAndInsertIgnoreChangeTheVerb) {
  ASSERT_OK_AND_ASSIGN(std::string replace, MysqldumpText({"--replace", kFormatDb, "t"}));
  EXPECT_FALSE(LinesStartingWith(replace, "REPLACE INTO `t` VALUES").empty());
  EXPECT_TRUE(LinesStartingWith(replace, "INSERT").empty());
  EXPECT_EQ(InsertedIds(replace, "t").size(), 5u);

  ASSERT_OK_AND_ASSIGN(std::string ignore, MysqldumpText({"--insert-ignore", kFormatDb, "t"}));
  EXPECT_FALSE(LinesStartingWith(ignore, "INSERT IGNORE INTO `t` VALUES").empty());
  EXPECT_FALSE(Has(ignore, "INSERT INTO"));
  EXPECT_EQ(InsertedIds(ignore, "t").size(), 5u);
}

}  // namespace
}  // namespace myvault::it
