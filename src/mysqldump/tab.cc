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

}  // namespace

std::string TabSelectSql(const dump::Table& t, const MysqldumpOptions& o, const std::string& path) {
  std::string columns, names;
  for (const dump::Column& c : t.columns) {
    if (c.pseudo && !t.history) continue;  // generated columns too, as mariadb-dump
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
  std::string s = "SELECT " + columns + " INTO OUTFILE " + sql::StringLiteral(path) +
                  " CHARACTER SET binary" + format + " FROM ";
  if (o.header)
    return s + "(SELECT " + names + " UNION ALL SELECT " + columns + " FROM " + source + ") s";
  return s + source;
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
