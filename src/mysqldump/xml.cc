// --xml: mariadb-dump's XML document (see xml.h for the layout).
#include "xml.h"

#include <algorithm>
#include <map>

#include "myvault/sql/text.h"

namespace myvault::mysqldump {
namespace {

constexpr char kHexDigits[] = "0123456789ABCDEF";

void AppendCdata(std::string* out, std::string_view text) {
  out->append("<![CDATA[\n");
  for (size_t i = 0; i < text.size(); ++i) {
    if (text.compare(i, 3, "]]>") == 0) {
      out->append("]]]]><![CDATA[>");
      i += 2;
      continue;
    }
    out->push_back(text[i]);
  }
  out->append("\n]]>\n");
}

std::string NameAttribute(std::string_view element, std::string_view name) {
  std::string s = "<" + std::string(element) + " name=\"";
  AppendXmlEscaped(&s, name);
  return s + "\">";
}

// Values of these columns are binary data: with --hex-blob, hex (mariadb-dump's test is the
// binary character set, and BIT).
// A table or a view of one database, in the order the document lists them.
struct Entry {
  std::string name;
  const dump::Table* table = nullptr;  // nullptr: a view
};

// --order-by-size: views first (information_schema gives them no size), then the tables by
// size, each by name as information_schema orders names, as mariadb-dump lists them.
bool BySize(const Entry& a, const Entry& b) {
  if ((a.table == nullptr) != (b.table == nullptr)) return a.table == nullptr;
  if (a.table != nullptr && a.table->data_length != b.table->data_length) {
    return a.table->data_length < b.table->data_length;
  }
  return dump::NameLessIgnoringCase(a.name, b.name);
}

class XmlWriter {
 public:
  XmlWriter(mysql::Session& s, const dump::Catalog& c, const MysqldumpOptions& o, SqlOutput* out,
            XmlResult* result)
      : s_(s), c_(c), o_(o), out_(*out), result_(*result) {}

  Status Write() {
    RETURN_IF_ERROR(
        out_.Write("<?xml version=\"1.0\"?>\n"
                   "<mysqldump xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">"
                   "\n"));
    for (const dump::Database& db : c_.databases) RETURN_IF_ERROR(Database(db));
    return out_.Write("</mysqldump>\n");
  }

 private:
  std::vector<Entry> EntriesOf(const std::string& db) const {
    std::vector<Entry> entries;
    for (const dump::Table& t : c_.tables) {
      if (t.schema == db) entries.push_back({t.name, &t});
    }
    for (const dump::Definition& v : c_.views) {
      if (v.schema == db) entries.push_back({v.name, nullptr});
    }
    if (o_.mode == MysqldumpOptions::Mode::kTables && !o_.tables.empty()) {
      auto rank = [&](const Entry& e) {
        return std::find(o_.tables.begin(), o_.tables.end(), e.name) - o_.tables.begin();
      };
      std::stable_sort(entries.begin(), entries.end(),
                       [&](const Entry& a, const Entry& b) { return rank(a) < rank(b); });
    } else if (o_.order_by_size) {
      std::stable_sort(entries.begin(), entries.end(), BySize);
    } else {
      std::stable_sort(entries.begin(), entries.end(),
                       [](const Entry& a, const Entry& b) { return a.name < b.name; });
    }
    return entries;
  }

  Status Database(const dump::Database& db) {
    RETURN_IF_ERROR(out_.Write(NameAttribute("database", db.name) + "\n"));
    for (const Entry& e : EntriesOf(db.name)) {
      if (!o_.no_create_info) RETURN_IF_ERROR(Structure(db.name, e.name, e.table == nullptr));
      if (e.table == nullptr) continue;
      if (!o_.no_data && dump::DumpsRows(*e.table)) RETURN_IF_ERROR(Data(*e.table));
      if (o_.triggers) RETURN_IF_ERROR(Triggers(*e.table));
    }
    if (o_.events) RETURN_IF_ERROR(Events(db.name));
    if (o_.routines) RETURN_IF_ERROR(Routines(db.name));
    return out_.Write("</database>\n");
  }

  // Every row of `sql` as an element.
  Status Rows(const std::string& sql, std::string_view element, std::string_view cdata = "") {
    ASSIGN_OR_RETURN(mysql::QueryResult r, s_.Query(sql));
    std::string text;
    for (const mysql::Row& row : r.rows) text += XmlRowElement(element, r.columns, row, cdata);
    return out_.Write(text);
  }

