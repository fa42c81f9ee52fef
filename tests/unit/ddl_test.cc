#include "myvault/dump/ddl.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "myvault/sql/script.h"

namespace myvault::dump {
namespace {

Definition View(std::string name, std::string body) {
  return Definition{
      "view", "db", std::move(name), std::move(body), "", "utf8mb4", "utf8mb4_general_ci", "", ""};
}

TEST(DdlTest, ViewsComeAfterTheViewsTheyUse) {
  std::vector<Definition> views = {
      View("a_top", "CREATE VIEW `a_top` AS select `db`.`m_mid`.`x` from `db`.`m_mid`"),
      View("m_mid", "CREATE VIEW `m_mid` AS select `db`.`z_base`.`x` from `db`.`z_base`"),
      View("z_base", "CREATE VIEW `z_base` AS select 1 AS `x`")};
  OrderViewsByDependency(&views);
  ASSERT_EQ(views.size(), 3u);
  EXPECT_EQ(views[0].name, "z_base");
  EXPECT_EQ(views[1].name, "m_mid");
  EXPECT_EQ(views[2].name, "a_top");
}

TEST(DdlTest, ViewsOfOneDatabaseNamedBareAreOrderedToo) {
  // SHOW CREATE VIEW run from inside the view's database names its neighbours bare.
  std::vector<Definition> views = {
      View("a_top", "CREATE VIEW `a_top` AS select `m_mid`.`x` AS `x` from `m_mid`"),
      View("m_mid", "CREATE VIEW `m_mid` AS select `z_base`.`x` AS `x` from `z_base`"),
      View("z_base", "CREATE VIEW `z_base` AS select 1 AS `x`")};
  Definition elsewhere = View("z_base", "CREATE VIEW `z_base` AS select 2 AS `x`");
  elsewhere.schema = "other";  // same name, other database, named bare nowhere: no dependency
  views.insert(views.begin(), elsewhere);
  OrderViewsByDependency(&views);
  ASSERT_EQ(views.size(), 4u);
  EXPECT_EQ(views[0].schema, "other");
  EXPECT_EQ(views[1].name, "z_base");
  EXPECT_EQ(views[2].name, "m_mid");
  EXPECT_EQ(views[3].name, "a_top");
}

TEST(DdlTest, StripDefinerKeepsSqlSecurity) {
  EXPECT_EQ(StripDefiner("CREATE ALGORITHM=UNDEFINED DEFINER=`root`@`localhost` SQL SECURITY "
                         "DEFINER VIEW `v` AS select 1"),
            "CREATE ALGORITHM=UNDEFINED SQL SECURITY DEFINER VIEW `v` AS select 1");
  EXPECT_EQ(StripDefiner("CREATE DEFINER=`we``ird`@`%` TRIGGER t BEFORE INSERT ON x FOR EACH ROW "
                         "SET @a = 'DEFINER=`x`@`y`'"),
            "CREATE TRIGGER t BEFORE INSERT ON x FOR EACH ROW SET @a = 'DEFINER=`x`@`y`'");
  EXPECT_EQ(StripDefiner("CREATE DEFINER=root@localhost PROCEDURE p() BEGIN END"),
            "CREATE PROCEDURE p() BEGIN END");
  EXPECT_EQ(StripDefiner("CREATE PROCEDURE p() BEGIN END"), "CREATE PROCEDURE p() BEGIN END");
}

TEST(DdlTest, RoutineUsesADelimiterAbsentFromItsBody) {
  Definition p{"procedure",
               "db",
               "p",
               "CREATE DEFINER=`r`@`h` PROCEDURE `p`() BEGIN SELECT ';;'; END",
               "ANSI_QUOTES",
               "utf8mb4",
               "utf8mb4_general_ci",
               "",
               ""};
  std::string sql = DefinitionSql(p, DdlOptions{});
  EXPECT_NE(sql.find("DELIMITER $$\n"), std::string::npos) << sql;
  EXPECT_NE(sql.find("END\n$$\nDELIMITER ;\n"), std::string::npos) << sql;
  EXPECT_NE(sql.find("sql_mode = 'ANSI_QUOTES'"), std::string::npos) << sql;
  EXPECT_NE(sql.find("DROP PROCEDURE IF EXISTS `p`;"), std::string::npos) << sql;
  EXPECT_NE(sql.find("DEFINER=`r`@`h`"), std::string::npos);
  EXPECT_EQ(DefinitionSql(p, DdlOptions{true}).find("DEFINER=`r`"), std::string::npos);
}

// A body that ends in a line comment must not swallow the delimiter: the client (and restore)
// would read the rest of the member as part of the CREATE.
TEST(DdlTest, DelimiterStartsItsOwnLineAfterABodyEndingInAComment) {
  Definition p{"procedure",
               "db",
               "p",
               "CREATE PROCEDURE `p`() BEGIN SELECT 1; END -- done",
               "",
               "utf8mb4",
               "utf8mb4_general_ci",
               "",
               ""};
  const std::string sql = DefinitionSql(p, DdlOptions{});
  std::vector<std::string_view> statements;
  ASSERT_TRUE(sql::SplitStatements(sql, &statements).ok());
  auto create = std::find_if(statements.begin(), statements.end(), [](std::string_view s) {
    return s.substr(0, 16) == "CREATE PROCEDURE";
  });
  ASSERT_NE(create, statements.end()) << sql;
  EXPECT_EQ(*create, "CREATE PROCEDURE `p`() BEGIN SELECT 1; END -- done") << sql;
  EXPECT_EQ(statements.back(), "/*!40101 SET NAMES utf8mb4 */") << sql;
}

// The text is read and sent in the character set it was created under, so that the server
// records that character_set_client again; only where a client could misread its bytes (sjis,
// gbk, ...: a multibyte character may hold the byte of a quote or backslash) is non-ASCII text
// sent as utf8mb4.
TEST(DdlTest, DefinitionTextGoesInItsOwnClientCharset) {
  Definition t{.kind = "trigger",
               .schema = "db",
               .name = "t",
               .create_sql = "CREATE TRIGGER t BEFORE INSERT ON x FOR EACH ROW SET @a='\xE9'",
               .character_set_client = "latin1",
               .collation_connection = "latin1_swedish_ci",
               .table = "x"};
  EXPECT_NE(DefinitionSql(t, {}).find("SET character_set_client = latin1;"), std::string::npos);
  t.character_set_client = "koi8r";
  EXPECT_EQ(ClientCharsetFor(t), "koi8r");
  t.character_set_client = "sjis";
  EXPECT_EQ(ClientCharsetFor(t), "utf8mb4");
  EXPECT_NE(DefinitionSql(t, {}).find("SET character_set_client = utf8mb4;"), std::string::npos);
  t.create_sql = "CREATE TRIGGER t BEFORE INSERT ON x FOR EACH ROW SET @a='e'";
  EXPECT_EQ(ClientCharsetFor(t), "sjis");
  t.character_set_client = "not a; charset";
  EXPECT_EQ(ClientCharsetFor(t), "utf8mb4");
  EXPECT_FALSE(CharsetKeepsAscii("big5"));
  EXPECT_FALSE(CharsetKeepsAscii("swe7"));
  EXPECT_TRUE(CharsetKeepsAscii("utf8mb3"));
  EXPECT_TRUE(CharsetKeepsAscii("ujis"));
}

// A routine created while its database had another default collation gets that collation back
// for its creation (ALTER DATABASE without a name: whatever name a restore loads it under), and
// the database's own comes back after it.
TEST(DdlTest, RoutineCreatedUnderAnotherDatabaseCollationSwitchesAndRestoresIt) {
  Definition f{.kind = "function",
               .schema = "db",
               .name = "f",
               .create_sql = "CREATE FUNCTION `f`() RETURNS int(11) RETURN 1",
               .character_set_client = "utf8mb4",
               .collation_connection = "utf8mb4_general_ci",
               .database_collation = "latin1_swedish_ci"};
  const std::string sql = DefinitionSql(f, {}, "utf8mb4_unicode_ci");
  const size_t set = sql.find("ALTER DATABASE COLLATE latin1_swedish_ci;");
  const size_t create = sql.find("CREATE FUNCTION");
  const size_t restore = sql.find("PREPARE saved_collation_stmt FROM @saved_collation_sql;");
  ASSERT_NE(set, std::string::npos) << sql;
  ASSERT_NE(restore, std::string::npos) << sql;
  EXPECT_LT(sql.find("SET @saved_collation_database = @@collation_database;"), set);
  EXPECT_LT(set, create);
  EXPECT_LT(create, restore);
  EXPECT_NE(sql.find("EXECUTE saved_collation_stmt;\nDEALLOCATE PREPARE saved_collation_stmt;"),
            std::string::npos)
      << sql;
  std::vector<std::string_view> statements;
  ASSERT_TRUE(sql::SplitStatements(sql, &statements).ok());
  EXPECT_EQ(statements.back(), "DEALLOCATE PREPARE saved_collation_stmt");
  // Created under the database's present collation: nothing to switch.
  EXPECT_EQ(DefinitionSql(f, {}, "latin1_swedish_ci").find("ALTER DATABASE"), std::string::npos);
  f.database_collation = "";  // a view, or an old server: none recorded
  EXPECT_EQ(DefinitionSql(f, {}, "utf8mb4_unicode_ci").find("ALTER DATABASE"), std::string::npos);
}

TEST(DdlTest, PackagesAreDroppedAndCreatedUnderTheirOwnKeyword) {
  Definition body{.kind = "package body",
                  .schema = "db",
                  .name = "pkg",
                  .create_sql =
                      "CREATE DEFINER=\"root\"@\"localhost\" PACKAGE BODY \"pkg\" AS "
                      "FUNCTION f RETURN INT AS BEGIN RETURN 1; END; END",
                  .sql_mode = "PIPES_AS_CONCAT,ANSI_QUOTES,ORACLE",
                  .character_set_client = "utf8mb3",
                  .collation_connection = "utf8mb3_general_ci"};
  EXPECT_EQ(ObjectKeyword(body), "PACKAGE BODY");
  const std::string sql = DefinitionSql(body, {});
  EXPECT_NE(sql.find("DROP PACKAGE BODY IF EXISTS `pkg`;"), std::string::npos) << sql;
  // MariaDB 10.11 parses DROP PACKAGE only under sql_mode=ORACLE: the DROP comes after the SET.
  EXPECT_GT(sql.find("DROP PACKAGE BODY"), sql.find("sql_mode = 'PIPES_AS_CONCAT,ANSI_QUOTES"));
  EXPECT_EQ(StripDefiner(body.create_sql),
            "CREATE PACKAGE BODY \"pkg\" AS FUNCTION f RETURN INT AS BEGIN RETURN 1; END; END");
}

// A view the server reports invalid cannot be created again: its definition is kept as comment
// lines, and only its USE runs (a stream's loader learns the database from it).
TEST(DdlTest, InvalidViewIsKeptAsCommentLines) {
  Definition v = View("v_gone", "CREATE VIEW `v_gone` AS select `id` AS `id`\nfrom `gone`");
  v.invalid = "View 'db.v_gone' references invalid table(s)";
  const std::string sql = DefinitionSql(v, {});
  EXPECT_NE(sql.find("-- NOT CREATED: the server reported this view invalid when it was dumped: "
                     "View 'db.v_gone' references invalid table(s)\n"),
            std::string::npos)
      << sql;
  EXPECT_NE(sql.find("--   CREATE VIEW `v_gone` AS select `id` AS `id`\n--   from `gone`\n"),
            std::string::npos)
      << sql;
  std::vector<std::string_view> statements;
  ASSERT_TRUE(sql::SplitStatements(sql, &statements).ok());
  ASSERT_EQ(statements.size(), 1u) << sql;
  EXPECT_EQ(statements[0], "USE `db`");
}

TEST(DdlTest, HeaderLetsHistoryRowsBeInsertedOnlyWhenAsked) {
  EXPECT_EQ(HeaderSql({}).find("SYSTEM_VERSIONING_INSERT_HISTORY"), std::string::npos);
  EXPECT_EQ(FooterSql().find("SYSTEM_VERSIONING_INSERT_HISTORY"), std::string::npos);
  EXPECT_NE(HeaderSql({}, true).find(kInsertHistoryOn), std::string::npos);
  EXPECT_EQ(FooterSql(true).find(kInsertHistoryOff), 0u);
}

TEST(DdlTest, DatabaseIsCreatedIfMissingAndSelected) {
  Database db{"my db", "utf8mb4", "utf8mb4_general_ci",
              "CREATE DATABASE `my db` /*!40100 DEFAULT CHARACTER SET utf8mb4 */"};
  EXPECT_EQ(DatabaseSql(db),
            "\n--\n-- Database my db\n--\nCREATE DATABASE /*!32312 IF NOT EXISTS*/ `my db` "
            "/*!40100 DEFAULT CHARACTER SET utf8mb4 */;\nUSE `my db`;\n");
}

TEST(DdlTest, SequenceKeepsItsNextValue) {
  Table s;
  s.schema = "db";
  s.name = "seq";
  s.is_sequence = true;
  s.create_sql = "CREATE SEQUENCE `seq` start with 1 minvalue 1";
  s.sequence_next = "1001";
  std::string sql = TableSql(s);
  EXPECT_NE(sql.find("DROP SEQUENCE IF EXISTS `seq`;"), std::string::npos);
  EXPECT_NE(sql.find("DO SETVAL(`seq`, 1001, 0);"), std::string::npos);
}

}  // namespace
}  // namespace myvault::dump
