// How the catalog reads MariaDB's system-versioned tables (ApplySystemTime) and what that makes
// of their SELECTs, which engines keep no rows of their own or take INSERT DELAYED, and the order
// of --order-by-size.
#include <gtest/gtest.h>

#include "myvault/dump/catalog.h"
#include "myvault/dump/plan.h"
#include "myvault/mysql/server_info.h"

namespace myvault::dump {
namespace {

using Period = Column::Period;

Column Plain(std::string name, std::string type) {
  return Column{.name = std::move(name), .data_type = type, .column_type = type};
}

Column PeriodColumn(std::string name, std::string type, Period period) {
  Column c = Plain(std::move(name), std::move(type));
  c.generated = true;  // information_schema says STORED GENERATED
  c.invisible = true;
  c.nullable = false;
  c.period = period;
  return c;
}

// WITH SYSTEM VERSIONING alone: information_schema lists no period column.
Table Implicit() {
  Table t;
  t.schema = "db";
  t.name = "implicit";
  t.versioned = true;
  t.columns = {Plain("id", "int"), Plain("v", "varchar")};
  return t;
}

// Explicit ROW START/END columns of `type` (timestamp, or bigint for transaction ids).
Table Explicit(const std::string& type) {
  Table t;
  t.schema = "db";
  t.name = "explicit";
  t.versioned = true;
  t.columns = {Plain("id", "int"), PeriodColumn("s", type, Period::kRowStart),
               PeriodColumn("e", type, Period::kRowEnd)};
  return t;
}

Catalog With(std::vector<Table> tables) {
  Catalog c;
  c.tables = std::move(tables);
  return c;
}

TEST(CatalogHistoryTest, CurrentRowsByDefault) {
  Catalog c = With({Implicit(), Explicit("timestamp")});
  ApplySystemTime(Selection{}, &c);
  for (const Table& t : c.tables) {
    EXPECT_FALSE(t.history);
    EXPECT_EQ(t.system_time, "");
    EXPECT_EQ(TableSource(t), "`db`.`" + t.name + "`");
  }
  EXPECT_EQ(c.tables[0].columns.size(), 2u);
  EXPECT_TRUE(c.tables[1].columns[1].generated) << "ROW START is left to the server";
  EXPECT_FALSE(c.HasHistory());
}

TEST(CatalogHistoryTest, HistoryAddsTheImplicitPeriodAndReadsEveryVersion) {
  Selection sel;
  sel.system_time = Selection::SystemTime::kHistory;
  Catalog c = With({Implicit()});
  ApplySystemTime(sel, &c);
  const Table& t = c.tables[0];
  EXPECT_TRUE(t.history);
  EXPECT_TRUE(c.HasHistory());
  EXPECT_EQ(TableSource(t), "`db`.`implicit` FOR SYSTEM_TIME ALL");
  ASSERT_EQ(t.columns.size(), 4u);
  EXPECT_EQ(t.columns[2].name, "row_start");
  EXPECT_EQ(t.columns[2].period, Period::kRowStart);
  EXPECT_EQ(t.columns[3].name, "row_end");
  EXPECT_TRUE(t.columns[3].pseudo) << "SHOW CREATE TABLE does not list it";
  EXPECT_TRUE(NeedsColumnList(t)) << "the INSERTs must name row_start and row_end";
  const TableQuery q = BuildTableQuery(t);
  EXPECT_EQ(q.select,
            "SELECT `id`,`v`,`row_start`,`row_end` FROM `db`.`implicit` FOR SYSTEM_TIME ALL");
}

TEST(CatalogHistoryTest, HistoryWritesExplicitPeriodColumnsAsData) {
  Selection sel;
  sel.system_time = Selection::SystemTime::kHistory;
  Catalog c = With({Explicit("timestamp")});
  ApplySystemTime(sel, &c);
  const Table& t = c.tables[0];
  EXPECT_TRUE(t.history);
  ASSERT_EQ(t.columns.size(), 3u) << "nothing is added when the table names its period";
  EXPECT_FALSE(t.columns[1].generated);
  EXPECT_FALSE(t.columns[2].generated);
  EXPECT_EQ(BuildTableQuery(t).select,
            "SELECT `id`,`s`,`e` FROM `db`.`explicit` FOR SYSTEM_TIME ALL");
}

TEST(CatalogHistoryTest, TransactionVersionedTablesKeepTheirCurrentRows) {
  Selection sel;
  sel.system_time = Selection::SystemTime::kHistory;
  Catalog c = With({Explicit("bigint"), Implicit()});
  ApplySystemTime(sel, &c);
  EXPECT_FALSE(c.tables[0].history);
  EXPECT_EQ(c.tables[0].system_time, "");
  EXPECT_TRUE(c.tables[0].columns[1].generated);
  EXPECT_EQ(c.history_lost, std::vector<std::string>{"`db`.`explicit`"});
  EXPECT_TRUE(c.tables[1].history);
}

TEST(CatalogHistoryTest, AsOfReadsTheRowsOfThatTimeAsCurrentRows) {
  Selection sel;
  sel.system_time = Selection::SystemTime::kAsOf;
  sel.as_of = "2020-01-01 00:00:00' OR 1";
  Table plain;
  plain.schema = "db";
  plain.name = "plain";
  Catalog c = With({Implicit(), plain});
  ApplySystemTime(sel, &c);
  EXPECT_EQ(TableSource(c.tables[0]),
            "`db`.`implicit` FOR SYSTEM_TIME AS OF TIMESTAMP '2020-01-01 00:00:00\\' OR 1'");
  EXPECT_FALSE(c.tables[0].history);
  EXPECT_EQ(c.tables[0].columns.size(), 2u);
  EXPECT_EQ(TableSource(c.tables[1]), "`db`.`plain`") << "only versioned tables have a past";
}

TEST(CatalogHistoryTest, EnginesWithoutRowsOfTheirOwn) {
  for (const char* e :
       {"MRG_MyISAM", "mrg_myisam", "BLACKHOLE", "FEDERATED", "SPIDER", "CONNECT"}) {
    EXPECT_TRUE(mysql::EngineKeepsNoRows(e)) << e;
  }
  for (const char* e : {"InnoDB", "MyISAM", "Aria", "MEMORY", "SEQUENCE", ""}) {
    EXPECT_FALSE(mysql::EngineKeepsNoRows(e)) << e;
  }
  Table merge;
  merge.engine = "MRG_MyISAM";
  EXPECT_TRUE(HasNoLocalData(merge));
  EXPECT_FALSE(DumpsRows(merge));
}

// mariadb-dump --delayed-insert's list, compared as the server spells the engine.
TEST(CatalogHistoryTest, EnginesThatTakeInsertDelayed) {
  for (const char* e : {"MyISAM", "ISAM", "ARCHIVE", "HEAP", "MEMORY"}) {
    EXPECT_TRUE(mysql::EngineTakesInsertDelayed(e)) << e;
  }
  for (const char* e : {"InnoDB", "Aria", "myisam", "BLACKHOLE", "MRG_MyISAM", "SEQUENCE", ""}) {
    EXPECT_FALSE(mysql::EngineTakesInsertDelayed(e)) << e;
  }
}

Table Sized(std::string schema, std::string name, uint64_t data_length) {
  Table t;
  t.schema = std::move(schema);
  t.name = std::move(name);
  t.data_length = data_length;
  return t;
}

// Smallest first within each database, names in information_schema's order on equal sizes;
// databases keep their order and their tables together.
TEST(CatalogHistoryTest, OrderBySizeSortsEachDatabasesTablesSmallestFirst) {
  std::vector<Table> tables = {Sized("a", "big", 900),     Sized("a", "Mid", 16384),
                               Sized("a", "b_mid", 16384), Sized("a", "small", 10),
                               Sized("z", "huge", 5000),   Sized("z", "tiny", 1),
                               Sized("a", "late", 0)};
  OrderTablesBySize(&tables);
  std::vector<std::string> names;
  for (const Table& t : tables) names.push_back(t.schema + "." + t.name);
  EXPECT_EQ(names, (std::vector<std::string>{"a.late", "a.small", "a.big", "a.b_mid", "a.Mid",
                                             "z.tiny", "z.huge"}));
  EXPECT_TRUE(NameLessIgnoringCase("abc", "ABD"));
  EXPECT_FALSE(NameLessIgnoringCase("ABC", "abc"));
  EXPECT_TRUE(NameLessIgnoringCase("Mid", "small"));
  EXPECT_TRUE(NameLessIgnoringCase("aab", "a_b")) << "'_' after the letters, as upper case";
}

}  // namespace
}  // namespace myvault::dump
