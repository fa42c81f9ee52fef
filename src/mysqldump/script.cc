// BuildScript: the order of a mysqldump-format script (see the header for the whole layout).
//
// Deviations from mariadb-dump's output, each for a reason:
// - The "/*M!999999\- enable the sandbox mode */" first line only for a MariaDB source: MySQL's
//   client rejects it.
// - No "Temporary table structure for view" placeholders: views come after the tables of every
//   database, dependencies first, so nothing needs a placeholder. The placeholder's
//   DROP TABLE IF EXISTS moves into the view's final section.
// - Events and routines come after the tables also when tables are named (`db t1 t2`), where
//   mariadb-dump writes the routines first; each event closes its own DELIMITER block.
// - Sequences come first in their database, as in mariadb-dump (a table may default to
//   NEXTVAL of one); otherwise the catalog's order.
// --compact itself only removes the header and footer: the options it implies (no comments,
// locks, drops, DISABLE KEYS, SET NAMES) are set by the option parser, in command-line order, so
// that `--compact --add-drop-table` keeps the drops, as in mysqldump.
#include "myvault/mysqldump/script.h"

#include <map>
#include <set>
#include <utility>

#include "myvault/dump/ddl.h"
#include "myvault/sql/text.h"
#include "script_parts.h"

namespace myvault::mysqldump {
namespace {

using dump::Catalog;
using dump::Definition;

// Collects text, merging consecutive pieces, and the placeholders for table rows.
class ScriptOut {
 public:
  void Text(const std::string& text) {
    if (text.empty()) return;
    if (items_.empty() || items_.back().table_rows != ScriptItem::kText) items_.emplace_back();
    items_.back().text += text;
  }
  void Rows(size_t table) { items_.push_back(ScriptItem{"", table}); }
  std::vector<ScriptItem> Take() { return std::move(items_); }

 private:
  std::vector<ScriptItem> items_;
};

// The catalog's entries by database (and triggers by table), each list in catalog order.
struct CatalogIndex {
  CatalogIndex(const Catalog& c, const ScriptFacts& f) {
    std::set<size_t> system_rows(f.stats_tables.begin(), f.stats_tables.end());
    system_rows.insert(f.timezone_tables.begin(), f.timezone_tables.end());
    for (size_t i = 0; i < c.tables.size(); ++i) {
      if (system_rows.count(i) != 0) continue;  // written by SystemParts
      // Sequences first: a table may take its default from one.
      (c.tables[i].is_sequence ? sequences : tables)[c.tables[i].schema].push_back(i);
    }
    for (const Definition& d : c.triggers) triggers[{d.schema, d.table}].push_back(&d);
    for (const Definition& d : c.events) events[d.schema].push_back(&d);
    for (const Definition& d : c.routines) routines[d.schema].push_back(&d);
    for (const dump::Database& d : c.databases) collations[d.name] = d.collation;
  }
  std::map<std::string, std::vector<size_t>> sequences, tables;
  std::map<std::pair<std::string, std::string>, std::vector<const Definition*>> triggers;
  std::map<std::string, std::vector<const Definition*>> events, routines;
  std::map<std::string, std::string> collations;  // database -> its default collation