  Status Structure(const std::string& db, const std::string& name, bool view) {
    const std::string schema = sql::StringLiteral(db), table = sql::StringLiteral(name);
    RETURN_IF_ERROR(out_.Write("\t" + NameAttribute("table_structure", name) + "\n"));
    RETURN_IF_ERROR(
        Rows("SELECT `COLUMN_NAME` AS `Field`, `COLUMN_TYPE` AS `Type`, "
             "`IS_NULLABLE` AS `Null`, `COLUMN_KEY` AS `Key`, "
             "`COLUMN_DEFAULT` AS `Default`, `EXTRA` AS `Extra`, "
             "`COLUMN_COMMENT` AS `Comment` FROM `INFORMATION_SCHEMA`.`COLUMNS` "
             "WHERE TABLE_SCHEMA = " +
                 schema + " AND TABLE_NAME = " + table + " ORDER BY ORDINAL_POSITION",
             "field"));
    if (!view) {
      RETURN_IF_ERROR(Rows("SHOW KEYS FROM " + sql::QualifiedName(db, name), "key"));
    }
    if (o_.create_options) {
      RETURN_IF_ERROR(
          Rows("SHOW TABLE STATUS FROM " + sql::QuoteIdentifier(db) + " WHERE `Name` = " + table,
               "options"));
    }
    return out_.Write("\t</table_structure>\n");
  }

  Status Data(const dump::Table& t) {
    std::string select = "SELECT ";
    std::vector<const dump::Column*> columns;
    for (const dump::Column& c : t.columns) {
      // Generated columns too, as mariadb-dump writes them; not the implicit row_start/row_end
      // of a versioned table, which information_schema does not list either.
      if (c.pseudo && !t.history) continue;
      select += (columns.empty() ? "" : ", ") + sql::QuoteIdentifier(c.name);
      columns.push_back(&c);
    }
    select += " FROM " + dump::TableSource(t);
    if (!o_.where.empty()) select += " WHERE " + o_.where;
    // The element is written once the SELECT has started returning rows: a table whose SELECT
    // the server refuses has none, as in mariadb-dump --force.
    std::string text = "\t" + NameAttribute("table_data", t.name) + "\n";
    bool started = false;  // some of `text` went out already
    Status st = Status::Ok();
    if (!columns.empty()) {
      std::vector<std::string> open;  // "\t\t<field name=\"c\"" per column
      for (const dump::Column* c : columns) {
        std::string f = "\t\t<field name=\"";
        AppendXmlEscaped(&f, c->name);
        open.push_back(f + "\"");
      }
      st = s_.Stream(select, [&](const mysql::RowView& row) {
        text += "\t<row>\n";
        for (size_t i = 0; i < columns.size() && i < row.count; ++i) {
          text += open[i];
          if (row.values[i] == nullptr) {
            text += " xsi:nil=\"true\" />\n";
            continue;
          }
          std::string_view v(row.values[i], row.lengths[i]);
          if (o_.hex_blob && dump::HoldsBytes(*columns[i]) && !v.empty()) {  // '' as plain text
            text += " xsi:type=\"xs:hexBinary\">";
            for (unsigned char b : v) {
              text.push_back(kHexDigits[b >> 4]);
              text.push_back(kHexDigits[b & 15]);
            }
          } else {
            text += ">";
            AppendXmlEscaped(&text, v);
          }
          text += "</field>\n";
        }
        text += "\t</row>\n";
        ++result_.rows;
        if (text.size() < (1u << 20)) return Status::Ok();
        started = true;
        Status w = out_.Write(text);
        text.clear();
        return w;
      });
    }
    if (!st.ok()) {
      // mysqldump --force: the server refused this table's SELECT (a --where naming a column it
      // lacks); the next table follows and the run still fails at the end.
      if (!o_.force || st.server_errno() == 0 || st.server_errno() >= 2000 || st.retryable()) {
        return st.WithContext("dump table " + sql::QualifiedName(t.schema, t.name));
      }
      result_.failed.emplace_back(sql::QualifiedName(t.schema, t.name), st.message());
      if (!started) return Status::Ok();
    }
    return out_.Write(text + "\t</table_data>\n");
  }

