#include "mysqldump/rules.h"

#include <algorithm>
#include <set>
#include <string>

#include "mysqldump/system.h"
#include "myvault/dump/catalog.h"

namespace myvault::mysqldump {
namespace {

using Mode = MysqldumpOptions::Mode;

// mysqldump's order and its rules for the `mysql` database. Tables named on the command line
// (`db b a`) come in that order; with --order-by-size (refused with named tables, as by
// mariadb-dump), each database's smallest first. The `mysql` database's logs and statistics are
// dumped without rows, and its views (mysql.user on MariaDB) not at all; it comes first: restored
// later, its tables (mysql.event, mysql.proc) would replace the events and routines the other
// databases' sections have just created.
void OrderAndTrim(const MysqldumpOptions& o, dump::Catalog* cat) {
  if (o.order_by_size) dump::OrderTablesBySize(&cat->tables);  // never with named tables
  if (o.mode == Mode::kTables && !o.tables.empty()) {
    auto rank = [&](const dump::Table& t) {
      return std::find(o.tables.begin(), o.tables.end(), t.name) - o.tables.begin();
    };
    std::stable_sort(cat->tables.begin(), cat->tables.end(),
                     [&](const dump::Table& a, const dump::Table& b) { return rank(a) < rank(b); });
  }
  std::stable_partition(cat->databases.begin(), cat->databases.end(),
                        [](const dump::Database& d) { return d.name == "mysql"; });
  std::stable_partition(cat->tables.begin(), cat->tables.end(),
                        [](const dump::Table& t) { return t.schema == "mysql"; });
  static const std::set<std::string> kNoRows = {"general_log",          "slow_log",
                                                "innodb_index_stats",   "innodb_table_stats",
                                                "transaction_registry", "event"};
  for (auto& t : cat->tables) {
    if (t.schema == "mysql" && kNoRows.count(t.name) != 0) t.dump_rows = false;
  }
  std::erase_if(cat->views, [](const dump::Definition& v) { return v.schema == "mysql"; });
  // --system writes these tables' contents itself (statements, or rows at the end).
  const std::set<std::string> left_out = system_parts::LeftOutTables(o.system);
  std::erase_if(cat->tables, [&](const dump::Table& t) {
    return t.schema == "mysql" && left_out.count(t.name) != 0;
  });
}

}  // namespace

void ApplyMysqldumpRules(const MysqldumpOptions& o, const std::vector<dump::Table>& system_rows,
                         dump::Catalog* cat) {
  OrderAndTrim(o, cat);
  cat->tables.insert(cat->tables.end(), system_rows.begin(), system_rows.end());
  // --ignore-table-data: the definition, no rows; as in mysqldump, not for tables named on the
  // command line (`db t1 t2`), which are dumped whole.
  if (!o.tables.empty()) return;
  for (dump::Table& t : cat->tables) {
    const std::string dotted = t.schema + "." + t.name;
    for (const auto& w : o.ignore_table_data) t.dump_rows = t.dump_rows && w != dotted;
  }
}

}  // namespace myvault::mysqldump
