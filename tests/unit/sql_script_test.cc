#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "myvault/dump/ddl.h"
#include "myvault/sql/row_format.h"
#include "myvault/sql/script.h"
#include "myvault/sql/text.h"

namespace myvault::sql {
namespace {

using Statements = std::vector<std::string>;
using Renames = std::map<std::string, std::string>;

// Splits `text`, failing the test on an error.
Statements Split(std::string_view text) {
  std::vector<std::string_view> views;
  const Status st = SplitStatements(text, &views);
  EXPECT_TRUE(st.ok()) << st.ToString();
  return Statements(views.begin(), views.end());
}

Status SplitError(std::string_view text) {
  std::vector<std::string_view> views;
  return SplitStatements(text, &views);
}

std::string Literal(std::string_view bytes) {
  std::string out;
  AppendStringLiteral(&out, bytes);
  return out;
}

dump::Definition Routine(std::string kind, std::string name, std::string create) {
  return dump::Definition{std::move(kind),      "shop", std::move(name),
                          std::move(create),    "",     "utf8mb4",
                          "utf8mb4_general_ci", "",     ""};
}

TEST(SqlScriptSplitTest, HeaderAndFooterOfTheDumperRunAsTheirSetStatements) {
  const std::string header = dump::HeaderSql({{"server", "10.11.6-MariaDB; -- x"}, {"note", "#"}});
  const Statements statements = Split(header + dump::FooterSql());
  ASSERT_EQ(statements.size(), 18u);
  EXPECT_EQ(statements.front(), "/*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */");
  EXPECT_EQ(statements[3], "/*!40101 SET NAMES utf8mb4 */");
  EXPECT_EQ(statements[8],
            "/*!40101 SET @OLD_SQL_MODE=@@SQL_MODE, SQL_MODE='NO_AUTO_VALUE_ON_ZERO' */");
  EXPECT_EQ(statements.back(), "/*!40111 SET SQL_NOTES=@OLD_SQL_NOTES */");
}

TEST(SqlScriptSplitTest, SchemaMembersDropTheirBannerComments) {
  dump::Database db{"shop", "utf8mb4", "utf8mb4_general_ci",
                    "CREATE DATABASE `shop` /*!40100 DEFAULT CHARACTER SET utf8mb4 */"};
  dump::Table t;
  t.schema = "shop";
  t.name = "a;b";
  t.create_sql = "CREATE TABLE `a;b` (\n  `x` int(11) DEFAULT NULL COMMENT 'x;y -- z'\n)";
  EXPECT_EQ(Split(dump::DatabaseSql(db) + dump::TableSql(t)),
            (Statements{"CREATE DATABASE /*!32312 IF NOT EXISTS*/ `shop` /*!40100 DEFAULT "
                        "CHARACTER SET utf8mb4 */",
                        "USE `shop`", "USE `shop`", "DROP TABLE IF EXISTS `a;b`", t.create_sql}));
}

TEST(SqlScriptSplitTest, RoutineBodyKeepsItsSemicolonsInsideTheDelimiterBlock) {
  const std::string create =
      "CREATE DEFINER=`root`@`localhost` PROCEDURE `p`()\nBEGIN\n  DECLARE s TEXT DEFAULT "
      "';;';\n  SET s = CONCAT(s, 'it\\'s; -- not a comment');\n  SELECT s;\nEND";
  const Statements statements =
      Split(dump::DefinitionSql(Routine("procedure", "p", create), dump::DdlOptions{}));
  EXPECT_EQ(statements,
            (Statements{"USE `shop`", "SET @saved_sql_mode = @@sql_mode, sql_mode = ''",
                        "DROP PROCEDURE IF EXISTS `p`", "SET character_set_client = utf8mb4",
                        "SET collation_connection = utf8mb4_general_ci", create,
                        "SET sql_mode = @saved_sql_mode", "/*!40101 SET NAMES utf8mb4 */"}));
}

TEST(SqlScriptSplitTest, DelimiterChosenAsDollarsOrAtAtSemicolons) {
  // ";;" in the body makes the dumper choose "$$"; ";;", "$$" and "//" together make it "@@;;".
  for (const std::string& body :
       {std::string("BEGIN SELECT ';;'; SELECT 1; END"),
        std::string("BEGIN SELECT ';;$$//'; SELECT @@sql_mode; SELECT '@@;'; END")}) {
    const std::string create = "CREATE TRIGGER `t` BEFORE INSERT ON `x` FOR EACH ROW " + body;
    const std::string sql =
        dump::DefinitionSql(Routine("trigger", "t", create), dump::DdlOptions{});
    ASSERT_NE(sql.find(body.find('$') == std::string::npos ? "DELIMITER $$\n" : "DELIMITER @@;;\n"),
              std::string::npos)
        << sql;
    const Statements statements = Split(sql);
    ASSERT_EQ(statements.size(), 8u) << sql;
    EXPECT_EQ(statements[5], create);
    EXPECT_EQ(statements[6], "SET sql_mode = @saved_sql_mode");
  }
}

TEST(SqlScriptSplitTest, HashDelimiterIsNotAComment) {
  EXPECT_EQ(Split("DELIMITER ##\nSELECT 1 # one ## in a comment\n, 2##\nDELIMITER ;\nSELECT 3;"),
            (Statements{"SELECT 1 # one ## in a comment\n, 2", "SELECT 3"}));
}

TEST(SqlScriptSplitTest, QuotesEscapesAndDoubledQuotes) {
  const std::string values = Literal("it's; -- no") + "," + Literal("say \"hi\"; # no") + "," +
                             Literal("back\\slash\\") + ",'a''b;c',\"d\"\"e;f\"";
  const std::string insert = "INSERT INTO `shop`.`a``b;c` (`x;`) VALUES (" + values + ")";
  EXPECT_EQ(Split(insert + ";\n" + insert + ";\n"), (Statements{insert, insert}));
}

// The string scan reads 16-byte blocks: put escapes and the closing quote at every offset.
TEST(SqlScriptSplitTest, EscapesAtEveryOffsetOfAScanBlock) {
  for (size_t before = 0; before < 34; ++before) {
    for (size_t inside = 0; inside < 34; ++inside) {
      const std::string first = "SELECT " + std::string(before, ' ') + "'" +
                                std::string(inside, 'b') + "\\';\\\\\\\"" +
                                std::string(inside % 3, 'c') + "'";
      ASSERT_EQ(Split(first + ";SELECT '\\\\';"), (Statements{first, "SELECT '\\\\'"}))
          << before << " " << inside;
    }
  }
}

TEST(SqlScriptSplitTest, CommentsToEndOfLineAndBlockComments) {
  EXPECT_EQ(Split("SELECT 1 # c;\n+1;SELECT 2 -- c;\n+2;SELECT 3 /* c; */+3;SELECT 4 --\t;\n+4;"),
            (Statements{"SELECT 1 # c;\n+1", "SELECT 2 -- c;\n+2", "SELECT 3 /* c; */+3",
                        "SELECT 4 --\t;\n+4"}));
}

TEST(SqlScriptSplitTest, DashDashWithoutBlankIsCode) {
  EXPECT_EQ(Split("SELECT 1--1;SELECT 2--;SELECT 3 --"),
            (Statements{"SELECT 1--1", "SELECT 2--", "SELECT 3 --"}));
  // Except at the start of a statement, where the client skips any "--" line.
  EXPECT_EQ(Split("-------;\nSELECT 1;--x;\n"), (Statements{"SELECT 1"}));
}

TEST(SqlScriptSplitTest, ExecutableCommentsAreCode) {
  // As in the client, a delimiter inside /*! ... */ ends the statement and quotes count there.
  EXPECT_EQ(Split("/*!40101 SET a=';' */;/*M!100500 SET b=1 */;/*!50003 X; Y */"),
            (Statements{"/*!40101 SET a=';' */", "/*M!100500 SET b=1 */", "/*!50003 X", "Y */"}));
}

TEST(SqlScriptSplitTest, EmptyAndCommentOnlyPiecesAreDropped) {
  EXPECT_EQ(Split(" ;\n;; -- only a comment;\n/* block */;\n# hash\n  \t"), Statements{});
  EXPECT_EQ(Split(""), Statements{});
  EXPECT_EQ(Split("-- c\n/* d */ SELECT 1 ;  \n-- myvault dump completed\n"),
            (Statements{"SELECT 1"}));
}

TEST(SqlScriptSplitTest, LastStatementWithoutDelimiterIsKept) {
  EXPECT_EQ(Split("SELECT 1;\nSELECT 2\n"), (Statements{"SELECT 1", "SELECT 2"}));
  EXPECT_EQ(Split("SELECT 'x' -- trailing"), (Statements{"SELECT 'x' -- trailing"}));
}

TEST(SqlScriptSplitTest, MultiByteUtf8PassesThrough) {
  const std::string s = "INSERT INTO `店`.`表` VALUES ('naïve ; 日本語 -- ok', '€\\'😀');";
  EXPECT_EQ(Split(s + "SELECT 'ü'"), (Statements{s.substr(0, s.size() - 1), "SELECT 'ü'"}));
}

TEST(SqlScriptSplitTest, DelimiterCommandForms) {
  EXPECT_EQ(Split("delimiter //\nSELECT 1; SELECT 2//\nDeLiMiTeR ';' ignored rest\nSELECT 3;"),
            (Statements{"SELECT 1; SELECT 2", "SELECT 3"}));
  // At the start of a statement after a comment, and after a delimiter on the same line.
  EXPECT_EQ(Split("-- c\nDELIMITER $$\nSELECT 1;$$ DELIMITER ;\nSELECT 2;"),
            (Statements{"SELECT 1;", "SELECT 2"}));
  // Inside a statement "delimiter" is an ordinary word.
  EXPECT_EQ(Split("SELECT 1 AS delimiter ;"), (Statements{"SELECT 1 AS delimiter"}));
  // CRLF line ends.
  EXPECT_EQ(Split("DELIMITER ;;\r\nSELECT 1;;\r\nDELIMITER ;\r\n"), (Statements{"SELECT 1"}));
}

TEST(SqlScriptSplitTest, BadDelimiterCommandsAreErrors) {
  Status st = SplitError("SELECT 1;\nDELIMITER\nSELECT 2;");
  EXPECT_EQ(st.code(), StatusCode::kCorrupt);
  EXPECT_EQ(st.message(), "DELIMITER without an argument in SQL at byte 10");
  st = SplitError("DELIMITER a\\b\n");
  EXPECT_EQ(st.code(), StatusCode::kCorrupt);
  EXPECT_EQ(st.message(), "DELIMITER with a backslash in SQL at byte 0");
}

TEST(SqlScriptSplitTest, UnterminatedStringOrCommentIsCorrupt) {
  const struct {
    std::string text;
    std::string message;
  } cases[] = {
      {"SELECT 1; SELECT 'abc;", "unterminated string in SQL at byte 17"},
      {"SELECT \"ab\\\"", "unterminated string in SQL at byte 7"},
      {"SELECT 'ab\\", "unterminated string in SQL at byte 7"},
      {"SELECT `a``", "unterminated string in SQL at byte 7"},
      {"SELECT 1 /* no end;", "unterminated comment in SQL at byte 9"},
      {"SELECT 1;\n/* no end", "unterminated comment in SQL at byte 10"},
  };
  for (const auto& c : cases) {
    std::vector<std::string_view> statements;
    const Status st = SplitStatements(c.text, &statements);
    EXPECT_EQ(st.code(), StatusCode::kCorrupt) << c.text;
    EXPECT_EQ(st.message(), c.message) << c.text;
  }
  std::vector<std::string_view> statements = {"stale"};
  EXPECT_FALSE(SplitStatements("SELECT 1; SELECT 'x", &statements).ok());
  EXPECT_EQ(statements, (std::vector<std::string_view>{"SELECT 1"}));
}

// Runs `text` through a StatementSplitter with a fake session that, like the server, switches the
// quote rules when a statement sets sql_mode (as DefinitionSql's lines do).
Statements SplitFollowingSqlMode(std::string_view text) {
  StatementSplitter splitter(text);
  Statements statements;
  for (std::string_view statement; splitter.Next(&statement);) {
    statements.emplace_back(statement);
    if (statement.find("sql_mode = 'NO_BACKSLASH_ESCAPES'") != std::string_view::npos) {
      splitter.set_quote_rules({.backslash_escapes = false, .ansi_quotes = false});
    } else if (statement.find("sql_mode = 'ANSI_QUOTES'") != std::string_view::npos) {
      splitter.set_quote_rules({.backslash_escapes = true, .ansi_quotes = true});
    } else if (statement.find("sql_mode = @saved_sql_mode") != std::string_view::npos) {
      splitter.set_quote_rules({});
    }
  }
  EXPECT_TRUE(splitter.status().ok()) << splitter.status().ToString();
  return statements;
}

TEST(SqlScriptSplitTest, QuoteRulesFollowTheSqlModeOfARoutine) {
  const struct {
    std::string sql_mode, create;
  } cases[] = {
      {"NO_BACKSLASH_ESCAPES", "CREATE PROCEDURE `p`() BEGIN SELECT 'C:\\'; SELECT \"\\\"; END"},
      {"ANSI_QUOTES", "CREATE PROCEDURE \"p\"() BEGIN SELECT \"a\\\" FROM t; SELECT '\\''; END"},
  };
  for (const auto& c : cases) {
    dump::Definition def = Routine("procedure", "p", c.create);
    def.sql_mode = c.sql_mode;
    const std::string sql = dump::DefinitionSql(def, dump::DdlOptions{});
    const Statements statements = SplitFollowingSqlMode(sql + "SELECT '\\'';");
    ASSERT_EQ(statements.size(), 9u) << sql;
    EXPECT_EQ(statements[5], c.create);
    EXPECT_EQ(statements[8], "SELECT '\\''");  // the default rules are back
    // Read with the default rules throughout, the backslash before the quote hides the body's end.
    EXPECT_EQ(SplitError(sql).code(), StatusCode::kCorrupt) << sql;
  }
}

// Rows of random bytes, dense in quotes, backslashes, delimiters and comment starts, formatted by
// the dumper's InsertFormatter, come back as exactly the statements it wrote.
TEST(SqlScriptSplitTest, InsertFormatterStatementsSplitBack) {
  std::mt19937_64 rng(1);
  const std::string alphabet("';\"\\`#-/*!\n\r\t\0 aZ\xC3\xA9", 19);
  InsertFormatter formatter("shop", "t",
                            {{"id", ValueEncoding::kRaw, ""},
                             {"s", ValueEncoding::kString, ""},
                             {"b", ValueEncoding::kHex, ""}},
                            300);
  std::string sql;
  for (int row = 0; row < 2000; ++row) {
    std::string cell(rng() % 40, ' ');
    for (char& c : cell) c = alphabet[rng() % alphabet.size()];
    const std::string id = std::to_string(row);
    const char* values[] = {id.c_str(), cell.data(), cell.data()};
    const unsigned long lengths[] = {id.size(), cell.size(), cell.size()};
    formatter.AppendRow(&sql, values, lengths);
  }
  formatter.Finish(&sql);
  Statements expected;
  for (size_t pos = 0; pos < sql.size();) {
    const size_t end = sql.find(";\nINSERT INTO ", pos);
    const size_t stop = end == std::string::npos ? sql.size() - 2 : end;
    expected.push_back(sql.substr(pos, stop - pos));
    pos = stop + 2;
  }
  ASSERT_GT(expected.size(), 100u);
  EXPECT_EQ(Split(sql), expected);
}

TEST(SqlScriptRenameTest, ViewColumnsAndTablesButNotStrings) {
  const std::string view =
      "CREATE ALGORITHM=UNDEFINED DEFINER=`root`@`localhost` SQL SECURITY DEFINER VIEW `v` AS "
      "select `shop`.`t`.`a` AS `a`,'`shop`.x' AS `s`,\"shop.y\" AS `d` from (`shop`.`t` join "
      "`other`.`u` on(`shop`.`t`.`a` = `other`.`u`.`a`))";
  EXPECT_EQ(RenameDatabases(view, {{"shop", "shop_copy"}}),
            "CREATE ALGORITHM=UNDEFINED DEFINER=`root`@`localhost` SQL SECURITY DEFINER VIEW `v` "
            "AS select `shop_copy`.`t`.`a` AS `a`,'`shop`.x' AS `s`,\"shop.y\" AS `d` from "
            "(`shop_copy`.`t` join `other`.`u` on(`shop_copy`.`t`.`a` = `other`.`u`.`a`))");
}

TEST(SqlScriptRenameTest, UseAndCreateDatabaseFromTheDumper) {
  const dump::Database db{"shop", "utf8mb4", "utf8mb4_general_ci",
                          "CREATE DATABASE `shop` /*!40100 DEFAULT CHARACTER SET utf8mb4 */"};
  Statements renamed;
  for (const std::string& s : Split(dump::DatabaseSql(db))) {
    renamed.push_back(RenameDatabases(s, {{"shop", "restored"}}));
  }
  EXPECT_EQ(renamed, (Statements{"CREATE DATABASE /*!32312 IF NOT EXISTS*/ `restored` /*!40100 "
                                 "DEFAULT CHARACTER SET utf8mb4 */",
                                 "USE `restored`"}));
  EXPECT_EQ(RenameDatabases("use shop", {{"shop", "n"}}), "use `n`");
}

TEST(SqlScriptRenameTest, DatabaseStatementForms) {
  const Renames r = {{"shop", "n"}};
  EXPECT_EQ(RenameDatabases("DROP DATABASE IF EXISTS shop", r), "DROP DATABASE IF EXISTS `n`");
  EXPECT_EQ(RenameDatabases("create schema if not exists `shop`", r),
            "create schema if not exists `n`");
  EXPECT_EQ(RenameDatabases("ALTER DATABASE `shop` CHARACTER SET = utf8mb4", r),
            "ALTER DATABASE `n` CHARACTER SET = utf8mb4");
  EXPECT_EQ(RenameDatabases("CREATE OR REPLACE DATABASE shop", r),
            "CREATE OR REPLACE DATABASE `n`");
  // Not a database name: a table called shop, and a USE index hint.
  EXPECT_EQ(RenameDatabases("DROP TABLE IF EXISTS `shop`", r), "DROP TABLE IF EXISTS `shop`");
  EXPECT_EQ(RenameDatabases("SELECT * FROM t USE INDEX (shop)", r),
            "SELECT * FROM t USE INDEX (shop)");
  EXPECT_EQ(RenameDatabases("SELECT * FROM t USE KEY (k)", {{"KEY", "n"}}),
            "SELECT * FROM t USE KEY (k)");
  // A qualifier is immediately followed by its ".", as the server writes names.
  EXPECT_EQ(RenameDatabases("SELECT shop .5, shop. t", r), "SELECT shop .5, `n`. t");
}

TEST(SqlScriptRenameTest, NewNameIsQuotedAndOldNameUnquoted) {
  EXPECT_EQ(RenameDatabases("SELECT `shop`.`t`.`a`, shop.t.b FROM shop.t", {{"shop", "we`ird"}}),
            "SELECT `we``ird`.`t`.`a`, `we``ird`.t.b FROM `we``ird`.t");
  EXPECT_EQ(RenameDatabases("USE `a``b`", {{"a`b", "c"}}), "USE `c`");
  EXPECT_EQ(RenameDatabases("USE `a``b`", {{"a", "c"}}), "USE `a``b`");
}

TEST(SqlScriptRenameTest, OnlyExactNamesChange) {
  const Renames r = {{"shop", "n"}};
  const std::string s = "SELECT `shop2`.`t`.`a`, shop2.t.b, `Shop`.t.c, `xshop`.t.d FROM shop2.t";
  EXPECT_EQ(RenameDatabases(s, r), s);
  EXPECT_EQ(RenameDatabases("SELECT * FROM shop.t, shop2.t", {{"shop", "a"}, {"shop2", "b"}}),
            "SELECT * FROM `a`.t, `b`.t");
}

TEST(SqlScriptRenameTest, CommentsVariablesAndLaterPartsStay) {
  const Renames r = {{"shop", "n"}, {"session", "s"}, {"1", "one"}};
  const std::string s =
      "SELECT @shop.x, @@session.sql_mode, `o`.`shop`.`c`, 1.5 -- shop.t\n# shop.t\n/* shop.t */";
  EXPECT_EQ(RenameDatabases(s, r), s);
  EXPECT_EQ(RenameDatabases("/*!50001 CREATE VIEW v AS SELECT * FROM `shop`.`t` */", r),
            "/*!50001 CREATE VIEW v AS SELECT * FROM `n`.`t` */");
  EXPECT_EQ(RenameDatabases("GRANT SELECT ON shop.* TO 'u'@'%'", r),
            "GRANT SELECT ON `n`.* TO 'u'@'%'");
}

TEST(SqlScriptRenameTest, TriggerBodyFromTheDumper) {
  const std::string create =
      "CREATE TRIGGER `t` AFTER INSERT ON `orders` FOR EACH ROW BEGIN\n  INSERT INTO "
      "`shop`.`log` VALUES (NEW.`id`, 'shop.log; `shop`.x', \"it\\\"s `shop`.y\");\n  UPDATE "
      "`other`.`stats` SET `n` = `n` + 1;\nEND";
  const Statements statements =
      Split(dump::DefinitionSql(Routine("trigger", "t", create), dump::DdlOptions{}));
  ASSERT_EQ(statements.size(), 8u);
  EXPECT_EQ(RenameDatabases(statements[0], {{"shop", "n"}}), "USE `n`");
  EXPECT_EQ(
      RenameDatabases(statements[5], {{"shop", "n"}, {"other", "o"}}),
      "CREATE TRIGGER `t` AFTER INSERT ON `orders` FOR EACH ROW BEGIN\n  INSERT INTO `n`.`log` "
      "VALUES (NEW.`id`, 'shop.log; `shop`.x', \"it\\\"s `shop`.y\");\n  UPDATE `o`.`stats` SET "
      "`n` = `n` + 1;\nEND");
}

TEST(SqlScriptRenameTest, QuoteRulesOfTheStatementsSqlMode) {
  const Renames r = {{"shop", "n"}};
  const std::string ansi = "SELECT \"shop\".\"t\".\"a\" FROM \"shop\".t WHERE x = 'shop.t'";
  EXPECT_EQ(RenameDatabases(ansi, r, {.backslash_escapes = true, .ansi_quotes = true}),
            "SELECT `n`.\"t\".\"a\" FROM `n`.t WHERE x = 'shop.t'");
  EXPECT_EQ(RenameDatabases(ansi, r), ansi);
  EXPECT_EQ(RenameDatabases("SELECT \"a\"\"b\".t", {{"a\"b", "c"}}, {true, true}), "SELECT `c`.t");
  const std::string no_escapes = "SELECT 'C:\\', shop.t";
  EXPECT_EQ(RenameDatabases(no_escapes, r, {.backslash_escapes = false, .ansi_quotes = false}),
            "SELECT 'C:\\', `n`.t");
  EXPECT_EQ(RenameDatabases(no_escapes, r), no_escapes);
}

TEST(SqlScriptRenameTest, InsertTargetFastPath) {
  std::string s = "INSERT INTO `shop`.`t` (`a`,`b`) VALUES\n(1,'`shop`.`t`'),(2,'x');";
  const std::string slow = RenameDatabases(s, {{"shop", "n"}});
  EXPECT_TRUE(RenameInsertTarget(&s, {{"shop", "n"}}));
  EXPECT_EQ(s, "INSERT INTO `n`.`t` (`a`,`b`) VALUES\n(1,'`shop`.`t`'),(2,'x');");
  EXPECT_EQ(s, slow);

  s = "INSERT INTO `a``b`.`t``u` VALUES (1)";
  EXPECT_TRUE(RenameInsertTarget(&s, {{"a`b", "c`d"}}));
  EXPECT_EQ(s, "INSERT INTO `c``d`.`t``u` VALUES (1)");

  s = "INSERT INTO `shop2`.`t` VALUES (1)";
  EXPECT_TRUE(RenameInsertTarget(&s, {{"shop", "n"}}));
  EXPECT_EQ(s, "INSERT INTO `shop2`.`t` VALUES (1)");
}

TEST(SqlScriptRenameTest, InsertTargetRejectsOtherShapes) {
  for (std::string s : {"USE `shop`", "INSERT INTO `t` VALUES (1)", "insert into `shop`.`t` VALUES",
                        "INSERT INTO shop.t VALUES (1)", "INSERT INTO `shop`", "INSERT INTO `shop",
                        "INSERT INTO `shop`.`t", " INSERT INTO `shop`.`t` VALUES (1)"}) {
    const std::string before = s;
    EXPECT_FALSE(RenameInsertTarget(&s, {{"shop", "n"}})) << before;
    EXPECT_EQ(s, before);
  }
}

}  // namespace
}  // namespace myvault::sql
