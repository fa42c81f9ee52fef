// LoadDefinitions: every CREATE statement of the catalog, read inside the snapshot.
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

Status LoadDefinition(Session& s, Definition* d) {
  // SHOW CREATE VIEW qualifies every name with its database unless that database is the current
  // one; from inside it, the text names its own database's tables bare, as mysqldump writes
  // them, so the view can be created in another database (`mysqldump db | mysql other`).
  if (d->kind == "view") RETURN_IF_ERROR(s.Execute("USE " + sql::QuoteIdentifier(d->schema)));
  std::string what = d->kind;
  std::transform(what.begin(), what.end(), what.begin(), ::toupper);
  ASSIGN_OR_RETURN(QueryResult r, ShowCreate(s, what, d->schema, d->name));
  std::string text_column = d->kind == "view"        ? "Create View"
                            : d->kind == "trigger"   ? "SQL Original Statement"
                            : d->kind == "event"     ? "Create Event"
                            : d->kind == "procedure" ? "Create Procedure"
                                                     : "Create Function";
  RETURN_IF_ERROR(RequireText(r, text_column, *d, &d->create_sql));
  d->sql_mode = r.Get(0, "sql_mode");
  d->character_set_client = r.Get(0, "character_set_client");
  d->collation_connection = r.Get(0, "collation_connection");
  d->time_zone = r.Get(0, "time_zone");
  return Status::Ok();
}

}  // namespace

Status LoadDefinitions(Session& s, Catalog* cat) {
  for (auto& db : cat->databases) {
    ASSIGN_OR_RETURN(QueryResult r,
                     s.Query("SHOW CREATE DATABASE " + sql::QuoteIdentifier(db.name)));
    if (r.rows.empty()) return NotFound("database '" + db.name + "' disappeared during the dump");
    db.create_sql = r.Get(0, "Create Database");
  }
  for (auto& t : cat->tables) {
    if (t.is_sequence) {
      ASSIGN_OR_RETURN(QueryResult r, ShowCreate(s, "SEQUENCE", t.schema, t.name));
      t.create_sql = r.Get(0, "Create Table");
      ASSIGN_OR_RETURN(QueryResult v, s.Query("SELECT next_not_cached_value FROM " +
                                              sql::QualifiedName(t.schema, t.name)));
      if (!v.rows.empty()) t.sequence_next = v.rows[0][0].value_or("");
      continue;
    }
    ASSIGN_OR_RETURN(QueryResult r, ShowCreate(s, "TABLE", t.schema, t.name));
    t.create_sql = r.Get(0, "Create Table");
    // The SELECT lists come from the catalog, read before the lock: an ALTER in between would
    // dump rows without (or with the wrong) columns.
    std::vector<std::string> expected;
    for (const auto& c : t.columns) expected.push_back(c.name);
    if (ColumnNamesFromCreate(t.create_sql) != expected) {
      return Status(StatusCode::kServer,
                    "table " + sql::QualifiedName(t.schema, t.name) +
                        " was altered while the dump was starting; run the dump again");
    }
  }
  for (auto* list : {&cat->views, &cat->triggers, &cat->routines, &cat->events}) {
    for (auto& d : *list) RETURN_IF_ERROR(LoadDefinition(s, &d));
  }
  OrderViewsByDependency(&cat->views);
  return Status::Ok();
}

}  // namespace myvault::dump