  Status Triggers(const dump::Table& t) {
    std::string text;
    for (const dump::Definition& d : c_.triggers) {
      if (d.schema != t.schema || d.table != t.name) continue;
      ASSIGN_OR_RETURN(mysql::QueryResult r,
                       s_.Query("SHOW CREATE TRIGGER " + sql::QualifiedName(d.schema, d.name)));
      for (const mysql::Row& row : r.rows) {
        text += XmlRowElement("trigger", r.columns, row, "SQL Original Statement");
      }
    }
    if (text.empty()) return Status::Ok();
    return out_.Write("\t" + NameAttribute("triggers", t.name) + "\n" + text + "\t</triggers>\n");
  }

  Status Events(const std::string& db) {
    std::vector<const dump::Definition*> events;
    for (const dump::Definition& d : c_.events) {
      if (d.schema == db) events.push_back(&d);
    }
    if (events.empty()) return Status::Ok();
    std::stable_sort(events.begin(), events.end(),
                     [](const auto* a, const auto* b) { return a->name < b->name; });
    std::string text = "\t<events>\n";
    for (const dump::Definition* d : events) {
      ASSIGN_OR_RETURN(mysql::QueryResult r,
                       s_.Query("SHOW CREATE EVENT " + sql::QualifiedName(d->schema, d->name)));
      for (const mysql::Row& row : r.rows) {
        text += XmlRowElement("event", r.columns, row, "Create Event");
      }
    }
    return out_.Write(text + "\t</events>\n");
  }

  // Functions, then procedures, then packages and package bodies, each kind by name, as
  // mariadb-dump lists them (SHOW FUNCTION STATUS, ...).
  Status Routines(const std::string& db) {
    static const std::map<std::string, std::pair<int, std::string>> kKinds = {
        {"function", {0, "Function"}},
        {"procedure", {1, "Procedure"}},
        {"package", {2, "Package"}},
        {"package body", {3, "Package Body"}}};
    std::vector<const dump::Definition*> routines;
    for (const dump::Definition& d : c_.routines) {
      if (d.schema == db && kKinds.count(d.kind) != 0) routines.push_back(&d);
    }
    std::stable_sort(routines.begin(), routines.end(), [](const auto* a, const auto* b) {
      const int ka = kKinds.at(a->kind).first, kb = kKinds.at(b->kind).first;
      return ka != kb ? ka < kb : a->name < b->name;
    });
    std::string text = "\t<routines>\n";
    for (const dump::Definition* d : routines) {
      std::string kind = d->kind;
      std::transform(kind.begin(), kind.end(), kind.begin(), ::toupper);
      ASSIGN_OR_RETURN(mysql::QueryResult r, s_.Query("SHOW CREATE " + kind + " " +
                                                      sql::QualifiedName(d->schema, d->name)));
      const std::string body = "Create " + kKinds.at(d->kind).second;
      for (const mysql::Row& row : r.rows) text += XmlRowElement("routine", r.columns, row, body);
    }
    return out_.Write(text + "\t</routines>\n");
  }

  mysql::Session& s_;
  const dump::Catalog& c_;
  const MysqldumpOptions& o_;
  SqlOutput& out_;
  XmlResult& result_;
};

}  // namespace

void AppendXmlEscaped(std::string* out, std::string_view text, bool attribute_name) {
  for (char ch : text) {
    switch (ch) {
      case '<': out->append("&lt;"); break;
      case '>': out->append("&gt;"); break;
      case '&': out->append("&amp;"); break;
      case '"': out->append("&quot;"); break;
      case ' ': out->push_back(attribute_name ? '_' : ' '); break;
      default: out->push_back(ch); break;
    }
  }
}

std::string XmlRowElement(std::string_view element, const std::vector<std::string>& columns,
                          const mysql::Row& row, std::string_view cdata_column) {
  std::string s = "\t\t<" + std::string(element);
  const std::string* body = nullptr;
  for (size_t i = 0; i < columns.size() && i < row.size(); ++i) {
    if (!row[i]) continue;
    if (!cdata_column.empty() && columns[i] == cdata_column) {
      body = &*row[i];
      continue;
    }
    s += ' ';
    AppendXmlEscaped(&s, columns[i], true);
    s += "=\"";
    AppendXmlEscaped(&s, *row[i]);
    s += '"';
  }
  if (body == nullptr || body->empty()) return s + " />\n";
  s += ">\n";
  AppendCdata(&s, *body);
  return s + "\t\t</" + std::string(element) + ">\n";
}

Status WriteXmlDump(mysql::Session& session, const dump::Catalog& catalog,
                    const MysqldumpOptions& options, SqlOutput* out, XmlResult* result) {
  return XmlWriter(session, catalog, options, out, result).Write();
}

}  // namespace myvault::mysqldump
