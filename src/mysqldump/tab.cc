// --tab=DIR: a .sql file per table and view, and the rows in a .txt file the server writes (see
// tab.h).
#include "tab.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>

#include "myvault/sql/text.h"
#include "script_parts.h"

namespace myvault::mysqldump {
namespace {

std::string PathIn(const std::string& dir, const std::string& file) {
  return dir + (dir.empty() || dir.back() == '/' ? "" : "/") + file;
}

Status WriteFile(const std::string& path, const std::string& text) {
  ASSIGN_OR_RETURN(auto out, SqlOutput::Open(path));
  RETURN_IF_ERROR(out->Write(text));
  return out->Commit();
}

// The columns of the table's key (its PRIMARY KEY, or else a NOT NULL UNIQUE one), quoted and
// comma separated, for --order-by-primary; "" for a table without one.
std::string KeyColumns(const dump::Table& t) {
  std::string key;
  for (size_t i : t.key) key += (key.empty() ? "" : ", ") + sql::QuoteIdentifier(t.columns[i].name);
  return key;
}

// Whether --tab writes column `c`: generated columns are left out, as by mariadb-dump (the
// period columns of a table dumped with its history are kept).
bool Written(const dump::Table& t, const dump::Column& c) { return !c.pseudo || t.history; }

// --header with --order-by-primary: the line of names first, then the rows in key order. The key
// travels in columns of its own (_mv_k0 ...), typed as the table's: sorted on the columns that
// also hold the header's strings, ids would come 1, 10, 2 (as mariadb-dump's do).
std::string HeaderFirstInKeyOrder(const dump::Table& t, const std::string& columns,
                                  const std::string& key, const std::string& into,
                                  const std::string& source) {
  std::string outer, header, keys, order = "_mv_h";
  for (size_t i = 0; i < t.key.size(); ++i) {
    const std::string k = "_mv_k" + std::to_string(i);
    keys += ", NULL AS " + k;
    order += ", " + k;
  }
  size_t n = 0;
  for (const dump::Column& c : t.columns) {
    if (!Written(t, c)) continue;
    const std::string alias = "_mv_c" + std::to_string(n++);
    outer += (outer.empty() ? "" : ", ") + alias;
    header += ", " + sql::StringLiteral(c.name) + " AS " + alias;
  }
  return "SELECT " + outer + into + "(SELECT 0 AS _mv_h" + keys + header + " UNION ALL SELECT 1, " +
         key + ", " + columns + " FROM " + source + ") s ORDER BY " + order;
}

}  // namespace

std::string TabSelectSql(const dump::Table& t, const MysqldumpOptions& o, const std::string& path) {
  std::string columns, names;
  for (const dump::Column& c : t.columns) {
    if (!Written(t, c)) continue;
    columns += (columns.empty() ? "" : ", ") + sql::QuoteIdentifier(c.name);
    names += (names.empty() ? "" : ", ") + sql::StringLiteral(c.name);
  }
  std::string format;
  auto add = [&](const char* clause, const std::string& value) {
    if (!value.empty()) format += std::string(clause) + sql::StringLiteral(value);
  };
  add(" TERMINATED BY ", o.fields_terminated_by);
  add(" ENCLOSED BY ", o.fields_enclosed_by);
  add(" OPTIONALLY ENCLOSED BY ", o.fields_optionally_enclosed_by);
  add(" ESCAPED BY ", o.fields_escaped_by);
  if (!format.empty()) format = " FIELDS" + format;
  if (!o.lines_terminated_by.empty()) {
    format += " LINES TERMINATED BY " + sql::StringLiteral(o.lines_terminated_by);
  }
  std::string source = dump::TableSource(t);
  if (!o.where.empty()) source += " WHERE " + o.where;
  const std::string into =
      " INTO OUTFILE " + sql::StringLiteral(path) + " CHARACTER SET binary" + format + " FROM ";
  const std::string key = o.order_by_primary ? KeyColumns(t) : "";
  if (!o.header) {
    return "SELECT " + columns + into + source + (key.empty() ? "" : " ORDER BY " + key);
  }
  if (key.empty()) {
    return "SELECT " + columns + into + "(SELECT " + names + " UNION ALL SELECT " + columns +
           " FROM " + source + ") s";
  }
  return HeaderFirstInKeyOrder(t, columns, key, into, source);
}

Status WriteTabDump(mysql::Session& session, const dump::Catalog& c, const MysqldumpOptions& o,
                    const ScriptFacts& f, SqlOutput* out, uint64_t* tables_with_rows) {
  std::map<std::string, std::string> collations;
  for (const dump::Database& db : c.databases) collations[db.name] = db.collation;
  const std::string head = o.compact ? script::SandboxLine(f) : script::Header(o, f);
  const std::string foot = o.compact ? "" : "\n" + script::Footer(o, f);
  for (const dump::Table& t : c.tables) {
    if (!o.no_create_info) {
      std::string text = head + script::TableStructure(t, o, f) + foot;
      if (o.triggers) {
        for (const dump::Definition& d : c.triggers) {
          if (d.schema == t.schema && d.table == t.name) {
            text += script::TriggerSql(d, o, collations[t.schema]);
          }
        }
      }
      RETURN_IF_ERROR(WriteFile(PathIn(o.tab, t.name + ".sql"), text));
    }
    if (o.no_data || !dump::DumpsRows(t)) continue;
    const std::string txt = PathIn(o.tab, t.name + ".txt");
    if (::unlink(txt.c_str()) != 0 && errno != ENOENT) {
      return IoError("remove " + txt +
                     " (the server will not overwrite it): " + std::strerror(errno));
    }
    RETURN_IF_ERROR(session.Execute(TabSelectSql(t, o, txt)));
    ++*tables_with_rows;
  }
  if (!o.no_create_info) {
    for (const dump::Definition& v : c.views) {
      RETURN_IF_ERROR(
          WriteFile(PathIn(o.tab, v.name + ".sql"), head + script::ViewSql(v, o) + foot));
    }
  }
  // Events and routines have no table: they go to the standard output (or --result-file).
  std::string rest;
  for (const dump::Database& db : c.databases) {
    const std::string quoted = "'" + db.name + "'";
    if (o.events) {
      rest += script::CommentBlock(o, "Dumping events for database " + quoted, false);
      bool any = false;
      for (const dump::Definition& d : c.events) {
        if (d.schema != db.name) continue;
        if (!any) rest += "/*!50106 SET @save_time_zone= @@TIME_ZONE */ ;\n";
        any = true;
        rest += script::EventSql(d, o, db.collation);
      }
      if (any) rest += "/*!50106 SET TIME_ZONE= @save_time_zone */ ;\n";
    }
    if (o.routines) {
      rest += script::CommentBlock(o, "Dumping routines for database " + quoted, false);
      for (const dump::Definition& d : c.routines) {
        if (d.schema == db.name) rest += script::RoutineSql(d, o, db.collation);
      }
    }
  }
  RETURN_IF_ERROR(out->Write(rest));
  return out->Commit();
}

}  // namespace myvault::mysqldump
