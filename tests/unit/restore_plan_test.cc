// Pure parts of the restore: reading schema members, the selection, deferred indexes, the
// confirmation phrase.
#include <gtest/gtest.h>
#include <unistd.h>

#include "myvault/dump/ddl.h"
#include "restore/confirm.h"
#include "restore/indexes.h"
#include "restore/plan.h"

namespace myvault::restore {
namespace {

TEST(RestorePlanTest, DescribesTheDumpersSchemaMembers) {
  dump::Database db;
  db.name = "shop`s";
  db.create_sql = "CREATE DATABASE `shop``s` /*!40100 DEFAULT CHARACTER SET utf8mb4 */";
  auto d = DescribeSchemaSql(3, dump::DatabaseSql(db));
  ASSERT_TRUE(d.ok()) << d.status().message();
  EXPECT_EQ(d->kind, "database");
  EXPECT_EQ(d->schema, "shop`s");
  EXPECT_EQ(d->name, "");

  dump::Table t;
  t.schema = "shop`s";
  t.name = "order lines";
  t.create_sql = "CREATE TABLE `order lines` (\n  `id` int(11) NOT NULL\n) ENGINE=InnoDB";
  auto table = DescribeSchemaSql(4, dump::TableSql(t));
  ASSERT_TRUE(table.ok()) << table.status().message();
  EXPECT_EQ(table->kind, "table");
  EXPECT_EQ(table->schema, "shop`s");
  EXPECT_EQ(table->name, "order lines");
  EXPECT_EQ(table->id, 4u);

  t.is_sequence = true;
  t.name = "s";
  t.create_sql = "CREATE SEQUENCE `s` start with 1 minvalue 1 maxvalue 9 increment by 1 cache 1000";
  t.sequence_next = "5";
  auto seq = DescribeSchemaSql(5, dump::TableSql(t));
  ASSERT_TRUE(seq.ok()) << seq.status().message();
  EXPECT_EQ(seq->kind, "sequence");
  EXPECT_EQ(seq->name, "s");

  EXPECT_FALSE(DescribeSchemaSql(6, "SELECT 1;\n").ok());
}

TEST(RestorePlanTest, UseOperandAndPostMemberDatabase) {
  EXPECT_EQ(UseOperand("USE `a``b`"), "a`b");
  EXPECT_EQ(UseOperand("-- c\nuse shop"), "shop");
  EXPECT_EQ(UseOperand("USER()"), std::nullopt);
  EXPECT_EQ(UseOperand("SELECT 1"), std::nullopt);
  dump::Definition v{"view",
                     "mv db",
                     "v",
                     "CREATE VIEW `v` AS select 1 AS `1`",
                     "",
                     "utf8mb4",
                     "utf8mb4_general_ci",
                     "",
                     ""};
  auto db = PostMemberDatabase(dump::DefinitionSql(v, {}));
  ASSERT_TRUE(db.ok()) << db.status().message();
  EXPECT_EQ(*db, "mv db");
  EXPECT_FALSE(PostMemberDatabase("CREATE VIEW v AS SELECT 1;\n").ok());
}

TEST(RestorePlanTest, SelectionAndRenameAreChecked) {
  const std::vector<std::string> archive = {"shop", "crm", "logs"};
  EXPECT_TRUE(Plan({}, {}).Check(archive).ok());
  EXPECT_TRUE(Plan({"shop"}, {{"shop", "shop_drill"}}).Check(archive).ok());
  EXPECT_EQ(Plan({"nope"}, {}).Check(archive).code(), StatusCode::kNotFound);
  EXPECT_EQ(Plan({}, {{"nope", "x"}}).Check(archive).code(), StatusCode::kNotFound);
  EXPECT_EQ(Plan({"crm"}, {{"shop", "x"}}).Check(archive).code(), StatusCode::kInvalidArgument);
  // Two databases onto one name, or onto a system database.
  EXPECT_EQ(Plan({}, {{"shop", "crm"}}).Check(archive).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Plan({}, {{"shop", "MySQL"}}).Check(archive).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Plan({}, {{"shop", "_myvault_restore"}}).Check(archive).code(),
            StatusCode::kInvalidArgument);
  Plan p({"shop", "logs"}, {{"shop", "shop_drill"}});
  EXPECT_TRUE(p.Selected("shop"));
  EXPECT_FALSE(p.Selected("crm"));
  EXPECT_EQ(p.Target("shop"), "shop_drill");
  EXPECT_EQ(p.Target("logs"), "logs");
  auto dbs = p.Databases(archive);
  ASSERT_EQ(dbs.size(), 2u);
  EXPECT_EQ(dbs[0], (std::pair<std::string, std::string>{"shop", "shop_drill"}));
  EXPECT_EQ(dbs[1], (std::pair<std::string, std::string>{"logs", "logs"}));
}

TEST(RestorePlanTest, TablesSelectTablesAndTheirDatabasesOnly) {
  Plan p({}, {"shop.orders", "logs.day_*"}, {{"shop", "shop_copy"}});
  uint32_t id = 1;
  for (auto [schema, name] : std::vector<std::pair<std::string, std::string>>{{"shop", "orders"},
                                                                              {"shop", "customers"},
                                                                              {"logs", "day_1"},
                                                                              {"logs", "day_2"},
                                                                              {"logs", "month_1"},
                                                                              {"crm", "orders"}}) {
    p.AddObject({id++, "table", schema, name, 0});
  }
  p.AddObject({id++, "database", "shop", "", 0});
  ASSERT_TRUE(p.SelectTables().ok());
  EXPECT_TRUE(p.tables_only());
  EXPECT_TRUE(p.Check({"shop", "logs", "crm"}).ok());
  EXPECT_TRUE(p.TableSelected("shop", "orders"));
  EXPECT_FALSE(p.TableSelected("shop", "customers"));
  EXPECT_TRUE(p.TableSelected("logs", "day_1"));
  EXPECT_TRUE(p.TableSelected("logs", "day_2"));
  EXPECT_FALSE(p.TableSelected("logs", "month_1"));
  EXPECT_FALSE(p.TableSelected("crm", "orders"));
  EXPECT_TRUE(p.Selected("shop"));
  EXPECT_TRUE(p.Selected("logs"));
  EXPECT_FALSE(p.Selected("crm"));
  auto dbs = p.Databases({"shop", "logs", "crm"});
  ASSERT_EQ(dbs.size(), 2u);
  EXPECT_EQ(dbs[0], (std::pair<std::string, std::string>{"shop", "shop_copy"}));

  Plan missing({}, {"shop.order"}, {});
  missing.AddObject({1, "table", "shop", "orders", 0});
  const Status st = missing.SelectTables();
  EXPECT_EQ(st.code(), StatusCode::kNotFound);
  EXPECT_NE(st.message().find("shop.order"), std::string::npos) << st.message();
  // Without --tables every table of a selected database is selected.
  Plan all({"shop"}, {});
  EXPECT_TRUE(all.SelectTables().ok());
  EXPECT_FALSE(all.tables_only());
  EXPECT_TRUE(all.TableSelected("shop", "anything"));
  EXPECT_FALSE(all.TableSelected("crm", "orders"));
}

TEST(RestorePlanTest, TriggerTableReadsTheTriggersHead) {
  dump::Definition t{"trigger",
                     "shop",
                     "orders_ai",
                     "CREATE DEFINER=`root`@`localhost` TRIGGER `orders_ai` AFTER INSERT ON "
                     "`order lines` FOR EACH ROW INSERT INTO log VALUES ('BEFORE INSERT ON x')",
                     "",
                     "utf8mb4",
                     "utf8mb4_general_ci",
                     "",
                     ""};
  EXPECT_EQ(TriggerTable(dump::DefinitionSql(t, {})), "order lines");
  EXPECT_EQ(TriggerTable("CREATE TRIGGER IF NOT EXISTS s.`t``1` BEFORE update ON s.orders FOR "
                         "EACH ROW SET NEW.a = 1"),
            "orders");
  EXPECT_EQ(TriggerTable("/*!50003 CREATE*/ /*!50017 DEFINER=`a`@`%`*/ /*!50003 TRIGGER tr "
                         "BEFORE DELETE ON `x` FOR EACH ROW BEGIN END */"),
            "x");
  // A name in a comment or a string is not a trigger; views and routines have none.
  EXPECT_EQ(TriggerTable("-- TRIGGER t AFTER INSERT ON a\nCREATE VIEW v AS SELECT 'TRIGGER t "
                         "AFTER INSERT ON b'"),
            std::nullopt);
  EXPECT_EQ(TriggerTable("DROP TRIGGER IF EXISTS `t`;\n"), std::nullopt);
  dump::Definition v{"view",
                     "shop",
                     "v",
                     "CREATE VIEW `v` AS select 1 AS `on`",
                     "",
                     "utf8mb4",
                     "utf8mb4_general_ci",
                     "",
                     ""};
  EXPECT_EQ(TriggerTable(dump::DefinitionSql(v, {})), std::nullopt);
}

const char* kSysbench =
    "CREATE TABLE `sbtest1` (\n"
    "  `id` int(11) NOT NULL AUTO_INCREMENT,\n"
    "  `k` int(11) NOT NULL DEFAULT 0,\n"
    "  `c` char(120) NOT NULL DEFAULT '',\n"
    "  PRIMARY KEY (`id`),\n"
    "  UNIQUE KEY `c` (`c`),\n"
    "  KEY `k_1` (`k`),\n"
    "  KEY `odd``name` (`c`(10),`k`) COMMENT 'a, ADD KEY `x` (y)'\n"
    ") ENGINE=InnoDB AUTO_INCREMENT=250001 DEFAULT CHARSET=utf8mb4";

TEST(RestoreIndexesTest, DefersPlainSecondaryKeysOfInnodbTables) {
  std::vector<DeferredKey> keys = DeferrableKeys(kSysbench);
  ASSERT_EQ(keys.size(), 2u);
  EXPECT_EQ(keys[0].name, "`k_1`");
  EXPECT_EQ(keys[0].clause, "ADD KEY `k_1` (`k`)");
  EXPECT_EQ(keys[1].name, "`odd``name`");
  EXPECT_EQ(DropClause(keys), "DROP INDEX `k_1`, DROP INDEX `odd``name`");
  EXPECT_EQ(AddClause(keys),
            "ADD KEY `k_1` (`k`), ADD KEY `odd``name` (`c`(10),`k`) COMMENT 'a, ADD KEY `x` (y)'");
  std::vector<DeferredKey> back = DecodeKeys(EncodeKeys(keys));
  ASSERT_EQ(back.size(), 2u);
  EXPECT_EQ(back[1].name, keys[1].name);
  EXPECT_EQ(back[1].clause, keys[1].clause);
}

TEST(RestoreIndexesTest, LeavesTablesThatDoNotQualify) {
  std::string s = kSysbench;
  auto with = [&](const std::string& from, const std::string& to) {
    std::string t = s;
    t.replace(t.find(from), from.size(), to);
    return t;
  };
  EXPECT_TRUE(DeferrableKeys(with("ENGINE=InnoDB", "ENGINE=MyISAM")).empty());
  EXPECT_TRUE(DeferrableKeys(with("  KEY `k_1` (`k`),\n", "  FULLTEXT KEY `f` (`c`),\n")).empty());
  EXPECT_TRUE(DeferrableKeys(with("  KEY `k_1` (`k`),\n",
                                  "  CONSTRAINT `fk` FOREIGN KEY (`k`) REFERENCES `p` (`id`),\n"))
                  .empty());
  EXPECT_TRUE(DeferrableKeys("CREATE TABLE `t` (\n  `id` int,\n  PRIMARY KEY (`id`)\n) "
                             "ENGINE=InnoDB")
                  .empty());
  EXPECT_TRUE(DeferrableKeys("not a table").empty());
}

TEST(RestoreConfirmTest, AcceptsOnlyThePhrase) {
  EXPECT_TRUE(IsConfirmation("CONFIRMO RESTORE"));
  EXPECT_TRUE(IsConfirmation("  RESTORE\r\n"));
  EXPECT_FALSE(IsConfirmation("restore"));
  EXPECT_FALSE(IsConfirmation("y"));
  EXPECT_FALSE(IsConfirmation(""));
  EXPECT_FALSE(IsConfirmation("CONFIRMO"));
}

Result<bool> ConfirmWithInput(const std::string& typed, std::string* shown) {
  int in[2], out[2];
  if (pipe(in) != 0 || pipe(out) != 0) return IoError("pipe");
  if (write(in[1], typed.data(), typed.size()) != static_cast<ssize_t>(typed.size())) {
    return IoError("write");
  }
  close(in[1]);
  ErrorCollector errors;
  auto r = ConfirmOn(in[0], out[1], "Restore x into y\n", &errors);
  close(out[1]);
  char buf[512];
  ssize_t n = read(out[0], buf, sizeof buf);
  shown->assign(buf, n > 0 ? static_cast<size_t>(n) : 0);
  close(in[0]);
  close(out[0]);
  return r;
}

TEST(RestoreConfirmTest, AsksWithTheSummaryAndReadsOneLine) {
  std::string shown;
  auto yes = ConfirmWithInput("CONFIRMO RESTORE\nmore\n", &shown);
  ASSERT_TRUE(yes.ok()) << yes.status().message();
  EXPECT_TRUE(*yes);
  EXPECT_EQ(shown.find("Restore x into y\n"), 0u);
  EXPECT_NE(shown.find("CONFIRMO RESTORE"), std::string::npos);
  auto no = ConfirmWithInput("yes\n", &shown);
  ASSERT_TRUE(no.ok());
  EXPECT_FALSE(*no);
  auto eof = ConfirmWithInput("", &shown);
  EXPECT_EQ(eof.status().code(), StatusCode::kCancelled);
}

TEST(RestoreConfirmTest, NoTerminalNamesYes) {
  Status st = CheckTerminal("/nonexistent/tty");
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(st.message().find("--yes"), std::string::npos) << st.message();
}

}  // namespace
}  // namespace myvault::restore
