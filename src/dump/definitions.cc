// LoadDefinitions: every CREATE statement of the catalog, read inside the snapshot.
#include <mysqld_error.h>

#include <algorithm>
#include <functional>
#include <map>
#include <set>

#include "myvault/dump/catalog.h"
#include "myvault/dump/ddl.h"
#include "myvault/sql/text.h"

namespace myvault::dump {
namespace {

using mysql::QueryResult;
using mysql::Session;

Result<QueryResult> ShowCreate(Session& s, std::string_view what, const std::string& schema,
                               const std::string& name) {
  std::string q = "SHOW CREATE " + std::string(what) + " " + sql::QualifiedName(schema, name);
  ASSIGN_OR_RETURN(QueryResult r, s.Query(q));
  if (r.rows.empty() || r.columns.size() < 2) {
    return NotFound("SHOW CREATE " + std::string(what) + " " + sql::QualifiedName(schema, name) +
                    " returned nothing");
  }
  return r;
}

// The CREATE text is NULL when the user lacks the privilege to see a routine's body.
Status RequireText(const QueryResult& r, std::string_view column, const Definition& d,
                   std::string* out) {
  int c = r.Column(column);
  if (c < 0 || !r.rows[0][static_cast<size_t>(c)]) {
    return Status(StatusCode::kAuth,
                  "cannot read the definition of " + d.kind + " " +
                      sql::QualifiedName(d.schema, d.name) +
                      " (missing privilege: SHOW_ROUTINE or SELECT on mysql.proc)");
  }
  *out = *r.rows[0][static_cast<size_t>(c)];
  return Status::Ok();
}

std::string TextColumn(const std::string& kind) {
  if (kind == "view") return "Create View";
  if (kind == "trigger") return "SQL Original Statement";
  if (kind == "event") return "Create Event";
  if (kind == "procedure") return "Create Procedure";
  if (kind == "package") return "Create Package";
  if (kind == "package body") return "Create Package Body";
  return "Create Function";
}

// A view the server cannot open (error 1356: a table, column or function it reads is gone, or
// its definer lacks the rights) cannot be created on a restore either.
Status CheckView(Session& s, Definition* d) {
  Status st = s.Execute("SHOW COLUMNS FROM " + sql::QualifiedName(d->schema, d->name));
  if (st.server_errno() == ER_VIEW_INVALID) d->invalid = st.message();
  return st.ok() || st.server_errno() == ER_VIEW_INVALID ? Status::Ok() : st;
}

// Reads the definition as the server stores it: with character_set_results=binary (set by the
// caller) the text comes in the character set it was created under, byte for byte. A text in a
// character set whose bytes a client could misread (ClientCharsetFor) is read again as utf8mb4.
Status LoadDefinition(Session& s, Definition* d) {
  // SHOW CREATE VIEW qualifies every name with its database unless that database is the current
  // one; from inside it, the text names its own database's tables bare, as mysqldump writes
  // them, so the view can be created in another database (`mysqldump db | mysql other`).
  if (d->kind == "view") RETURN_IF_ERROR(s.Execute("USE " + sql::QuoteIdentifier(d->schema)));
  std::string what = d->kind;
  std::transform(what.begin(), what.end(), what.begin(), ::toupper);
  ASSIGN_OR_RETURN(QueryResult r, ShowCreate(s, what, d->schema, d->name));
  RETURN_IF_ERROR(RequireText(r, TextColumn(d->kind), *d, &d->create_sql));
  d->sql_mode = r.Get(0, "sql_mode");
  d->character_set_client = r.Get(0, "character_set_client");
  d->collation_connection = r.Get(0, "collation_connection");
  d->time_zone = r.Get(0, "time_zone");
  d->database_collation = r.Get(0, "Database Collation");
  if (ClientCharsetFor(*d) != d->character_set_client) {
    RETURN_IF_ERROR(s.Execute("SET character_set_results = utf8mb4"));
    Result<QueryResult> utf8 = ShowCreate(s, what, d->schema, d->name);
    RETURN_IF_ERROR(s.Execute("SET character_set_results = binary"));
    if (!utf8.ok()) return utf8.status();
    RETURN_IF_ERROR(RequireText(*utf8, TextColumn(d->kind), *d, &d->create_sql));
  }
  return d->kind == "view" ? CheckView(s, d) : Status::Ok();
}

Status LoadObjectDefinitions(Session& s, Catalog* cat) {
  for (auto* list : {&cat->views, &cat->triggers, &cat->routines, &cat->events}) {
    for (auto& d : *list) RETURN_IF_ERROR(LoadDefinition(s, &d));
  }
  return Status::Ok();
}

// The database texts (SHOW CREATE DATABASE).
Status LoadDatabaseTexts(Session& s, Catalog* cat) {
  for (auto& db : cat->databases) {
    ASSIGN_OR_RETURN(QueryResult r,
                     s.Query("SHOW CREATE DATABASE " + sql::QuoteIdentifier(db.name)));
    if (r.rows.empty()) return NotFound("database '" + db.name + "' disappeared during the dump");
    db.create_sql = r.Get(0, "Create Database");
  }
  return Status::Ok();
}

// A table's or sequence's CREATE text (a sequence's next value too, when `sequence_next`).
Status LoadTableText(Session& s, Table* t, bool sequence_next) {
  ASSIGN_OR_RETURN(QueryResult r,
                   ShowCreate(s, t->is_sequence ? "SEQUENCE" : "TABLE", t->schema, t->name));
  t->create_sql = r.Get(0, "Create Table");
  if (!t->is_sequence || !sequence_next) return Status::Ok();
  ASSIGN_OR_RETURN(QueryResult v, s.Query("SELECT next_not_cached_value FROM " +
                                          sql::QualifiedName(t->schema, t->name)));
  if (!v.rows.empty()) t->sequence_next = v.rows[0][0].value_or("");
  return Status::Ok();
}

// The SELECT lists come from the catalog, read before the lock: an ALTER in between would dump
// rows without (or with the wrong) columns.
Status CheckColumns(const Table& t) {
  std::vector<std::string> expected;
  for (const auto& c : t.columns) {
    if (!c.pseudo) expected.push_back(c.name);
  }
  if (ColumnNamesFromCreate(t.create_sql) == expected) return Status::Ok();
  return Status(StatusCode::kServer, "table " + sql::QualifiedName(t.schema, t.name) +
                                         " was altered while the dump was starting; run the "
                                         "dump again");
}

// Views, triggers, routines and events, read in their own character sets.
Status LoadObjectTexts(Session& s, Catalog* cat) {
  RETURN_IF_ERROR(s.Execute("SET character_set_results = binary"));
  Status st = LoadObjectDefinitions(s, cat);
  Status reset = s.Execute("SET character_set_results = utf8mb4");
  RETURN_IF_ERROR(st);
  return reset;
}

}  // namespace

Status LoadDefinitions(Session& s, Catalog* cat) {
  RETURN_IF_ERROR(LoadDatabaseTexts(s, cat));
  for (auto& t : cat->tables) {
    RETURN_IF_ERROR(LoadTableText(s, &t, true));
    if (!t.is_sequence) RETURN_IF_ERROR(CheckColumns(t));
  }
  RETURN_IF_ERROR(LoadObjectTexts(s, cat));
  OrderViewsByDependency(&cat->views);
  return Status::Ok();
}

Status ReloadCreateTexts(Session& s, Catalog* cat) {
  RETURN_IF_ERROR(LoadDatabaseTexts(s, cat));
  for (auto& t : cat->tables) RETURN_IF_ERROR(LoadTableText(s, &t, false));
  return LoadObjectTexts(s, cat);
}

}  // namespace myvault::dump
