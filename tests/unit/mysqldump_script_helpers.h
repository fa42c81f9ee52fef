// Test helpers for BuildScript: a small hand-built catalog and the script rendered as one string,
// each rows placeholder shown as "<<rows TABLE>>".
#pragma once

#include <string>
#include <vector>

#include "myvault/dump/catalog.h"
#include "myvault/mysqldump/script.h"

namespace myvault::mysqldump::testing {

inline dump::Definition Def(std::string kind, std::string schema, std::string name,
                            std::string create, std::string table = "") {
  return dump::Definition{
      std::move(kind),       std::move(schema), std::move(name),      std::move(create),
      "STRICT_TRANS_TABLES", "utf8mb4",         "utf8mb4_general_ci", "",
      std::move(table)};
}

inline dump::Definition Event(std::string schema, std::string name, std::string create,
                              std::string time_zone) {
  dump::Definition e = Def("event", std::move(schema), std::move(name), std::move(create));
  e.time_zone = std::move(time_zone);
  return e;
}

inline dump::Table MakeTable(std::string schema, std::string name, std::string engine = "InnoDB") {
  dump::Table t;
  t.schema = std::move(schema);
  t.name = std::move(name);
  t.engine = std::move(engine);
  t.create_sql = "CREATE TABLE `" + t.name +
                 "` (\n  `id` int(11) NOT NULL,\n  PRIMARY KEY (`id`)\n) ENGINE=" + t.engine +
                 " DEFAULT CHARSET=utf8mb4";
  return t;
}

inline dump::Database MakeDatabase(std::string name) {
  dump::Database d;
  d.name = std::move(name);
  d.create_sql = "CREATE DATABASE `" + d.name + "` /*!40100 DEFAULT CHARACTER SET utf8mb4 */";
  return d;
}

// Database `shop`: table `items` with a trigger, view `v_items`, procedure `p`, event `e`.
inline dump::Catalog ShopCatalog() {
  dump::Catalog c;
  c.databases.push_back(MakeDatabase("shop"));
  c.tables.push_back(MakeTable("shop", "items"));
  c.triggers.push_back(Def("trigger", "shop", "trg",
                           "CREATE DEFINER=`root`@`localhost` TRIGGER trg BEFORE INSERT ON items "
                           "FOR EACH ROW SET NEW.id = NEW.id + 1",
                           "items"));
  c.views.push_back(Def("view", "shop", "v_items",
                        "CREATE ALGORITHM=UNDEFINED DEFINER=`root`@`localhost` SQL SECURITY "
                        "DEFINER VIEW `v_items` AS select `items`.`id` AS `id` from `items`"));
  c.routines.push_back(
      Def("procedure", "shop", "p",
          "CREATE DEFINER=`root`@`localhost` PROCEDURE `p`()\nBEGIN SELECT 1; END"));
  c.events.push_back(Event("shop", "e",
                           "CREATE DEFINER=`root`@`localhost` EVENT `e` ON SCHEDULE EVERY 1 DAY DO "
                           "DELETE FROM items",
                           "SYSTEM"));
  return c;
}

inline MysqldumpOptions TablesMode(std::string db) {
  MysqldumpOptions o;
  o.databases = {std::move(db)};
  return o;
}

inline MysqldumpOptions DatabasesMode(std::vector<std::string> dbs) {
  MysqldumpOptions o;
  o.mode = MysqldumpOptions::Mode::kDatabases;
  o.databases = std::move(dbs);
  return o;
}

inline ScriptFacts MariaDBFacts() {
  ScriptFacts f;
  f.server = mysql::ParseServerVersion("10.11.19-MariaDB-log");
  f.host = "localhost";
  f.dump_date = "2026-11-26 14:36:39";
  return f;
}

inline ScriptFacts MySQLFacts(const std::string& version) {
  ScriptFacts f = MariaDBFacts();
  f.server = mysql::ParseServerVersion(version);
  return f;
}

inline std::string Render(const dump::Catalog& c, const std::vector<ScriptItem>& items) {
  std::string s;
  for (const ScriptItem& item : items) {
    if (item.table_rows == ScriptItem::kText) {
      s += item.text;
    } else {
      s += "<<rows " + c.tables.at(item.table_rows).name + ">>\n";
    }
  }
  return s;
}

inline std::string Build(const dump::Catalog& c, const MysqldumpOptions& o,
                         const ScriptFacts& f = MariaDBFacts()) {
  return Render(c, BuildScript(c, o, f));
}

inline size_t Count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t p = text.find(what); p != std::string::npos; p = text.find(what, p + 1)) ++n;
  return n;
}

}  // namespace myvault::mysqldump::testing
