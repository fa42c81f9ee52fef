// mysqldump's rules for the catalog (src/mysqldump/rules.h): the same catalog, read once or read
// again by the recheck under the snapshot's lock, comes out the same. --ignore-table-data was
// applied once, after the first read only, so a recheck that read the catalog afresh (a table
// created or altered while the lock was awaited) dumped the ignored table's rows.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "mysqldump/rules.h"
#include "mysqldump_script_helpers.h"

namespace myvault::mysqldump {
namespace {

using testing::MakeDatabase;
using testing::MakeTable;

dump::Catalog Shop() {
  dump::Catalog c;
  c.databases.push_back(MakeDatabase("shop"));
  c.tables.push_back(MakeTable("shop", "items"));
  c.tables.push_back(MakeTable("shop", "log"));
  return c;
}

bool Rows(const dump::Catalog& c, const std::string& name) {
  for (const auto& t : c.tables) {
    if (t.name == name) return t.dump_rows;
  }
  ADD_FAILURE() << "no table " << name;
  return false;
}

TEST(MysqldumpRules, IgnoreTableDataHoldsForEveryReadOfTheCatalog) {
  MysqldumpOptions o;
  o.mode = MysqldumpOptions::Mode::kDatabases;
  o.databases = {"shop"};
  o.ignore_table_data = {"shop.log"};
  for (int read = 0; read < 2; ++read) {  // the first read, then the recheck's fresh one
    dump::Catalog c = Shop();
    ApplyMysqldumpRules(o, {}, &c);
    EXPECT_TRUE(Rows(c, "items")) << read;
    EXPECT_FALSE(Rows(c, "log")) << read;
  }
}

// As mariadb-dump: tables named on the command line are dumped whole.
TEST(MysqldumpRules, IgnoreTableDataLeavesNamedTablesWhole) {
  MysqldumpOptions o;
  o.mode = MysqldumpOptions::Mode::kTables;
  o.databases = {"shop"};
  o.tables = {"log", "items"};
  o.ignore_table_data = {"shop.log"};
  dump::Catalog c = Shop();
  ApplyMysqldumpRules(o, {}, &c);
  EXPECT_TRUE(Rows(c, "log"));
  ASSERT_EQ(c.tables.size(), 2u);
  EXPECT_EQ(c.tables[0].name, "log") << "named tables come in the order given";
}

// --system=stats,timezones tables come last, after the rules ordered the rest.
TEST(MysqldumpRules, SystemRowTablesComeLast) {
  MysqldumpOptions o;
  o.mode = MysqldumpOptions::Mode::kAll;
  dump::Catalog c = Shop();
  c.databases.push_back(MakeDatabase("mysql"));
  c.tables.push_back(MakeTable("mysql", "general_log", "CSV"));
  ApplyMysqldumpRules(o, {MakeTable("mysql", "time_zone")}, &c);
  ASSERT_EQ(c.tables.size(), 4u);
  EXPECT_EQ(c.tables.front().name, "general_log") << "the mysql database first";
  EXPECT_FALSE(c.tables.front().dump_rows) << "a log is dumped without rows";
  EXPECT_EQ(c.tables.back().name, "time_zone");
}

}  // namespace
}  // namespace myvault::mysqldump
