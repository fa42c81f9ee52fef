// BuildScript's triggers, events, routines and views: definers, drops, character sets, and a
// check, in the way the mysql client splits a script, that every DELIMITER block closes and keeps
// each body whole.
#include <gtest/gtest.h>

#include <algorithm>
#include <optional>

#include "mysqldump_script_helpers.h"
#include "myvault/dump/ddl.h"

namespace myvault::mysqldump::testing {
namespace {

// Splits a script into statements as the mysql client does with DELIMITER lines, but without
// its quote awareness (stricter: a delimiter inside a string also splits). Sets *final_delimiter.
std::vector<std::string> SplitLikeTheClient(const std::string& script,
                                            std::string* final_delimiter) {
  std::vector<std::string> statements;
  std::string delim = ";", buffer;
  size_t pos = 0;
  while (pos < script.size()) {
    size_t end = script.find('\n', pos);
    if (end == std::string::npos) end = script.size();
    std::string line = script.substr(pos, end - pos);
    pos = end + 1;
    bool at_start = buffer.find_first_not_of(" \n") == std::string::npos;
    if (at_start && line.rfind("--", 0) == 0) continue;  // a comment line
    if (at_start && line.rfind("DELIMITER ", 0) == 0) {
      // Blocks do not nest: each DELIMITER X is closed by DELIMITER ; before the next one.
      EXPECT_NE(delim == ";", line == "DELIMITER ;") << "unbalanced: " << line;
      delim = line.substr(10);
      buffer.clear();
      continue;
    }
    buffer += line + "\n";
    for (size_t at = buffer.find(delim); at != std::string::npos; at = buffer.find(delim)) {
      statements.push_back(buffer.substr(0, at));
      buffer.erase(0, at + delim.size());
    }
  }
  EXPECT_EQ(buffer.find_first_not_of(" \n"), std::string::npos) << "unterminated: " << buffer;
  *final_delimiter = delim;
  return statements;
}

dump::Catalog NastyCatalog() {
  dump::Catalog c = ShopCatalog();
  c.triggers.push_back(
      Def("trigger", "shop", "t_semis",
          "CREATE DEFINER=`root`@`localhost` TRIGGER t_semis AFTER INSERT ON items "
          "FOR EACH ROW BEGIN SET @a = ';;'; SET @b = '*/'; END",
          "items"));
  c.routines.push_back(Def("function", "shop", "f_dollar",
                           "CREATE DEFINER=`root`@`localhost` FUNCTION `f_dollar`() RETURNS int\n"
                           "BEGIN RETURN LENGTH(';;$$//'); END -- ends in a comment"));
  c.events.push_back(Event("shop", "e_semis",
                           "CREATE DEFINER=`root`@`localhost` EVENT `e_semis` ON SCHEDULE EVERY 1 "
                           "DAY DO BEGIN SELECT ';;'; SELECT 2; END",
                           "+02:00"));
  return c;
}

TEST(MysqldumpScriptObjectsTest, EveryDelimiterBlockClosesAndKeepsBodiesWhole) {
  MysqldumpOptions o = TablesMode("shop");
  o.routines = o.events = o.add_drop_trigger = true;
  dump::Catalog c = NastyCatalog();
  std::string script = Build(c, o);
  std::string final_delimiter;
  std::vector<std::string> statements = SplitLikeTheClient(script, &final_delimiter);
  EXPECT_EQ(final_delimiter, ";");
  EXPECT_EQ(Count(script, "\nDELIMITER ;\n"), 6u);  // two triggers, two routines, two events
  for (const auto* list : {&c.triggers, &c.routines, &c.events}) {
    for (const dump::Definition& d : *list) {
      std::string body = dump::SplitCreateHead(d.create_sql)->rest;
      bool whole = std::any_of(statements.begin(), statements.end(), [&](const std::string& s) {
        return s.find(body) != std::string::npos;
      });
      EXPECT_TRUE(whole) << d.name << " was split: " << script;
    }
  }
}

TEST(MysqldumpScriptObjectsTest, CreateHeadSplitsOnlyTheLeadingClauses) {
  std::optional<dump::CreateHead> h = dump::SplitCreateHead(
      "CREATE ALGORITHM=MERGE DEFINER=`a b`@`%` SQL SECURITY INVOKER VIEW `v` AS select "
      "'DEFINER=x'");
  ASSERT_TRUE(h.has_value());
  EXPECT_EQ(h->create, "CREATE ALGORITHM=MERGE");
  EXPECT_EQ(h->definer, "DEFINER=`a b`@`%`");
  EXPECT_EQ(h->security, "SQL SECURITY INVOKER");
  EXPECT_EQ(h->rest, "VIEW `v` AS select 'DEFINER=x'");
  // A MariaDB role as definer has no host; the keyword keeps the case it was written in.
  h = dump::SplitCreateHead(
      "CREATE DEFINER=`role1` trigger t after insert on x for each row "
      "set @a = 'DEFINER=`y`@`z`'");
  ASSERT_TRUE(h.has_value());
  EXPECT_EQ(h->definer, "DEFINER=`role1`");
  EXPECT_EQ(h->rest, "trigger t after insert on x for each row set @a = 'DEFINER=`y`@`z`'");
  std::string no_definer = "CREATE TRIGGER t BEFORE INSERT ON x FOR EACH ROW SET @d = 'DEFINER=1'";
  h = dump::SplitCreateHead(no_definer);
  ASSERT_TRUE(h.has_value());
  EXPECT_EQ(h->definer, "");
  EXPECT_EQ(h->rest, no_definer.substr(7));
  EXPECT_EQ(dump::StripDefiner(no_definer), no_definer);
  EXPECT_FALSE(dump::SplitCreateHead("SELECT 1").has_value());
}

TEST(MysqldumpScriptObjectsTest, TextHoldingCommentEndIsWrittenPlain) {
  dump::Catalog c = NastyCatalog();
  std::string s = Build(c, TablesMode("shop"));
  EXPECT_NE(s.find("\nCREATE DEFINER=`root`@`localhost` TRIGGER t_semis AFTER"), std::string::npos);
  EXPECT_NE(s.find("/*!50003 CREATE*/ /*!50017 DEFINER=`root`@`localhost`*/ /*!50003 TRIGGER trg "),
            std::string::npos);
  c.views[0].create_sql += " where '*/' <> ''";
  s = Build(c, TablesMode("shop"));
  EXPECT_NE(
      s.find("\nCREATE ALGORITHM=UNDEFINED DEFINER=`root`@`localhost` SQL SECURITY DEFINER "
             "VIEW `v_items` AS select `items`.`id` AS `id` from `items` where '*/' <> '';\n"),
      std::string::npos)
      << s;
}

TEST(MysqldumpScriptObjectsTest, SkipDefinerRemovesEveryDefinerClause) {
  MysqldumpOptions o = TablesMode("shop");
  o.routines = o.events = o.skip_definer = true;
  std::string s = Build(NastyCatalog(), o);
  EXPECT_EQ(Count(s, "DEFINER="), 0u) << s;
  EXPECT_NE(s.find("/*!50003 CREATE*/ /*!50003 TRIGGER trg "), std::string::npos);
  EXPECT_NE(s.find("/*!50106 CREATE*/ /*!50106 EVENT `e` "), std::string::npos);
  EXPECT_NE(s.find("\n/*!50013 SQL SECURITY DEFINER */\n"), std::string::npos);
  EXPECT_NE(s.find("\nCREATE PROCEDURE `p`()"), std::string::npos);
  EXPECT_NE(s.find("\nCREATE TRIGGER t_semis"), std::string::npos);
}

TEST(MysqldumpScriptObjectsTest, DropsFollowTheirOptions) {
  MysqldumpOptions o = TablesMode("shop");
  o.routines = o.events = true;
  std::string s = Build(ShopCatalog(), o);
  EXPECT_EQ(Count(s, "DROP TRIGGER"), 0u);
  EXPECT_EQ(Count(s, "/*!50106 DROP EVENT IF EXISTS `e` */;\n"), 1u);
  EXPECT_EQ(Count(s, "/*!50003 DROP PROCEDURE IF EXISTS `p` */;\n"), 1u);
  EXPECT_EQ(Count(s, "DROP TABLE IF EXISTS `v_items`;\n/*!50001 DROP VIEW IF EXISTS `v_items`*/;"),
            1u);

  o.add_drop_trigger = true;
  s = Build(ShopCatalog(), o);
  // After the session settings, just before the DELIMITER block, as mariadb-dump writes it.
  EXPECT_NE(s.find("'STRICT_TRANS_TABLES' */ ;\n/*!50032 DROP TRIGGER IF EXISTS `trg` */;\n"
                   "DELIMITER ;;\n"),
            std::string::npos)
      << s;

  o.add_drop_table = false;
  s = Build(ShopCatalog(), o);
  EXPECT_EQ(Count(s, "DROP TABLE"), 0u);
  EXPECT_EQ(Count(s, "DROP EVENT"), 0u);
  EXPECT_EQ(Count(s, "DROP PROCEDURE"), 0u);
  EXPECT_EQ(Count(s, "/*!50001 DROP VIEW IF EXISTS `v_items`*/;"), 1u);
}

// The text is in the character set it was created under (read so, as mariadb-dump reads it),
// and goes back under it; where a client could misread non-ASCII bytes of that character set
// (sjis, gbk, ...) the text is utf8mb4.
TEST(MysqldumpScriptObjectsTest, DefinitionsKeepTheirCharsetUnlessTheTextCannotBeSentInIt) {
  dump::Catalog c = ShopCatalog();
  c.triggers[0].character_set_client = "latin1";
  c.triggers[0].collation_connection = "latin1_swedish_ci";
  c.triggers[0].create_sql += " -- caf\xe9";  // latin1 bytes
  std::string s = Build(c, TablesMode("shop"));
  EXPECT_NE(s.find("/*!50003 SET character_set_client  = latin1 */ ;\n"), std::string::npos);
  EXPECT_NE(s.find("/*!50003 SET collation_connection  = latin1_swedish_ci */ ;\n"),
            std::string::npos);
  c.triggers[0].character_set_client = "sjis";
  c.triggers[0].collation_connection = "sjis_japanese_ci";
  s = Build(c, TablesMode("shop"));
  EXPECT_EQ(Count(s, "character_set_client  = sjis"), 0u);
  EXPECT_NE(s.find("/*!50003 SET character_set_client  = utf8mb4 */ ;\n"), std::string::npos);
}

// mariadb-dump's switch of the database collation around a routine, trigger or event created
// under another one; never inside an event's DELIMITER block, where ';' does not end a statement.
TEST(MysqldumpScriptObjectsTest, DatabaseCollationIsSwitchedAroundObjectsCreatedUnderAnother) {
  dump::Catalog c = ShopCatalog();
  c.databases[0].collation = "utf8mb4_unicode_ci";
  for (auto* list : {&c.triggers, &c.routines, &c.events}) {
    for (dump::Definition& d : *list) d.database_collation = "latin1_swedish_ci";
  }
  MysqldumpOptions o = TablesMode("shop");
  o.routines = o.events = true;
  const std::string s = Build(c, o);
  EXPECT_EQ(Count(s, "ALTER DATABASE COLLATE latin1_swedish_ci;\n"), 3u) << s;
  EXPECT_EQ(Count(s, "EXECUTE saved_collation_stmt;\n"), 3u) << s;
  EXPECT_NE(s.find("ALTER DATABASE COLLATE latin1_swedish_ci;\nDELIMITER ;;\n"), std::string::npos)
      << "the event's switch comes before its DELIMITER block: " << s;
  std::string final_delimiter;
  const std::vector<std::string> statements = SplitLikeTheClient(s, &final_delimiter);
  for (const std::string& st : statements) {
    EXPECT_LE(Count(st, "ALTER DATABASE"), 1u) << "two statements in one: " << st;
  }
  c.databases[0].collation = "latin1_swedish_ci";
  EXPECT_EQ(Count(Build(c, o), "ALTER DATABASE"), 0u);
}

TEST(MysqldumpScriptObjectsTest, PackagesAreDroppedByTheirKind) {
  dump::Catalog c = ShopCatalog();
  c.routines.push_back(Def("package", "shop", "pkg",
                           "CREATE DEFINER=\"root\"@\"localhost\" PACKAGE \"pkg\" AS "
                           "FUNCTION f RETURN INT; END"));
  c.routines.push_back(Def("package body", "shop", "pkg",
                           "CREATE DEFINER=\"root\"@\"localhost\" PACKAGE BODY \"pkg\" AS "
                           "FUNCTION f RETURN INT AS BEGIN RETURN 1; END; END"));
  MysqldumpOptions o = TablesMode("shop");
  o.routines = true;
  const std::string s = Build(c, o);
  EXPECT_LT(s.find("/*!50003 DROP PACKAGE IF EXISTS `pkg` */;\n"),
            s.find("/*!50003 DROP PACKAGE BODY IF EXISTS `pkg` */;\n"))
      << s;
}

// As `mariadb-dump --force` writes it: the view's definition after "-- failed on view".
TEST(MysqldumpScriptObjectsTest, InvalidViewIsWrittenAsComments) {
  dump::Catalog c = ShopCatalog();
  c.views[0].invalid = "View 'shop.v_items' references invalid table(s)";
  const std::string s = Build(c, TablesMode("shop"));
  EXPECT_NE(s.find("\n-- failed on view `v_items`\n-- NOT CREATED: the server reported this view "
                   "invalid when it was dumped: View 'shop.v_items' references invalid table(s)\n"
                   "-- Its definition:\n--   CREATE ALGORITHM=UNDEFINED DEFINER=`root`@"),
            std::string::npos)
      << s;
  EXPECT_EQ(Count(s, "VIEW IF EXISTS `v_items`"), 0u);
}

// --dump-history: the rows of a table read with its history need
// system_versioning_insert_history, set around them as mariadb-dump sets it.
TEST(MysqldumpScriptObjectsTest, HistoryRowsAreInsertedWithInsertHistoryOn) {
  dump::Catalog c = ShopCatalog();
  c.tables[0].history = true;
  const std::string s = Build(c, TablesMode("shop"));
  const size_t on = s.find(
      "/*M!101100 SET @old_system_versioning_insert_history=@@session.system_versioning_insert_"
      "history, @@session.system_versioning_insert_history=1 */;\nLOCK TABLES `items` WRITE;\n");
  const size_t rows = s.find("<<rows items>>");
  const size_t off = s.find(
      "UNLOCK TABLES;\n/*M!101100 SET system_versioning_insert_history="
      "@old_system_versioning_insert_history */;\n");
  ASSERT_NE(on, std::string::npos) << s;
  ASSERT_NE(off, std::string::npos) << s;
  EXPECT_LT(on, rows);
  EXPECT_LT(rows, off);
  EXPECT_EQ(Count(Build(ShopCatalog(), TablesMode("shop")), "insert_history"), 0u);
}

TEST(MysqldumpScriptObjectsTest, NamesCannotBreakOutOfComments) {
  dump::Catalog c;
  c.databases.push_back(MakeDatabase("d"));
  c.tables.push_back(MakeTable("d", "x\nDROP DATABASE d;"));
  std::string s = Build(c, TablesMode("d"));
  EXPECT_NE(s.find("\n-- Table structure for table `x\\nDROP DATABASE d;`\n--\n"),
            std::string::npos);
  EXPECT_NE(s.find("\n-- Dumping data for table `x\\nDROP DATABASE d;`\n--\n"), std::string::npos);
  // The name's second line only ever appears inside a quoted identifier (or our rows marker).
  EXPECT_EQ(Count(s, "\nDROP DATABASE d;"), Count(s, "\nDROP DATABASE d;`") + 1);
  EXPECT_GT(Count(s, "\nDROP DATABASE d;`"), 0u);
}

TEST(MysqldumpScriptObjectsTest, WhereIsNamedInTheDataComment) {
  MysqldumpOptions o = TablesMode("shop");
  o.where = "id > 10";
  std::string s = Build(ShopCatalog(), o);
  EXPECT_NE(s.find("-- Dumping data for table `items`\n--\n-- WHERE:  id > 10\n\nLOCK TABLES"),
            std::string::npos);
}

}  // namespace
}  // namespace myvault::mysqldump::testing