  template <typename K, typename V>
  static const V& Of(const std::map<K, V>& map, const K& key) {
    static const V kEmpty;
    auto it = map.find(key);
    return it == map.end() ? kEmpty : it->second;
  }
};

bool NamesDatabases(const MysqldumpOptions& o) { return o.mode != MysqldumpOptions::Mode::kTables; }

// "-- Current Database", written before a database's tables and again before its views, with
// its USE; only when the dump names databases (a `db [tables]` dump loads into any database).
std::string CurrentDatabase(const std::string& db, const MysqldumpOptions& o) {
  return o.comments ? script::CommentBlock(o, "Current Database: " + script::Name(o, db), true)
                    : "\n";
}

std::string Use(const std::string& db, const MysqldumpOptions& o) {
  return "USE " + script::Name(o, db) + ";\n";
}

std::string CreateDatabase(const dump::Database& db, const MysqldumpOptions& o) {
  if (o.no_create_db) return "";
  std::string name = script::Name(o, db.name);
  std::string s;
  if (o.add_drop_database) s += "/*!40000 DROP DATABASE IF EXISTS " + name + "*/;\n\n";
  return s + dump::CreateDatabaseIfNotExists(db) + ";\n\n";
}

void DumpTable(size_t i, const Catalog& c, const CatalogIndex& index, const MysqldumpOptions& o,
               const ScriptFacts& f, ScriptOut* out) {
  const dump::Table& t = c.tables[i];
  if (!o.no_create_info) out->Text(script::TableStructure(t, o, f));
  if (!o.no_data && dump::DumpsRows(t)) {
    out->Text(script::DataPrologue(t, o));
    out->Rows(i);
    out->Text(script::DataEpilogue(t, o));
  }
  if (!o.triggers) return;
  for (const Definition* d : CatalogIndex::Of(index.triggers, std::make_pair(t.schema, t.name))) {
    out->Text(script::TriggerSql(*d, o, CatalogIndex::Of(index.collations, t.schema)));
  }
}

void DumpDatabase(const dump::Database& db, const Catalog& c, const CatalogIndex& index,
                  const MysqldumpOptions& o, const ScriptFacts& f, ScriptOut* out) {
  if (NamesDatabases(o)) {
    out->Text(CurrentDatabase(db.name, o) + CreateDatabase(db, o) + Use(db.name, o));
  }
  for (const auto* list : {&index.sequences, &index.tables}) {
    for (size_t i : CatalogIndex::Of(*list, db.name)) DumpTable(i, c, index, o, f, out);
  }
  std::string quoted = "'" + db.name + "'";
  if (o.events) {
    out->Text(script::CommentBlock(o, "Dumping events for database " + quoted, false));
    const auto& events = CatalogIndex::Of(index.events, db.name);
    if (!events.empty()) out->Text("/*!50106 SET @save_time_zone= @@TIME_ZONE */ ;\n");
    for (const Definition* d : events) out->Text(script::EventSql(*d, o, db.collation));
    if (!events.empty()) out->Text("/*!50106 SET TIME_ZONE= @save_time_zone */ ;\n");
  }
  if (o.routines) {
    out->Text(script::CommentBlock(o, "Dumping routines for database " + quoted, false));
    for (const Definition* d : CatalogIndex::Of(index.routines, db.name)) {
      out->Text(script::RoutineSql(*d, o, db.collation));
    }
  }
  if (o.flush_privileges && db.name == "mysql") {
    out->Text(script::CommentBlock(o, "Flush Grant Tables", true) + "/*! FLUSH PRIVILEGES */;\n");
  }
}

// Every view after every table: a view may select from another database's views and tables.
void DumpViews(const Catalog& c, const MysqldumpOptions& o, ScriptOut* out) {
  const std::string* current = nullptr;
  for (const Definition& v : c.views) {
    if (NamesDatabases(o) && (current == nullptr || *current != v.schema)) {
      out->Text(CurrentDatabase(v.schema, o) + Use(v.schema, o));
      current = &v.schema;
    }
    out->Text(script::ViewSql(v, o));
  }
}

// --system=stats or timezones: the rows of `tables` after `USE mysql`, without the tables'
// structure (mariadb-dump's dump of them).
void SystemRows(const Catalog& c, const std::vector<size_t>& tables, const MysqldumpOptions& o,
                ScriptOut* out) {
  out->Text("\n" + Use("mysql", o));
  if (o.no_data) return;
  for (size_t i : tables) {
    if (!dump::DumpsRows(c.tables[i])) continue;
    out->Text(script::DataPrologue(c.tables[i], o));
    out->Rows(i);
    out->Text(script::DataEpilogue(c.tables[i], o));
  }
}

// --system's parts, in mariadb-dump's order.
void SystemParts(const Catalog& c, const MysqldumpOptions& o, const ScriptFacts& f,
                 ScriptOut* out) {
  out->Text(f.plugins_sql);
  if (!f.accounts_sql.empty()) {
    out->Text(o.comments ? "\n--\n-- Users, roles and grants\n--\n\n" + f.accounts_sql
                         : f.accounts_sql);
  }
  out->Text(f.udfs_sql);
  out->Text(f.servers_sql);
  if (o.system.stats) SystemRows(c, f.stats_tables, o, out);
  if (o.system.timezones) SystemRows(c, f.timezone_tables, o, out);
}

}  // namespace

std::vector<ScriptItem> BuildScript(const Catalog& catalog, const MysqldumpOptions& options,
                                    const ScriptFacts& facts) {
  ScriptOut out;
  out.Text(options.compact ? script::SandboxLine(facts) : script::Header(options, facts));
  out.Text(script::ReplicationHead(options, facts));
  CatalogIndex index(catalog, facts);
  for (const dump::Database& db : catalog.databases) {
    DumpDatabase(db, catalog, index, options, facts, &out);
  }
  if (!options.no_create_info) DumpViews(catalog, options, &out);
  SystemParts(catalog, options, facts, &out);
  out.Text(script::ReplicationTail(options, facts));
  if (!options.compact) out.Text(script::Footer(options, facts));
  return out.Take();
}

}  // namespace myvault::mysqldump
