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

TEST(DdlTest, NonUtf8ClientCharsetOnlyForAsciiText) {
  Definition t{"trigger",
               "db",
               "t",
               "CREATE TRIGGER t BEFORE INSERT ON x FOR EACH ROW SET @a='é'",
               "",
               "latin1",
               "latin1_swedish_ci",
               "",
               "x"};
  EXPECT_NE(DefinitionSql(t, {}).find("SET character_set_client = utf8mb4;"), std::string::npos);
  t.create_sql = "CREATE TRIGGER t BEFORE INSERT ON x FOR EACH ROW SET @a='e'";
  EXPECT_NE(DefinitionSql(t, {}).find("SET character_set_client = latin1;"), std::string::npos);
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
